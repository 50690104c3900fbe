/*
 * npm run bench — prints figures for one run on this machine (not a test: nothing here asserts).
 *   cli: how long bin/recette takes to start for --help and validate (test/bench/cli-start.ts)
 *   recipes: time to validate and to render each checked-in recipe (program evaluation under mocks)
 *   engine (with --engine): engine bootstrap (cached), no-op preview of `local`, memory of the stack
 *   full   (with --full): also `local` from nothing to the first HTTPS 200, and a no-op `up`
 *   uncached (with --uncached): also the engine built from nothing in an empty cache (about 30 min)
 *   --stack local-k3s: the same on the local Kubernetes cluster (scripts/ensure-kubernetes): cluster
 *     start to Ready, `up` to the first HTTPS 200 (with --full), the memory of each cluster component
 *     and pod, and the home page's latency through Traefik's LoadBalancer on the node's address
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { loadRecipe } from "../../engine/load";
import { renderStack } from "../../engine/render";
import { PACKAGE_ROOT as ROOT } from "../../engine/root";
import { cliStart } from "./cli-start";

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const row = (cells: string[], widths: number[]) =>
  console.log(
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );

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

const sh = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: process.env, maxBuffer: 64 << 20 });
const timed = (label: string, cmd: string, args: string[]) => {
  const t = process.hrtime.bigint();
  const r = sh(cmd, args);
  const took = ms(t);
  const failure = r.status === 0 ? "" : `  (exit ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").pop()})`;
  console.log(`${label.padEnd(44)} ${fmt(took).padStart(10)}${failure}`);
  return r;
};

/** Proportional set size of a process, from the kernel. */
const pssMiB = (pid: string) => {
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
};

// pgrep -x matches the 15-character kernel name; the shims are matched on their command line.
const pidsOf = (name: string) =>
  sh("pgrep", name.length > 15 ? ["-f", `^\\S*${name} `] : ["-x", name])
    .stdout.split("\n")
    .filter(Boolean);

const memory = () => {
  console.log(
    "\n## memory of the deployed local stack (article: Swarm + Traefik " +
      "+ PluXml = 209 MiB on a 2 GiB DEV1-S, 70.9 of it the OS)\n",
  );
  for (const name of ["dockerd", "containerd", "containerd-shim-runc-v2"]) {
    const pids = pidsOf(name);
    if (pids.length === 0) {
      console.log(`${`${name}, PSS`.padEnd(44)} not measured: no ${name} process`);
      continue;
    }
    const total = pids.reduce((s, p) => s + pssMiB(p), 0);
    console.log(
      `${`${name} (${pids.length} process${pids.length === 1 ? "" : "es"}), PSS`.padEnd(44)} ` +
        `${`${total.toFixed(1)} MiB`.padStart(10)}`,
    );
  }
  const stats = sh("docker", ["stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}", "--no-trunc"])
    .stdout.split("\n")
    .filter((l) => l.includes("recette-local-"));
  let own = 0;
  for (const line of stats) {
    const [name, usage] = line.split("\t");
    const m = /^([\d.]+)(KiB|MiB|GiB)/.exec(usage ?? "");
    const mib = m ? Number(m[1]) * (m[2] === "GiB" ? 1024 : m[2] === "KiB" ? 1 / 1024 : 1) : 0;
    const service = (name ?? "").replace(/^recette-local-/, "").replace(/\..*$/, "");
    if (service !== "pebble") own += mib;
    console.log(
      `${`container ${service}${service === "pebble" ? " (local only)" : ""}`.padEnd(44)} ` +
        `${`${mib.toFixed(1)} MiB`.padStart(10)}`,
    );
  }
  // Nothing measured is not 0 MiB: a figure beside its goal only when there was something to measure.
  console.log(
    stats.length === 0
      ? `${"stack's own containers (Traefik, PluXml, OpenSMTPD)".padEnd(44)} ` +
          "not measured: the local stack is not running (npm run local:up)"
      : `${"stack's own containers (Traefik, PluXml, OpenSMTPD)".padEnd(44)} ` +
          `${`${own.toFixed(1)} MiB`.padStart(10)}  (target: under 80 MiB at idle)`,
  );
};

