// Commander parses the command line: the most used and best kept of the three libraries we weighed (commander,
// citty, cac); it alone refuses unknown options and excess arguments, generates per-command help and takes a
// per-command usage, and it loads in a few milliseconds with no dependency (citty and cac accept any option
// silently). Its errors carry a code; usage-errors.ts turns each into our own words, with a "did you mean".
import { Command, CommanderError, Option } from "commander";
import { argUsage, camel, longName, usageOf, type CommandDef, type Io, type Values } from "./define";
import { choiceError, requiredError, usageError } from "./usage-errors";

const collect = (v: string, previous: string[] | undefined): string[] => [...(previous ?? []), v];

const helpAfter = (def: CommandDef): string =>
  [...(def.details ? ["", def.details] : []), "", "Examples:", ...def.examples.map((e) => `  ${e}`)].join("\n");

const optionOf = (o: NonNullable<CommandDef["options"]>[number]): Option => {
  const choices = o.choices ? ` (${o.choices.join(" or ")})` : "";
  const opt = new Option(o.flags, `${o.description}${choices}`);
  if (o.multiple) opt.argParser(collect);
  if (o.conflicts) opt.conflicts(o.conflicts.map(camel));
  return opt;
};

/** Option values keyed by long name, as the implementations and argvCommand expect them. */
const valuesOf = (def: CommandDef, cmd: Command): Values => {
  const raw = cmd.opts<Record<string, string | boolean | string[]>>();
  const out: Values = {};
  for (const o of def.options ?? []) {
    const name = longName(o.flags);
    // Commander keeps a negatable switch (`--no-refresh`) under its positive name, set to false.
    const v = name.startsWith("no-") ? (raw[camel(name.slice(3))] === false ? true : undefined) : raw[camel(name)];
    if (v !== undefined) out[name] = v;
  }
  return out;
};

/**
 * The whole command line from the definitions alone. Running a command imports its implementation;
 * `--help` and usage errors never do. `exit` receives the command's exit code.
 */
export const buildProgram = (
  defs: readonly CommandDef[],
  version: string,
  io: Io,
  exit: (code: number) => void,
): Command => {
  const program = new Command("recette")
    .description("declarative infrastructure recipes on Pulumi")
    .version(version, "-V, --version", "print recette's version")
    .helpOption("-h, --help", "show usage, options and examples")
    .helpCommand("help [command]", "show a command's usage, options and examples")
    .configureHelp({ subcommandTerm: (c) => c.name() })
    .addHelpText(
      "after",
      "\nRun recette help <command> for its options and examples; exit codes and --json shapes: docs/cli.md.",
    );
  for (const def of defs) {
    const cmd = program
      .command(def.name)
      .description(def.summary)
      .usage(usageOf(def))
      .addHelpText("after", helpAfter(def));
    cmd.helpOption("-h, --help", "show this command's usage, options and examples");
    for (const a of def.args ?? []) {
      const choices = a.choices ? ` (${a.choices.join(" or ")})` : "";
      cmd.argument(argUsage(a), `${a.description}${choices}`);
    }
    for (const o of def.options ?? []) cmd.addOption(optionOf(o));
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1];
      if (!(self instanceof Command)) throw new Error(`commander called ${def.name}'s action without its command`);
      const opts = valuesOf(def, self);
      // Checked here rather than by commander, so that a mistyped option (--stak) is named first.
      const bad = requiredError(def, opts) ?? choiceError(def, self.args, opts);
      if (bad) {
        io.err(bad);
        return exit(2);
      }
      const run = await def.load();
      exit(await run({ args: self.args, opts }, io));
    });
  }
  const output = {
    writeOut: (s: string) => io.out(s.replace(/\n$/, "")),
    writeErr: (s: string) => io.err(s.replace(/\n$/, "")),
    // Replaced by our own words in runProgram.
    outputError: () => {},
  };
  program.configureOutput(output).exitOverride();
  for (const c of program.commands) c.configureOutput(output).exitOverride();
  return program;
};

/** Runs the command line; exit 0 ok, 1 error, 2 usage (commands may use other codes: see docs/cli.md). */
export const runProgram = async (
  argv: readonly string[],
  defs: readonly CommandDef[],
  version: string,
  io: Io,
): Promise<number> => {
  let code = 0;
  const program = buildProgram(defs, version, io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }
  // Commander answers `help <unknown>` with the general help and a second error; one clear error instead.
  if (
    argv[0] === "help" &&
    argv[1] !== undefined &&
    !defs.some((d) => d.name === argv[1]) &&
    !argv[1].startsWith("-")
  ) {
    io.err(usageError("commander.unknownCommand", `'${argv[1]}'`, undefined, defs));
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help and --version end the parse by "exiting" 0.
    if (e.exitCode === 0) return 0;
    io.err(
      usageError(
        e.code,
        e.message,
        defs.find((d) => d.name === argv[0]),
        defs,
      ),
    );
    return 2;
  }
};
