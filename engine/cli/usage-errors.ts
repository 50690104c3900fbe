import { longName, usageOf, type CommandDef, type OptionDef } from "./define";
import { didYouMean } from "./suggest";

/** The options every command has besides its own. */
const HELP: OptionDef = { flags: "-h, --help", description: "show this command's usage, options and examples" };
export const TOP_OPTIONS: OptionDef[] = [HELP, { flags: "-V, --version", description: "print recette's version" }];

const flagsOf = (o: OptionDef): string[] => o.flags.split(/[ ,]+/).filter((f) => f.startsWith("-"));
const optionFor = (def: CommandDef | undefined, quoted: string | undefined): OptionDef | undefined =>
  [...(def?.options ?? []), ...TOP_OPTIONS].find((o) => o.flags === quoted || flagsOf(o).includes(quoted ?? ""));
const spelled = (o: OptionDef | undefined, fallback: string) => (o ? `--${longName(o.flags)}` : fallback);

const usageLine = (def: CommandDef) =>
  `\nusage: recette ${def.name} ${usageOf(def)}   (recette ${def.name} --help for more)`;

/**
 * Our own words for what the command-line parser refused. Commander reports a code and an English
 * message that quotes the offending word ('--stak', 'recipe'); we take the word from the quotes and say
 * what is wrong, what was meant and how to get help, the same way for every command.
 */
export const usageError = (
  code: string,
  message: string,
  def: CommandDef | undefined,
  commands: readonly CommandDef[],
): string => {
  const quoted = [...message.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  const who = def ? `recette ${def.name}` : "recette";
  const usage = def ? usageLine(def) : "";
  switch (code) {
    case "commander.unknownCommand": {
      const name = quoted[0] ?? "";
      const meant = didYouMean(
        name,
        commands.map((c) => c.name),
      );
      const list = commands.map((c) => c.name).join(", ");
      const hint = meant ? `; did you mean ${JSON.stringify(meant)}?` : "";
      return `recette: there is no command ${JSON.stringify(name)}${hint} (commands: ${list})`;
    }
    case "commander.unknownOption": {
      const flag = quoted[0] ?? "";
      const known = [...(def?.options ?? []), ...(def ? [HELP] : TOP_OPTIONS)];
      const all = known.flatMap(flagsOf).filter((f) => f.startsWith("--") === flag.startsWith("--"));
      const meant = didYouMean(flag, all);
      const list = known.map((o) => `--${longName(o.flags)}`).join(", ");
      return `${who}: there is no option ${flag}${meant ? `; did you mean ${meant}?` : ""} (options: ${list})${usage}`;
    }
    case "commander.missingArgument": {
      const arg = def?.args?.find((a) => a.name === quoted[0]);
      return `${who}: <${quoted[0] ?? "argument"}> is missing${arg ? `: ${arg.description}` : ""}${usage}`;
    }
    case "commander.optionMissingArgument": {
      const o = optionFor(def, quoted[0]);
      return `${who}: ${spelled(o, quoted[0] ?? "the option")} needs a value${o ? `: ${o.description}` : ""}${usage}`;
    }
    case "commander.conflictingOption": {
      const [a, b] = quoted.map((q) => spelled(optionFor(def, q), q));
      return `${who}: ${a} and ${b} cannot be given together${usage}`;
    }
    case "commander.excessArguments": {
      const got = /got (\d+)/.exec(message)?.[1];
      const takes = (def?.args ?? []).map((a) => `<${a.name}>`).join(" ") || "no arguments";
      return `${who}: too many arguments${got ? ` (${got} given)` : ""}: it takes ${takes}${usage}`;
    }
    default:
      return `${who}: the command line is not understood${usage}`;
  }
};

/** A required option that was not given, in the same words, or undefined. */
export const requiredError = (def: CommandDef, opts: Record<string, unknown>): string | undefined => {
  const missing = (def.options ?? []).find((o) => o.required && opts[longName(o.flags)] === undefined);
  if (!missing) return undefined;
  const flags = missing.flags.replace(/^-[a-z], /, "");
  return `recette ${def.name}: ${flags} is required: ${missing.description}${usageLine(def)}`;
};

/** An option value outside its choices (`--format svg`), in the same words, or undefined. */
export const choiceError = (
  def: CommandDef,
  args: readonly string[],
  opts: Record<string, unknown>,
): string | undefined => {
  const usage = usageLine(def);
  for (const o of def.options ?? []) {
    const v = opts[longName(o.flags)];
    if (o.choices && typeof v === "string" && !o.choices.includes(v))
      return (
        `recette ${def.name}: --${longName(o.flags)} ${JSON.stringify(v)} ` +
        `is not one of ${o.choices.join(", ")}${usage}`
      );
  }
  for (const [i, a] of (def.args ?? []).entries()) {
    const v = args[i];
    if (a.choices && v !== undefined && !a.choices.includes(v)) {
      const meant = didYouMean(v, a.choices);
      const hint = meant ? `; did you mean ${meant}?` : "";
      const value = JSON.stringify(v);
      return `recette ${def.name}: <${a.name}> ${value} is not one of ${a.choices.join(", ")}${hint}${usage}`;
    }
  }
  return undefined;
};