/** One GET of the blog's home page over HTTPS on loopback (SNI = the blog's host); resolves its duration in ms. */
const getHome = (host: string, port: number, address = "127.0.0.1"): Promise<number> =>
  new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = https.get(
      {
        host: address,
        port,
        servername: host,
        path: "/",
        headers: { Host: host },
        rejectUnauthorized: false,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve(ms(t)) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", reject);
  });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** The home page's latency: a bounded loop of sequential requests (the real PluXml behind Traefik). */
const latency = async (count = 200, address = "127.0.0.1") => {
  const host = "blog.local.test";
  console.log(
    `\n## the blog's home page over HTTPS on ${address} (${count} sequential requests through Traefik to PluXml)\n`,
  );
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++)
    await getHome(host, 443, address).then(
      (t) => times.push(t),
      () => failed++,
    );
  times.sort((a, b) => a - b);
  if (times.length === 0)
    return console.log(`no answer from https://${host}/ (is the local stack up? npm run local:up)`);
  console.log(`${"p50".padEnd(44)} ${fmt(percentile(times, 50)).padStart(10)}`);
  console.log(`${"p95".padEnd(44)} ${fmt(percentile(times, 95)).padStart(10)}`);
  console.log(`${"failed requests".padEnd(44)} ${String(failed).padStart(10)}`);
};

const engine = async (full: boolean, uncached: boolean) => {
  console.log(
    "## engine (the local stack; targets: local:up to first HTTPS 200 under 3 min warm, no-op preview under 20 s)\n",
  );
  if (uncached) {
    // A cache of its own, empty: every Go module downloaded and every binary built (about 30 min here).
    const cache = fs.mkdtempSync("/tmp/recette-bench-cache-");
    timed("engine bootstrap (scripts/ensure-pulumi, uncached)", "bash", [
      "-c",
      `RECETTE_CACHE=${cache} bash scripts/ensure-pulumi`,
    ]);
    fs.rmSync(cache, { recursive: true, force: true });
  }
  timed("engine bootstrap (scripts/ensure-pulumi, cached)", "bash", ["scripts/ensure-pulumi"]);
  if (full) {
    timed("local:down (destroy, to start from nothing)", "bash", ["scripts/local-down"]);
    timed("local:up from nothing to the first HTTPS 200", "bash", ["scripts/local-up"]);
    timed("no-op pulumi up -s local", "bash", [
      "-c",
      ". scripts/pulumi-env.sh && pulumi up -s local --yes --skip-preview --non-interactive",
    ]);
  }
  timed("no-op pulumi preview -s local", "bash", [
    "-c",
    ". scripts/pulumi-env.sh && pulumi preview -s local --expect-no-changes --non-interactive",
  ]);
  memory();
  await latency();
};

const K8S_RUN = "/run/recette-k8s";
const K8S_NODE = process.env.RECETTE_K8S_NODE_IP || "10.41.0.1";
const mib = (n: number) => `${n.toFixed(1)} MiB`.padStart(10);

/** Working set of a memory cgroup (v1), as kubelet counts it: usage minus inactive file pages. */
const workingSetMiB = (dir: string) => {
  const usage = Number(fs.readFileSync(`${dir}/memory.usage_in_bytes`, "utf8"));
  const inactive = Number(/^total_inactive_file (\d+)$/m.exec(fs.readFileSync(`${dir}/memory.stat`, "utf8"))?.[1] ?? 0);
  return Math.max(0, usage - inactive) / 1048576;
};

