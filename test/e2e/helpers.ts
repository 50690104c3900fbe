import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import type { DrillReport } from "../../engine/cli/drill";

export const ROOT = path.resolve(__dirname, "../..");

/** Runs a command, returning its status and output (never throws). */
export const sh = (
  cmd: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
) => {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: r.status ?? -1,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    output: `${r.stdout ?? ""}${r.stderr ?? ""}`,
  };
};

export const pulumi = (stack: string, ...args: string[]) => sh("pulumi", [...args, "-s", stack, "--non-interactive"]);

/** A stack of its own for a test, with its recipe in a temporary file: never touches the checked-in stacks. */
export const makeStack = (stack: string, recipe: string): { recipeFile: string; stackFile: string } => {
  const dir = fs.mkdtempSync(path.join(ROOT, ".recette", `${stack}-`));
  const recipeFile = path.join(dir, "recipe.yaml");
  fs.writeFileSync(recipeFile, recipe);
  const stackFile = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
  fs.writeFileSync(stackFile, `config:\n  recette:recipe: ${recipeFile}\n  recette:imageRegistry: local\n`);
  sh("pulumi", ["stack", "rm", stack, "--yes", "--force", "--preserve-config", "--non-interactive"]);
  const init = sh("pulumi", ["stack", "init", stack, "--non-interactive"]);
  if (init.status !== 0) throw new Error(`pulumi stack init ${stack}: ${init.output}`);
  return { recipeFile, stackFile };
};

// One HTTP client for the suites and recette drill's checks (engine/drill/http.ts).
export { peerCertificate, request, type Answer } from "../../engine/drill/http";

/** Polls `check` until it returns a value or the time is up (bounded: no endless loops). */
export const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, seconds: number): Promise<T> => {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`${what}: not ready after ${seconds}s${last ? ` (last error: ${String(last)})` : ""}`);
};

/** Docker objects of a stack, by the label every recette object carries. */
export const stackObjects = (stackLabel: string) => {
  const list = (args: string[]) => sh("docker", args).stdout.split("\n").filter(Boolean);
  const filter = `label=recette.stack=${stackLabel}`;
  return {
    services: list(["service", "ls", "-q", "--filter", filter]),
    containers: list(["ps", "-aq", "--filter", filter]),
    networks: list(["network", "ls", "-q", "--filter", filter]),
    secrets: list(["secret", "ls", "-q", "--filter", filter]),
    configs: list(["config", "ls", "-q", "--filter", filter]),
    volumes: list(["volume", "ls", "-q", "--filter", filter]),
  };
};

/** Every service of the stack runs all its replicas (docker service ls says n/n). */
export const converged = (stackLabel: string): Promise<string[]> =>
  waitFor(
    `services of ${stackLabel} converged`,
    async () => {
      const lines = sh("docker", [
        "service",
        "ls",
        "--filter",
        `label=recette.stack=${stackLabel}`,
        "--format",
        "{{.Name}} {{.Replicas}}",
      ])
        .stdout.split("\n")
        .filter(Boolean);
      const done =
        lines.length > 0 &&
        lines.every((l) => {
          const m = / (\d+)\/(\d+)/.exec(l);
          return m !== null && m[1] === m[2] && m[2] !== "0";
        });
      return done ? lines : undefined;
    },
    240,
  );

/**
 * The environment of a user's shell: CI set (plain progress lines), none of the engine's variables, the
 * cached engine not on PATH (recette must find it itself), nothing of npm's own run (npm_config_*).
 */
export const userEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^npm_/i.test(k) && !["INIT_CWD", "PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE"].includes(k),
    ),
  );
  env.CI = "true";
  env.PATH = (env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => !d.includes(`${path.sep}recette${path.sep}pulumi${path.sep}`))
    .join(path.delimiter);
  return env;
};

/** A command's run, with each stderr line and the seconds since the start when it arrived. */
export interface TimedRun {
  code: number;
  stdout: string;
  stderr: string;
  lines: { at: number; text: string }[];
  seconds: number;
}

/** Runs a command without blocking, stamping each stderr line as it arrives (progress, not a final report). */
export const timedRun = (
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<TimedRun> =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env });
    let stdout = "";
    let stderr = "";
    let rest = "";
    const lines: TimedRun["lines"] = [];
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const parts = (rest + d.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const text of parts) lines.push({ at: (Date.now() - started) / 1000, text });
    });
    child.stdin.end(opts.input ?? "");
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, lines, seconds: (Date.now() - started) / 1000 }),
    );
  });

/** The ids of a stack's objects of one kind on this machine's Docker engine, by their recette.stack label. */
export const labelled = (kind: "service" | "volume", stackLabel: string): string[] =>
  sh("docker", [kind, "ls", "-q", "--filter", `label=recette.stack=${stackLabel}`])
    .stdout.split("\n")
    .filter(Boolean);

/**
 * Asks `ask` (one request: its HTTP status, 0 when it failed) every `everyMs` until stopped: the
 * zero-downtime checks run it during an update, then count the answers that were not 200.
 */
