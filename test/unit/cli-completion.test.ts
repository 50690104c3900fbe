import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { bashCompletion, zshCompletion } from "../../engine/cli/completion";
import { COMMANDS } from "../../engine/cli/defs";
import { ROOT } from "../helpers";
import { recette } from "./cli-helpers";

const script = (text: string, ext: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recette-completion-")), `recette.${ext}`);
  fs.writeFileSync(file, text);
  return file;
};

/** What bash offers after `words` (the last one being completed), with the script sourced as a user would. */
const offered = (file: string, ...words: string[]) => {
  const array = words.map((w) => `'${w}'`).join(" ");
  const r = spawnSync(
    "bash",
    [
      "--norc",
      "-c",
      `source "$1"; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _recette; printf '%s\\n' "\${COMPREPLY[@]}"`,
      "_",
      file,
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
};

describe("recette completion", () => {
  it("bash: the script registers for recette and offers commands, options, stacks and choices", () => {
    const r = recette("completion", "bash");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(bashCompletion(COMMANDS));
    const file = script(r.stdout, "bash");
    const registered = spawnSync("bash", ["--norc", "-c", 'source "$1"; complete -p recette', "_", file], {
      encoding: "utf8",
    });
    expect(registered.stdout).toBe("complete -o default -F _recette recette\n");
    expect(offered(file, "recette", "v")).toEqual(["validate"]);
    expect(offered(file, "recette", "")).toEqual([...COMMANDS.map((c) => c.name), "help", "--help", "--version"]);
    expect(offered(file, "recette", "render", "--st")).toEqual(["--stack"]);
    expect(offered(file, "recette", "backup", "--f")).toEqual(["--force"]);
    const stacks = fs.readdirSync(path.join(ROOT, "stacks")).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
    expect(offered(file, "recette", "render", "-s", "").sort()).toEqual(stacks.sort());
    expect(offered(file, "recette", "drift", "--stack", "loc").sort()).toEqual(
      stacks.filter((s) => s.startsWith("loc")).sort(),
    );
    expect(offered(file, "recette", "graph", "--format", "")).toEqual(["mermaid", "dot"]);
    expect(offered(file, "recette", "completion", "")).toEqual(["bash", "zsh"]);
    expect(offered(file, "recette", "help", "dr")).toEqual(["drift", "drill"]);
  });

  it("zsh: the script parses and registers _recette for recette", () => {
    const r = recette("completion", "zsh");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(zshCompletion(COMMANDS));
    const file = script(r.stdout, "zsh");
    const syntax = spawnSync("zsh", ["-n", file], { encoding: "utf8" });
    expect([syntax.status, syntax.stderr]).toEqual([0, ""]);
    const loaded = spawnSync(
      "zsh",
      ["-f", "-c", 'autoload -U compinit && compinit -u && source "$1" && print -r -- $_comps[recette]', "_", file],
      {
        encoding: "utf8",
      },
    );
    expect([loaded.status, loaded.stdout, loaded.stderr]).toEqual([0, "_recette\n", ""]);
  });
});