/** The local cluster's memory: each component by the pid ensure-kubernetes recorded, then each pod's cgroup. */
const kubernetesMemory = () => {
  console.log(
    "\n## memory of the local Kubernetes node (article: k3s 619 MiB, k3s " +
      "+ Traefik + PluXml 678 MiB on a 2 GiB DEV1-S; Swarm 155 / 209 MiB)\n",
  );
  let total = 0;
  for (const name of [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "containerd",
  ]) {
    const file = `${K8S_RUN}/${name}.pid`;
    if (!fs.existsSync(file))
      return console.log(`no ${file}: is the cluster up? (npm run local:up -- --stack local-k3s)`);
    const pss = pssMiB(fs.readFileSync(file, "utf8").trim());
    total += pss;
    console.log(`${`${name}, PSS`.padEnd(44)} ${mib(pss)}`);
  }
  // Each task directory records its container's pid (init.pid); the container's parent is its shim.
  const tasks = `${K8S_RUN}/containerd/io.containerd.runtime.v2.task/k8s.io`;
  const parentOf = (pid: string) => /^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  const shims = [
    ...new Set(
      (fs.existsSync(tasks) ? fs.readdirSync(tasks) : [])
        .map((id) => `${tasks}/${id}/init.pid`)
        .filter((f) => fs.existsSync(f) && fs.existsSync(`/proc/${fs.readFileSync(f, "utf8").trim()}`))
        .map((f) => parentOf(fs.readFileSync(f, "utf8").trim()))
        .filter((p): p is string => p !== undefined),
    ),
  ];
  const shimPss = shims.reduce((s, pid) => s + pssMiB(pid), 0);
  total += shimPss;
  console.log(`${`containerd shims (${shims.length}), PSS`.padEnd(44)} ${mib(shimPss)}`);
  console.log(`${"cluster processes together".padEnd(44)} ${mib(total)}`);
  const versions = fs.readFileSync(path.join(ROOT, "scripts/kubernetes/versions.env"), "utf8");
  const kubectl = path.join(
    process.env.RECETTE_CACHE || `${process.env.HOME}/.cache/recette`,
    "kubernetes",
    `kubernetes-${/^K8S_VERSION=(.+)$/m.exec(versions)![1]}`,
    "kubectl",
  );
  const pods = sh(kubectl, [
    "--kubeconfig",
    "/var/lib/recette-k8s/pki/kubeconfig/super-admin.conf",
    "get",
    "pods",
    "-A",
    "-o",
    'jsonpath={range .items[*]}{.metadata.uid} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
  ])
    .stdout.split("\n")
    .filter(Boolean);
  const root = "/sys/fs/cgroup/memory/kubepods";
  const dirs = fs.existsSync(root)
    ? [root, ...["burstable", "besteffort"].map((q) => `${root}/${q}`).filter((d) => fs.existsSync(d))]
    : [];
  let podsTotal = 0;
  for (const line of pods) {
    const [uid, name] = line.split(" ");
    const dir = dirs.map((d) => `${d}/pod${uid}`).find((d) => fs.existsSync(d));
    if (!dir) continue;
    const ws = workingSetMiB(dir);
    podsTotal += ws;
    console.log(`${`pod ${name}, working set`.padEnd(44)} ${mib(ws)}`);
  }
  if (pods.length === 0) {
    console.log(`${"pods together".padEnd(44)} not measured: kubectl listed no pod`);
    return;
  }
  console.log(`${"pods together".padEnd(44)} ${mib(podsTotal)}`);
  console.log(`${"node: cluster processes + pods".padEnd(44)} ${mib(total + podsTotal)}`);
};

const kubernetes = async (full: boolean) => {
  console.log("## engine on the local Kubernetes cluster (stack local-k3s)\n");
  timed("Kubernetes binaries (ensure-kubernetes --build-only, cached)", "bash", [
    "scripts/ensure-kubernetes",
    "--build-only",
  ]);
  if (full) {
    timed("local:down -- --stack local-k3s (stack and cluster)", "bash", [
      "scripts/local-down",
      "--stack",
      "local-k3s",
    ]);
    timed("cluster start to Ready (DNS + PVC checked)", "bash", ["scripts/ensure-kubernetes"]);
    timed("local:up -- --stack local-k3s to the first HTTPS 200", "bash", ["scripts/local-up", "--stack", "local-k3s"]);
  }
  timed("no-op pulumi preview -s local-k3s", "bash", [
    "-c",
    ". scripts/pulumi-env.sh && KUBECONFIG=$(bash scripts/ensure-kubernetes --kubeconfig " +
      "2>/dev/null) pulumi preview -s local-k3s --expect-no-changes --non-interactive",
  ]);
  kubernetesMemory();
  await latency(200, K8S_NODE);
};

const main = async () => {
  const args = process.argv.slice(2);
  console.log(`recette bench — ${new Date().toISOString()} — ${execFileSync("nproc").toString().trim()} cores\n`);
  cliStart();
  await recipes();
  const stack = args.includes("--stack") ? args[args.indexOf("--stack") + 1] : "local";
  if (stack === "local-k3s") await kubernetes(args.includes("--full"));
  else if (args.includes("--engine") || args.includes("--full") || args.includes("--uncached"))
    await engine(args.includes("--full"), args.includes("--uncached"));
  else
    console.log(
      "(engine figures: npm run bench -- --engine; --full adds local:up " +
        "from nothing; --uncached adds a from-scratch engine build, ~30 min)",
    );
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
