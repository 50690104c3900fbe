import { describe, expect, it } from "vitest";
import { toArgv } from "../../engine/cli/define";
import { didYouMean } from "../../engine/cli/suggest";
import { recette, run } from "./cli-helpers";

const COMMAND_LIST =
  "init, validate, explain, render, graph, config, up, rollback, history, " +
  "preview, refresh, drift, destroy, outputs, status, logs, node, backup, " +
  "restore, drill, env, images, stack-info, schema, completion";

describe("did you mean", () => {
  it("suggests the command or option a typo meant, and nothing for a word that is far from all of them", () => {
    const commands = ["validate", "explain", "render", "graph", "preview", "drift"];
    expect(didYouMean("valdate", commands)).toBe("validate");
    expect(didYouMean("vlaidate", commands)).toBe("validate");
    expect(didYouMean("exp", commands)).toBe("explain");
    expect(didYouMean("--stak", ["-s", "--stack", "--out"])).toBe("--stack");
    expect(didYouMean("orchestator", ["orchestrator", "nodes"])).toBe("orchestrator");
    expect(didYouMean("frobnicate", commands)).toBeUndefined();
    expect(didYouMean("up", commands)).toBeUndefined();
    expect(didYouMean("fish", ["bash", "zsh"])).toBeUndefined();
    expect(didYouMean("bsh", ["bash", "zsh"])).toBe("bash");
    expect(didYouMean("-x", ["-s", "--stack"])).toBeUndefined();
  });
});

describe("usage errors: exit 2, our own words, the usage line", () => {
  it("an unknown command names the closest one", async () => {
    expect(await run("valdate", "recipes/blog.yaml")).toEqual({
      code: 2,
      stdout: "",
      stderr: `recette: there is no command "valdate"; did you mean "validate"? (commands: ${COMMAND_LIST})`,
    });
    expect((await run("frobnicate")).stderr).toBe(
      `recette: there is no command "frobnicate" (commands: ${COMMAND_LIST})`,
    );
    expect(await run("help", "rendr")).toEqual({
      code: 2,
      stdout: "",
      stderr: `recette: there is no command "rendr"; did you mean "render"? (commands: ${COMMAND_LIST})`,
    });
  });

  it("an unknown option names the closest one of that command", async () => {
    expect(await run("render", "--stak", "dev", "--out", "x")).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "recette render: there is no option --stak; did you mean --stack? (options: --stack, --out, --help)\n" +
        "usage: recette render [recipe] --stack <name> --out <dir>   (recette render --help for more)",
    });
    expect((await run("validate", "--jsno", "recipes/blog.yaml")).stderr.split("\n")[0]).toBe(
      "recette validate: there is no option --jsno; did you mean --json? (options: --stack, --json, --help)",
    );
    expect((await run("drift", "-x")).stderr.split("\n")[0]).toBe(
      "recette drift: there is no option -x (options: --stack, --json, --help)",
    );
    expect((await run("--verison")).stderr).toBe(
      "recette: there is no option --verison; did you mean --version? (options: --help, --version)",
    );
  });

  it("a missing argument or value, a required option, too many arguments, exclusive options", async () => {
    const cases: [string[], string][] = [
      [["explain"], "recette explain: <recipe> is missing: the recipe file, e.g. recipes/blog.yaml"],
      [
        ["render", "-s"],
        "recette render: --stack needs a value: the stack whose values to use (stacks/Pulumi.<name>.yaml)",
      ],
      [
        ["render", "--out", "x"],
        "recette render: --stack <name> is required: the stack whose values to use (stacks/Pulumi.<name>.yaml)",
      ],
      [["drift"], "recette drift: --stack <name> is required: the stack to compare"],
      [["validate", "a.yaml", "b.yaml"], "recette validate: too many arguments (2 given): it takes <recipe>"],
      [["schema", "--write", "--check"], "recette schema: --write and --check cannot be given together"],
      [["graph", "-s", "local", "--format", "svg"], 'recette graph: --format "svg" is not one of mermaid, dot'],
      [["completion", "fish"], 'recette completion: <shell> "fish" is not one of bash, zsh'],
      [["completion", "bsh"], 'recette completion: <shell> "bsh" is not one of bash, zsh; did you mean bash?'],
    ];
    for (const [argv, first] of cases) {
      const r = await run(...argv);
      expect([argv.join(" "), r.code, r.stdout, r.stderr.split("\n")[0]]).toEqual([argv.join(" "), 2, "", first]);
      expect(r.stderr.split("\n")[1], argv.join(" ")).toMatch(
        new RegExp(`^usage: recette ${argv[0]} .*\\(recette ${argv[0]} --help for more\\)$`),
      );
    }
  });
});