export const pollWhile = (ask: () => Promise<number>, everyMs = 100) => {
  let done = false;
  const answers: number[] = [];
  const loop = (async () => {
    while (!done) {
      answers.push(await ask().catch(() => 0));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async (): Promise<number[]> => {
      done = true;
      await loop;
      return answers;
    },
  };
};

/**
 * A teardown's destroy must succeed: one that fails leaves services, networks or volumes behind for the
 * next suite, so the suite fails here naming it instead of a later suite failing for no visible reason.
 */
export const mustSucceed = (
  what: string,
  r: { status?: number | null; code?: number; output?: string; stderr?: string },
) => {
  const code = r.status ?? r.code;
  if (code !== 0)
    throw new Error(`teardown: ${what} failed (exit ${code}):\n${(r.output ?? r.stderr ?? "").slice(-3000)}`);
};

/**
 * Like sh, but without blocking the event loop, so requests can run while it does; `output` is both streams as they
 * came.
 */
export const shAsync = (
  cmd: string,
  args: string[],
): Promise<{ status: number; output: string; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: process.env });
    let output = "";
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      output += d;
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
      stderr += d;
    });
    child.on("close", (code) => resolve({ status: code ?? -1, output, stdout, stderr }));
  });

/**
 * A small Pulumi program of its own (as another team would write one with recette's components),
 * on a file backend in a temporary directory, with the SSH key set as a secret.
 */
export const makeProgram = (name: string, source: string, privateKey: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `recette-${name}-program-`));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: recette-${name}-test\n` +
      "runtime:\n" +
      "  name: nodejs\n" +
      "  options:\n" +
      "    typescript: false\n" +
      '    nodeargs: "--import=tsx"\n',
  );
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `recette-${name}-test`, main: "index.ts" }));
  fs.writeFileSync(path.join(dir, "index.ts"), source);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.mkdirSync(path.join(dir, "state"));
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` };
  const run = (...args: string[]) => {
    const r = spawnSync("pulumi", ["--non-interactive", ...args], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 600_000,
    });
    return { status: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "" };
  };
  for (const args of [
    ["stack", "init", name],
    ["config", "set", "--secret", "sshPrivateKey", "--", privateKey],
  ]) {
    const r = run(...args);
    if (r.status !== 0) throw new Error(`pulumi ${args.slice(0, 3).join(" ")}: ${r.output}`);
  }
  /** Every state file's text, to prove no secret is stored in clear. */
  /** The stack's state files; fails unless they hold resources (a check on an empty state proves nothing). */
  const stateText = () => {
    const text = fs
      .readdirSync(path.join(dir, "state"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json"))
      .map((f) => fs.readFileSync(path.join(dir, "state", f), "utf8"))
      .join("\n");
    if (!/"urn":\s*"urn:pulumi:/.test(text)) throw new Error(`no resource in the state under ${dir}/state`);
    return text;
  };
  return {
    pulumi: run,
    stateText,
    cleanup: () => {
      const down = run("destroy", "--yes", "--skip-preview");
      fs.rmSync(dir, { recursive: true, force: true });
      mustSucceed("pulumi destroy", down);
    },
  };
};

/**
 * A stateless service that rolls start-first (the zero-downtime checks, on Swarm and on Kubernetes):
 * the PluXml image as a plain web server, installing a blog of its own in each task's or pod's
 * volume, healthy once it answers on port 80, routed on `host`. Probed every 2 s so a new task is
 * seen healthy soon, but with a 10 s timeout: in the CI run (five lanes on two cores) a PHP answer took
 * more than 2 s: dockerd's log shows the probes timing out ("Health check for container … context deadline
 * exceeded") while the broken-release check saw a minute of 404s, the healthy task killed as unhealthy
 * and replaced from the broken spec. A 2 s budget measured the machine's load, not the release.
 */
export const rollingWebService = (host: string, image: string) => ({
  name: "web",
  image,
  env: { RELEASE: "1", PLUXML_ADMIN_NAME: "Web", PLUXML_ADMIN_LOGIN: "web", PLUXML_ADMIN_EMAIL: "web@web.local.test" },
  secrets: { "admin-password": { secret: "blogAdminPassword" } },
  routes: [{ host, port: 80 }],
  health: {
    command: ["php", "-r", "exit(@file_get_contents('http://127.0.0.1/') === false ? 1 : 0);"],
    interval: "2s",
    timeout: "10s",
    retries: 3,
    startPeriod: "2s",
  },
  update: { order: "start-first", delay: "1s" },
});

/**
 * `recette drill --json`'s report, checked as every drill e2e wants it (it passed, on `<stack>-drill`, its backup
 * taken now, at `url`, at least two articles and the admin's login served, RPO ≥ 0 and RTO > 0), and its figure
 * printed (`[figure] <what> drill: …`). Returns the report for the suite's own checks.
 */
export const checkDrillReport = (stdout: string, want: { what: string; stack: string; url: string }): DrillReport => {
  const report = JSON.parse(stdout) as DrillReport;
  expect(report).toMatchObject({
    ok: true,
    drillStack: `${want.stack}-drill`,
    adminLogin: true,
    backup: { taken: true },
  });
  expect(report.url).toBe(want.url);
  // The suite's article is among those checked (the sample article too), each served.
  expect(report.articles.length).toBeGreaterThanOrEqual(2);
  expect(report.articles.filter((a) => a.status !== 200)).toEqual([]);
  expect(report.rpoSeconds).toBeGreaterThanOrEqual(0);
  expect(report.rtoSeconds).toBeGreaterThan(0);
  const phases = Object.entries(report.phases)
    .map(([k, v]) => `${k} ${v} s`)
    .join(", ");
  console.log(
    `[figure] ${want.what} drill: ${report.articles.length} articles and the admin's login checked on ${report.url}; ` +
      `RPO ${report.rpoSeconds} s, RTO ${report.rtoSeconds} s (${phases}); TLS ${report.certificate}`,
  );
  return report;
};
