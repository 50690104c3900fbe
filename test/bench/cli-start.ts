/*
 * How long the CLI takes to answer, as a user starts it: the installed command (bin/recette running the bundle
 * dist/cli.js, npm run build, with its compiled-code cache) in a new process, the median of several runs after
 * one that fills the cache, beside Node's own start.
 * Goal (issue 19): `recette --help` and `recette validate <recipe>` in under 0.2 s once the CLI runs compiled
 * JavaScript. Printed, not asserted: a loaded machine (this one runs other work) says little about a user's.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT as ROOT } from "../../engine/root";

const RUNS = 7;
const GOAL_MS = 200;

/** Median wall time and median CPU time (user + system, less sensitive to a busy machine) of RUNS runs. */
const measure = (args: string[]): { wall: number; cpu: number; status: number | null } => {
  const walls: number[] = [];
  const cpus: number[] = [];
  let status: number | null = 0;
  for (let i = 0; i < RUNS; i++) {
    // bash's `time` gives the child's user and system time besides the wall time measured here.
    const t = process.hrtime.bigint();
    const r = spawnSync(
      "bash",
      ["-c", 'TIMEFORMAT="%U %S"; { time "$@" >/dev/null 2>&1; s=$?; } 2>&1; exit $s', "_", process.execPath, ...args],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    walls.push(Number(process.hrtime.bigint() - t) / 1e6);
    status = r.status;
    const [user, sys] = r.stdout.trim().split(/\s+/).map(Number);
    cpus.push(((user ?? 0) + (sys ?? 0)) * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus), status };
};

export const cliStart = (): void => {
  console.log(
    `## CLI start (goal: under ${GOAL_MS / 1000} s for --help and validate, compiled JavaScript; median of ${RUNS})\n`,
  );
  // What the installed command runs: bin/recette beside dist/ and no TypeScript sources (in a checkout,
  // bin/recette runs the sources through tsx instead), its code cache in a directory of its own.
  const installed = fs.mkdtempSync(path.join(os.tmpdir(), "recette-bench-cli-"));
  fs.mkdirSync(path.join(installed, "bin"));
  fs.copyFileSync(path.join(ROOT, "bin", "recette"), path.join(installed, "bin", "recette"));
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(installed, "package.json"));
  fs.symlinkSync(path.join(ROOT, "dist"), path.join(installed, "dist"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(installed, "node_modules"));
  const userCache = process.env.RECETTE_CACHE;
  process.env.RECETTE_CACHE = path.join(installed, "cache");
  const cli = (...args: string[]) => [path.join(installed, "bin", "recette"), ...args];
  // The first run writes the compiled-code cache, as a user's first command does.
  spawnSync(process.execPath, cli("validate", "recipes/blog.yaml"), { cwd: ROOT });
  const rows: [string, string[]][] = [
    ["node -e 0 (Node's own start)", ["-e", "0"]],
    ["recette --help", cli("--help")],
    ["recette validate --help", cli("validate", "--help")],
    ["recette validate recipes/blog.yaml", cli("validate", "recipes/blog.yaml")],
  ];
  console.log(`${"command".padEnd(40)} ${"wall".padStart(10)} ${"cpu".padStart(10)}  goal`);
  for (const [label, args] of rows) {
    const m = measure(args);
    const verdict = label.startsWith("node") ? "" : m.wall < GOAL_MS ? "met" : "not met";
    const fmt = (n: number) => `${n.toFixed(0)} ms`.padStart(10);
    console.log(
      `${label.padEnd(40)} ${fmt(m.wall)} ${fmt(m.cpu)}  ${verdict}${m.status === 0 ? "" : ` (exit ${m.status})`}`,
    );
  }
  console.log("\n(cpu: user + system time of the process; on a busy machine wall time grows, cpu time much less)\n");
  fs.rmSync(installed, { recursive: true, force: true });
  if (userCache === undefined) delete process.env.RECETTE_CACHE;
  else process.env.RECETTE_CACHE = userCache;
};
