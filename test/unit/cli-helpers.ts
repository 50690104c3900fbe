import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../engine/cli/main";
import { ROOT } from "../helpers";

/** Runs the CLI in this process (the same code as bin/recette); what it printed, line by line. */
export const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
};

/** Runs bin/recette in its own process, from the repository. */
export const recette = (...args: string[]) =>
  spawnSync(path.join(ROOT, "bin", "recette"), args, { cwd: ROOT, encoding: "utf8" });

/**
 * Every file under the repository (but node_modules, .git and build or preview output) with its size and mtime:
 * to prove that nothing was written.
 */
export const listing = (dir = ROOT): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (["node_modules", ".git", ".recette", "dist"].includes(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p, { throwIfNoEntry: false });
        if (st) out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
};
