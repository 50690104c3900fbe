import { spawn } from "node:child_process";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../root";

/**
 * Runs one of the project's build scripts (scripts/ensure-pulumi builds the engine, cached), showing
 * its log lines as progress: a cold build takes minutes and must not look like a hang. The scripts ship
 * with recette (the package); they run in the project's folder `root`.
 */
export const runScript = (
  root: string,
  script: string,
  args: string[],
  progress: (line: string) => void,
  env: Record<string, string> = {},
): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(PACKAGE_ROOT, "scripts", script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rest = "";
    const onData = (d: Buffer) => {
      const lines = (rest + d.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) progress(l);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (rest.trim()) progress(rest);
      resolve(code ?? 1);
    });
  });