describe("no parser's own words reach the user", () => {
  it("every refused command line is answered in our words: no commander, Node or JavaScript error text", async () => {
    const bad = [
      ["--bogus"],
      ["valdate"],
      ["explain"],
      ["validate", "--bogus", "x"],
      ["render", "-s"],
      ["render", "--out"],
      ["preview", "--changed-from"],
      ["drift", "--stack"],
      ["backup", "-s", "local", "a", "b"],
      ["images", "--registry"],
      ["schema", "--check", "--write"],
      ["completion"],
      ["graph", "--format", "png", "-s", "dev"],
      ["help", "nope"],
    ];
    for (const argv of bad) {
      const r = await run(...argv);
      expect([argv.join(" "), r.code]).toEqual([argv.join(" "), 2]);
      expect(r.stderr, argv.join(" ")).toMatch(/^recette( [a-z]+)?: /);
      expect(r.stderr, argv.join(" ")).not.toMatch(
        /error:|ERR_|TypeError|Unknown option|argument missing|Allowed choices/i,
      );
    }
  });
});

describe("-s and the older implementations' argument lists", () => {
  it("reach them with long names, --name=value, and -- before the positionals", () => {
    const options = [
      { flags: "-s, --stack <name>", description: "", multiple: true },
      { flags: "--stop", description: "" },
      { flags: "--force", description: "" },
    ];
    expect(toArgv({ options }, { args: ["-odd.tar.gz"], opts: { stack: ["dev", "-x"], stop: true } })).toEqual([
      "--stack=dev",
      "--stack=-x",
      "--stop",
      "--",
      "-odd.tar.gz",
    ]);
    expect(toArgv({ options }, { args: [], opts: {} })).toEqual([]);
  });

  it("-s works wherever --stack does: drift, preview, backup, restore (a bad name is refused the same way)", () => {
    const refusal = (cmd: string) =>
      new RegExp(`^recette ${cmd}: --stack "Dev" is not a recette stack name \\(lower-case letters, digits and -`);
    for (const argv of [
      ["drift", "-s", "Dev"],
      ["preview", "-s", "Dev"],
      ["backup", "-s", "Dev", "x.tar.gz"],
      ["restore", "-s", "Dev", "x.tar.gz"],
    ]) {
      const short = recette(...argv);
      const long = recette(...argv.map((a) => (a === "-s" ? "--stack" : a)));
      expect([argv.join(" "), short.status]).toEqual([argv.join(" "), 2]);
      expect(short.stderr).toMatch(refusal(argv[0]!));
      expect([long.status, long.stdout, long.stderr]).toEqual([short.status, short.stdout, short.stderr]);
    }
  });

  it("restore of a missing archive: our own message naming the file and the fix, exit 1", () => {
    const fix =
      "give the path of a .tar.gz written by recette backup (e.g. recette backup -s local backups/local.tar.gz)";
    const missing = recette("restore", "-s", "local", "backups/nope.tar.gz");
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([
      1,
      "",
      `recette restore: there is no file backups/nope.tar.gz: ${fix}\n`,
    ]);
    expect(recette("restore", "-s", "local", "docs").stderr).toBe(`recette restore: docs is not a file: ${fix}\n`);
  });
});
