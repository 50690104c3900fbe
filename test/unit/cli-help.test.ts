import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../engine/cli/defs";
import { ROOT } from "../helpers";
import { listing, recette, run } from "./cli-helpers";

const NAMES = COMMANDS.map((c) => c.name);
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("recette --help, help <cmd>, <cmd> --help", () => {
  it("the commands are the ones the issue names, each with a summary, a usage and at least one example", () => {
    // Others may follow (one definition each in engine/cli/defs/); these are the ones this suite knows.
    expect(NAMES).toEqual(
      expect.arrayContaining([
        "validate",
        "explain",
        "render",
        "graph",
        "preview",
        "drift",
        "backup",
        "restore",
        "images",
        "schema",
        "completion",
      ]),
    );
    for (const c of COMMANDS) {
      expect(c.summary.length, c.name).toBeGreaterThan(10);
      expect(c.examples.length, c.name).toBeGreaterThan(0);
      for (const e of c.examples) expect(e, c.name).toMatch(new RegExp(`^(source <\\()?recette ${c.name}\\b`));
    }
  });

  it("every command's --help and help <cmd>: exit 0, usage and examples, no stderr, no file written", async () => {
    const before = listing();
    for (const name of NAMES) {
      for (const argv of [
        [name, "--help"],
        [name, "-h"],
        ["help", name],
      ]) {
        const r = await run(...argv);
        expect([argv.join(" "), r.code, r.stderr]).toEqual([argv.join(" "), 0, ""]);
        expect(r.stdout).toMatch(new RegExp(`^Usage: recette ${name} `));
        expect(r.stdout.slice(r.stdout.indexOf("\nExamples:\n  "))).toContain(`recette ${name} `);
      }
    }
    expect(listing()).toEqual(before);
  });

  it("schema --help, once a silent regeneration, now only prints (bin/recette, its own process)", () => {
    const before = listing();
    const r = recette("schema", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("recette schema --write   # what npm run schema runs");
    expect(r.stderr).toBe("");
    expect(listing()).toEqual(before);
  });

  it('validate --help and render --help exit 0 (once "--help:1:1 no such file" and Node\'s parseArgs error)', () => {
    for (const name of ["validate", "render"]) {
      const r = recette(name, "--help");
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(r.stdout.split("\n")[0]).toBe(
        name === "validate"
          ? "Usage: recette validate [recipe] [options]"
          : "Usage: recette render [recipe] --stack <name> --out <dir>",
      );
    }
  });

  it("recette --help lists every command with its summary; no command prints it on stderr with exit 2", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    for (const c of COMMANDS)
      expect(r.stdout, c.name).toMatch(
        new RegExp(`^  ${c.name} +${c.summary.slice(0, 20).replace(/[()[\]`.]/g, "\\$&")}`, "m"),
      );
    expect(r.stdout).toMatch(/^ {2}help +show a command's usage, options and examples$/m);
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^Usage: recette \[options\] \[command\]/);
  });

  it("--version and -V print package.json's version", async () => {
    for (const flag of ["--version", "-V"]) expect(await run(flag)).toEqual({ code: 0, stdout: version, stderr: "" });
    const r = recette("--version");
    expect([r.status, r.stdout]).toEqual([0, `${version}\n`]);
  });

  it("--help loads no command's implementation: no Pulumi, no zod, no YAML parser", () => {
    const script = [
      'const { main } = require("./engine/cli/main.ts");',
      "(async () => {",
      '  const all = [["--help"], ["validate", "--help"], ["render", "--help"], ["preview", "-h"], ["help", "drift"]];',
      "  for (const argv of all)",
      "    await main(argv, { out: () => {}, err: () => {} });",
      "  const loaded = Object.keys(require.cache).map((f) => f.replace(process.cwd() + '/', ''));",
      "  const heavy = /node_modules\\/(@pulumi|zod|yaml)\\/|^engine\\/(load|render|schema|delivery|backup)\\//;",
      "  console.log(JSON.stringify(loaded.filter((f) => heavy.test(f))));",
      "  console.log(JSON.stringify(loaded.filter((f) => f.startsWith('engine/cli/')).sort()));",
      "})();",
    ].join("\n");
    const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [heavy, cli] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as string[]);
    expect(heavy).toEqual([]);
    // The framework and the definitions; not validate.ts, render.ts, preview.ts, drift.ts…
    expect(cli!.filter((f) => !f.startsWith("engine/cli/defs/"))).toEqual([
      "engine/cli/define.ts",
      "engine/cli/main.ts",
      "engine/cli/program.ts",
      "engine/cli/suggest.ts",
      "engine/cli/usage-errors.ts",
      "engine/cli/version.ts",
    ]);
  });
});
