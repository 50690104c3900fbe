/*
 * npm run bench — prints figures for one run on this machine (not a test: nothing here asserts).
 *   recipes: time to validate and to render each checked-in recipe (program evaluation under mocks)
 *   engine (with --engine): engine bootstrap (cached), no-op preview of `local`, memory of the stack
 *   full   (with --full): also `local` from nothing to the first HTTPS 200, and a no-op `up`
 *   uncached (with --uncached): also the engine built from nothing in an empty cache (about 30 min)
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { loadRecipe } from "../../engine/load";
import { renderStack } from "../../engine/render";
import { ROOT } from "../../engine/root";

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const row = (cells: string[], widths: number[]) => console.log(cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());

const RECIPES: [string, string][] = [
  ["recipes/blog.yaml", "dev"],
  ["recipes/blog-k3s.yaml", "staging"],
  ["recipes/local.yaml", "local"],
];

const recipes = async () => {
  console.log("## recipes (target: render under 1 s each for the blog recipes, program evaluation included)\n");
  const widths = [24, 12, 16, 14, 10];
  row(["recipe", "validate", "render (first)", "render (warm)", "resources"], widths);
  for (const [file, stack] of RECIPES) {
    let t = process.hrtime.bigint();
    loadRecipe(path.join(ROOT, file));
    const validate = ms(t);
    t = process.hrtime.bigint();
    await renderStack({ root: ROOT, stack, recipe: path.join(ROOT, file) });
    const first = ms(t);
    t = process.hrtime.bigint();
    const r = await renderStack({ root: ROOT, stack, recipe: path.join(ROOT, file) });
    const warm = ms(t);
    row([file, fmt(validate), fmt(first), fmt(warm), String(r.registrations.length)], widths);
  }
  console.log("\n(first: includes loading the Pulumi SDK and providers into the process; warm: the program alone)\n");
};

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: process.env, maxBuffer: 64 << 20 });
const timed = (label: string, cmd: string, args: string[]) => {
  const t = process.hrtime.bigint();
  const r = sh(cmd, args);
  const took = ms(t);
  console.log(`${label.padEnd(44)} ${fmt(took).padStart(10)}${r.status === 0 ? "" : `  (exit ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").pop()})`}`);
  return r;
};

/** Proportional set size of a process, from the kernel. */
const pssMiB = (pid: string) => {
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
};

// pgrep -x matches the 15-character kernel name; the shims are matched on their command line.
const pidsOf = (name: string) => sh("pgrep", name.length > 15 ? ["-f", `^\\S*${name} `] : ["-x", name]).stdout.split("\n").filter(Boolean);

const memory = () => {
  console.log("\n## memory of the deployed local stack (article: Swarm + Traefik + PluXml = 209 MiB on a 2 GiB DEV1-S, 70.9 of it the OS)\n");
  for (const name of ["dockerd", "containerd", "containerd-shim-runc-v2"]) {
    const pids = pidsOf(name);
    const total = pids.reduce((s, p) => s + pssMiB(p), 0);
    console.log(`${`${name} (${pids.length} process${pids.length === 1 ? "" : "es"}), PSS`.padEnd(44)} ${`${total.toFixed(1)} MiB`.padStart(10)}`);
  }
  const stats = sh("docker", ["stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}", "--no-trunc"]).stdout.split("\n").filter((l) => l.includes("recette-local-"));
  let own = 0;
  for (const line of stats) {
    const [name, usage] = line.split("\t");
    const m = /^([\d.]+)(KiB|MiB|GiB)/.exec(usage ?? "");
    const mib = m ? Number(m[1]) * (m[2] === "GiB" ? 1024 : m[2] === "KiB" ? 1 / 1024 : 1) : 0;
    const service = (name ?? "").replace(/^recette-local-/, "").replace(/\..*$/, "");
    if (service !== "pebble") own += mib;
    console.log(`${`container ${service}${service === "pebble" ? " (local only)" : ""}`.padEnd(44)} ${`${mib.toFixed(1)} MiB`.padStart(10)}`);
  }
  console.log(`${"stack's own containers (Traefik, PluXml, OpenSMTPD)".padEnd(44)} ${`${own.toFixed(1)} MiB`.padStart(10)}  (target: under 80 MiB at idle)`);
};

/** One GET of the blog's home page over HTTPS on loopback (SNI = the blog's host); resolves its duration in ms. */
const getHome = (host: string, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = https.get({ host: "127.0.0.1", port, servername: host, path: "/", headers: { Host: host }, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(ms(t)) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", reject);
  });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** The home page's latency: a bounded loop of sequential requests (the real PluXml behind Traefik). */
const latency = async (count = 200) => {
  const host = "blog.local.test";
  console.log(`\n## the blog's home page over HTTPS on loopback (${count} sequential requests through Traefik to PluXml)\n`);
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++) await getHome(host, 443).then((t) => times.push(t), () => failed++);
  times.sort((a, b) => a - b);
  if (times.length === 0) return console.log(`no answer from https://${host}/ (is the local stack up? npm run local:up)`);
  console.log(`${"p50".padEnd(44)} ${fmt(percentile(times, 50)).padStart(10)}`);
  console.log(`${"p95".padEnd(44)} ${fmt(percentile(times, 95)).padStart(10)}`);
  console.log(`${"failed requests".padEnd(44)} ${String(failed).padStart(10)}`);
};

const engine = async (full: boolean, uncached: boolean) => {
  console.log("## engine (the local stack; targets: local:up to first HTTPS 200 under 3 min warm, no-op preview under 20 s)\n");
  if (uncached) {
    // A cache of its own, empty: every Go module downloaded and every binary built (about 30 min here).
    const cache = fs.mkdtempSync("/tmp/recette-bench-cache-");
    timed("engine bootstrap (scripts/ensure-pulumi, uncached)", "bash", ["-c", `RECETTE_CACHE=${cache} bash scripts/ensure-pulumi`]);
    fs.rmSync(cache, { recursive: true, force: true });
  }
  timed("engine bootstrap (scripts/ensure-pulumi, cached)", "bash", ["scripts/ensure-pulumi"]);
  if (full) {
    timed("local:down (destroy, to start from nothing)", "bash", ["scripts/local-down"]);
    timed("local:up from nothing to the first HTTPS 200", "bash", ["scripts/local-up"]);
    timed("no-op pulumi up -s local", "bash", ["-c", ". scripts/pulumi-env.sh && pulumi up -s local --yes --skip-preview --non-interactive"]);
  }
  timed("no-op pulumi preview -s local", "bash", ["-c", ". scripts/pulumi-env.sh && pulumi preview -s local --expect-no-changes --non-interactive"]);
  memory();
  await latency();
};

const main = async () => {
  const args = process.argv.slice(2);
  console.log(`recette bench — ${new Date().toISOString()} — ${execFileSync("nproc").toString().trim()} cores\n`);
  await recipes();
  if (args.includes("--engine") || args.includes("--full") || args.includes("--uncached")) await engine(args.includes("--full"), args.includes("--uncached"));
  else console.log("(engine figures: npm run bench -- --engine; --full adds local:up from nothing; --uncached adds a from-scratch engine build, ~30 min)");
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
