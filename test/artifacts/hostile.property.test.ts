import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  kubernetesProblems,
  renderAgentInstall,
  renderDeployment,
  renderIngress,
  renderKubeconfig,
  renderNodeLabels,
  renderServerInstall,
} from "../../components/k3s";
import { renderStep } from "../../components/node";
import { renderCredentials, renderSmtpdConf, type SmtpdConfigArgs } from "../../components/opensmtpd";
import { parsePreflight, renderPreflightScript } from "../../components/preflight";
import { renderBootstrapScript } from "../../components/scaleway";
import { renderRule } from "../../components/swarm";
import { renderInit, renderJoin, renderLabels } from "../../components/swarm/scripts";
import { renderDynamicConfig } from "../../components/traefik";
import { workloadDefaults, type Workload } from "../../components/workload";
import { modelOf, unknownFields, validateObject } from "./k8s-schema";
import { withTraefik } from "./traefik-binary";

/*
 * Hostile values through every renderer that writes another language: shell scripts, smtpd.conf,
 * Traefik rules, Kubernetes objects. For each value a renderer either refuses it (an Error whose
 * message starts with "recette:" and prints no raw control character), or its output passes the
 * real validator AND carries the value as exactly one literal: the scripts run under bash with
 * stand-in functions for docker/k3s/curl that record their arguments NUL-separated, in a temp dir,
 * and nothing else may run. Values come from a seeded fast-check sample, so every run is the same.
 */

const SEED = 20261125;
const RUNS = 60;

const PIECES = [
  "'",
  '"',
  "`",
  "$(touch pwned)",
  "`touch pwned`",
  "${HOME}",
  "$HOME",
  ";",
  "&",
  "&&",
  "#",
  "|",
  "||",
  "\n",
  "\r",
  "\0",
  "\t",
  " ",
  "\u001b[2J",
  "\u009b",
  "\\",
  "\\n",
  "*",
  "?",
  "[a]",
  "{a,b}",
  "~",
  "!",
  "!!",
  "<",
  ">",
  "=",
  ":",
  ",",
  "%",
  "%s",
  "-",
  "--",
  "/",
  "-oProxyCommand=touch pwned",
  'match from any for any action "relay"',
  "`) || Host(`x",
  "é",
  "𝄞",
  "\u202e",
  "\u2028",
  "x",
  "disk",
  "10.0.0.1",
];
const hostile = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PIECES).map((p) => `${p}${"x".repeat(3000)}${p}`) },
);
const VALUES: string[] = [...PIECES, ...fc.sample(hostile, { seed: SEED, numRuns: RUNS })];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recette-hostile-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }), 60_000);
let counter = 0;
const file = (name: string, content: string) => {
  const f = path.join(tmp, `${counter++}-${name}`);
  fs.writeFileSync(f, content);
  return f;
};

/** A refusal names the value escaped: no raw control character ever reaches a terminal. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const attempt = <T>(render: () => T): { ok: true; value: T } | { ok: false } => {
  try {
    return { ok: true, value: render() };
  } catch (e) {
    const message = (e as Error).message;
    expect(message).toMatch(/^recette(:| )/);
    expect(message, "a refusal prints a raw control character").not.toMatch(RAW_CONTROL);
    expect(message).not.toContain("\n");
    return { ok: false };
  }
};

/**
 * Runs bash on a script with stand-in commands. Each call of a stand-in writes its arguments,
 * NUL-separated, to calls/<n>; the answer map gives what `<cmd> <arg1> <arg2>` prints.
 */
const STANDINS = [
  "docker",
  "k3s",
  "curl",
  "sh",
  "ip",
  "systemctl",
  "apt-cache",
  "apt-get",
  "apt-mark",
  "modprobe",
  "sysctl",
];
const runWithStandins = (
  script: string,
  env: Record<string, string> = {},
  answers: Record<string, string> = {},
  setup: Record<string, string> = {},
) => {
  const dir = fs.mkdtempSync(path.join(tmp, "run-"));
  fs.mkdirSync(path.join(dir, "calls"));
  for (const [name, content] of Object.entries(setup)) fs.writeFileSync(path.join(dir, name), content);
  const record = [
    // One file per call, named by time then pid: pipeline members run at once, so no shared counter.
    "recette_record() {",
    '  local f="$RECETTE_DIR/calls/${EPOCHREALTIME/./}-$BASHPID"',
    '  printf \'%s\\0\' "$@" > "$f"',
    "  [ -z \"${INSTALL_K3S_VERSION+x}\" ] || printf '%s\\0' " +
      '"INSTALL_K3S_VERSION=$INSTALL_K3S_VERSION" "K3S_URL=${K3S_URL-}" >> "$f"',
    "}",
    ...STANDINS.map(
      (c) =>
        `${c}() { recette_record ${c} "$@"; case "$1 \${2-} \${3-}" in ${Object.entries(answers)
          .filter(([k]) => k.startsWith(`${c} `))
          .map(([k, v]) => `${JSON.stringify(k.slice(c.length + 1))}*) printf '%s' ${shellSingle(v)} ;;`)
          .join(" ")} *) ;; esac; }`,
    ),
  ].join("\n");
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", `${record}\n${script}`], {
    encoding: "utf8",
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, RECETTE_DIR: dir, HOME: dir, SHLVL: "1", ...env },
  });
  const calls = fs
    .readdirSync(path.join(dir, "calls"))
    .sort()
    .map((f) =>
      fs
        .readFileSync(path.join(dir, "calls", f), "utf8")
        .split("\0")
        .slice(0, -1),
    );
  // Nothing but the stand-ins' records may appear: a value that ran as code would leave `pwned`.
  const files = fs
    .readdirSync(dir)
    .filter((f) => !(f in setup))
    .sort();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, files };
};
const shellSingle = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * shellcheck on many scripts in few runs, and bash -n on each; returns the findings. Two notes are
 * about literal data that looks like code, which is the point of quoting it: SC2016 (`$x` inside
 * single quotes does not expand) and SC1003 (a single-quoted backslash before `'\''`).
 */
const shellcheck = (scripts: { name: string; script: string }[]): string[] => {
  const files = scripts.map((s) =>
    file(`${s.name}.sh`, s.script.startsWith("#!") ? s.script : `#!/bin/bash\n${s.script}\n`),
  );
  const findings: string[] = [];
  for (let i = 0; i < files.length; i += 100) {
    const r = spawnSync(
      "shellcheck",
      ["--shell=bash", "--exclude=SC2016,SC1003", "--format=json1", ...files.slice(i, i + 100)],
      { encoding: "utf8", maxBuffer: 64 << 20 },
    );
    // A missing or crashing shellcheck is a failure, never an empty list of findings (0: clean, 1: findings).
    expect(r.error, "shellcheck must be installed (scripts/ensure-validators installs it)").toBeUndefined();
    expect([0, 1], `shellcheck crashed: ${r.stderr}`).toContain(r.status);
    const out = JSON.parse(r.stdout) as { comments: { file: string; code: number; message: string; line: number }[] };
    findings.push(...out.comments.map((c) => `${path.basename(c.file)}:${c.line}: SC${c.code} ${c.message}`));
  }
  for (const f of files) {
    const r = spawnSync("bash", ["-n", f], { encoding: "utf8" });
    if (r.status !== 0) findings.push(`${path.basename(f)}: bash -n: ${r.stderr}`);
  }
  return findings;
};

/** At most `n` scripts of each kind (the name before its index), spread over the sample. */
const spread = (scripts: { name: string; script: string }[], n: number) => {
  const byKind = new Map<string, { name: string; script: string }[]>();
  for (const s of scripts) {
    const kind = s.name.replace(/-\d+$/, "");
    byKind.set(kind, [...(byKind.get(kind) ?? []), s]);
  }
  return [...byKind.values()].flatMap((list) =>
    list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n),
  );
};

const CLEAN = ["calls"];

/** The value a renderer returns, or undefined when it refuses (refusals are checked by the tests themselves). */
const accepted = <T>(render: () => T): T | undefined => {
  try {
    return render();
  } catch {
    return undefined;
  }
};

/**
 * Every script the renderers accept for the sample, computed on its own (not collected by the other
 * tests, so the shellcheck test means the same when it runs alone).
 */
const renderedScripts = (): { name: string; script: string }[] => {
  const out: { name: string; script: string }[] = [];
  const step = (name: string, script: string | undefined) => {
    if (script !== undefined) out.push({ name, script: `${script}\n#---\n${renderStep("node-1", name, script, 60)}` });
  };
  for (const [i, v] of VALUES.entries()) {
    for (const labels of [{ disk: v }, { [v]: "ssd" }])
      step(
        `labels-${i}`,
        accepted(() => renderLabels(labels)),
      );
    const init = accepted(() => renderInit(v, false));
    const join = accepted(() => renderJoin(v));
    if (init !== undefined && join !== undefined) {
      step(`init-${i}`, init);
      step(`join-${i}`, join);
    }
    const wrapper = i < 80 ? accepted(() => renderStep(v, v, "exit 3", 5)) : undefined;
    if (wrapper !== undefined) out.push({ name: `wrapper-${i}`, script: wrapper });
    const server = accepted(() => renderServerInstall({ version: v, first: false, datastore: "etcd", joinAddress: v }));
    const agent = accepted(() => renderAgentInstall(v, v));
    if (server !== undefined && agent !== undefined) {
      step(`k3s-server-${i}`, server);
      step(`k3s-agent-${i}`, agent);
    }
    step(
      "node-labels-0",
      accepted(() => renderNodeLabels({ [v]: v })),
    );
    const preflight = accepted(() =>
      renderPreflightScript({
        node: v,
        orchestrator: "swarm",
        routingMesh: "required",
        requiredMiB: 1,
        dockerVersion: v,
      }),
    );
    if (preflight !== undefined) out.push({ name: `preflight-${i}`, script: preflight });
    const bootstrap = accepted(() => renderBootstrapScript({ orchestrator: "swarm", dockerVersion: v, hostname: "h" }));
    if (bootstrap !== undefined) out.push({ name: `bootstrap-${i}`, script: bootstrap });
  }
  step("kubeconfig-0", renderKubeconfig());
  return out;
};

/** Kubernetes' label grammar as its documentation gives it: [DNS subdomain prefix/]name, value empty or a name. */
const K8S_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const K8S_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isK8sLabelKey = (k: string) => {
  const slash = k.lastIndexOf("/");
  const prefix = slash < 0 ? undefined : k.slice(0, slash);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && K8S_PREFIX.test(prefix));
  return K8S_NAME.test(k.slice(slash + 1)) && prefixOk;
};
const isK8sLabelValue = (v: string) => v === "" || K8S_NAME.test(v);

describe("hostile values in shell scripts", () => {
  it("swarm labels: each key and value reaches docker as one argument, and nothing else runs", () => {
    let carried = 0;
    for (const v of VALUES) {
      for (const labels of [{ disk: v }, { [v]: "ssd" }] as Record<string, string>[]) {
        const r = attempt(() => renderLabels(labels));
        if (!r.ok) continue;
        carried++;
        const key = Object.keys(labels)[0]!;
        const run = runWithStandins(r.value, { NODE_ID: "node-id" }, { "docker node inspect --format": "old\n" });
        expect({ status: run.status, stderr: run.stderr, files: run.files }).toEqual({
          status: 0,
          stderr: "",
          files: CLEAN,
        });
        expect(run.calls).toEqual([
          ["docker", "node", "inspect", "--format", "{{range $k, $v := .Spec.Labels}}{{println $k}}{{end}}", "node-id"],
          ...(key === "old" ? [] : [["docker", "node", "update", "--label-rm", "old", "node-id"]]),
          ["docker", "node", "update", "--label-add", `${key}=${labels[key]}`, "node-id"],
        ]);
      }
    }
    expect(carried).toBeGreaterThan(VALUES.length / 2);
  });

  it("swarm init and join: the address is one argument (join's after `--`)", () => {
    let carried = 0;
    for (const v of VALUES) {
      const init = attempt(() => renderInit(v, false));
      const join = attempt(() => renderJoin(v));
      expect(init.ok).toBe(join.ok);
      if (!init.ok || !join.ok) continue;
      carried++;
      const a = runWithStandins(init.value, {}, { "docker info --format": "inactive" });
      expect({ status: a.status, files: a.files }).toEqual({ status: 0, files: CLEAN });
      expect(a.calls.filter((c) => c[1] === "swarm")).toEqual([["docker", "swarm", "init", "--advertise-addr", v]]);
      const b = runWithStandins(
        join.value,
        { JOIN_TOKEN: "tok", ADVERTISE_ADDR: "10.0.0.9" },
        { "docker info --format": "inactive" },
      );
      expect({ status: b.status, files: b.files }).toEqual({ status: 0, files: CLEAN });
      expect(b.calls.filter((c) => c[1] === "swarm")).toEqual([
        ["docker", "swarm", "join", "--token", "tok", "--advertise-addr", "10.0.0.9", "--", `${v}:2377`],
      ]);
    }
    // A renderer that refused every value would make the checks above vacuous.
    expect(carried).toBeGreaterThan(0);
  });

  it("the step wrapper prints the node and step names byte for byte when the step fails", () => {
    let carried = 0;
    for (const v of VALUES.slice(0, 80)) {
      const r = attempt(() => renderStep(v, v, "exit 3", 5));
      if (!r.ok) continue;
      carried++;
      const run = runWithStandins(r.value);
      expect({ status: run.status, stderr: run.stderr, files: run.files }).toEqual({
        status: 1,
        stderr: `recette: node ${v}: step ${v} failed or timed out after 5s\n`,
        files: ["calls"],
      });
    }
    expect(carried).toBeGreaterThan(0);
  });

  it("k3s installs: version, addresses and the join URL reach the installer as single values", () => {
    let carried = 0;
    for (const v of VALUES) {
      const server = attempt(() =>
        renderServerInstall({ version: v, first: false, datastore: "etcd", joinAddress: v }),
      );
      const agent = attempt(() => renderAgentInstall(v, v));
      expect(server.ok).toBe(agent.ok);
      if (!server.ok || !agent.ok) continue;
      carried++;
      const env = { NODE_IP: "10.0.0.5", PUBLIC_IP: "192.0.2.5", K3S_TOKEN: "tok" };
      const answers = { "ip -o -4 addr": "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n" };
      const s = runWithStandins(server.value, env, answers);
      expect({ status: s.status, stderr: s.stderr, files: s.files }).toEqual({ status: 0, stderr: "", files: CLEAN });
      expect(s.calls.find((c) => c[0] === "sh")).toEqual([
        "sh",
        "-s",
        "-",
        "server",
        "--disable",
        "traefik",
        "--tls-san",
        "192.0.2.5",
        "--node-ip",
        "10.0.0.5",
        "--flannel-iface",
        "eth0",
        "--write-kubeconfig-mode",
        "0600",
        "--server",
        `https://${v}:6443`,
        "--token",
        "tok",
        `INSTALL_K3S_VERSION=${v}`,
        "K3S_URL=",
      ]);
      const a = runWithStandins(agent.value, env, answers);
      expect({ status: a.status, stderr: a.stderr, files: a.files }).toEqual({ status: 0, stderr: "", files: CLEAN });
      expect(a.calls.find((c) => c[0] === "sh")).toEqual([
        "sh",
        "-s",
        "-",
        "agent",
        "--node-ip",
        "10.0.0.5",
        "--flannel-iface",
        "eth0",
        "--token",
        "tok",
        `INSTALL_K3S_VERSION=${v}`,
        `K3S_URL=https://${v}:6443`,
      ]);
    }
    expect(carried).toBeGreaterThan(0);
  });

  it("k3s node labels: hostile keys and values are refused (Kubernetes' grammar)", () => {
    const outcomes = VALUES.map((v) => {
      const r = attempt(() => renderNodeLabels({ [v]: v }));
      // Accepted exactly when Kubernetes would accept the pair; the accepted ones reach the script whole.
      expect(r.ok, JSON.stringify(v)).toBe(isK8sLabelKey(v) && isK8sLabelValue(v));
      if (r.ok) expect(r.value).toContain(`${v}=${v}`);
      return r.ok;
    });
    expect(outcomes.filter(Boolean).length, "some values are labels").toBeGreaterThan(0);
    expect(outcomes.filter((ok) => !ok).length, "hostile values are refused").toBeGreaterThan(VALUES.length / 2);
  });

  it("the kubeconfig: a hostile PUBLIC_IP is refused in the script, an address is substituted literally", () => {
    const script = renderKubeconfig().replace("/etc/rancher/k3s/k3s.yaml", "k3s.yaml");
    const yaml = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\n";
    for (const v of [...VALUES.filter((x) => !x.includes("\0")), "192.0.2.1", "fd00::1", "k3s.example.org"]) {
      const run = runWithStandins(`printf '%s' ${shellSingle(yaml)} > k3s.yaml\n${script}`, { PUBLIC_IP: v });
      if (/^[0-9A-Za-z.:][0-9A-Za-z.:-]*$/.test(v)) {
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(
          yaml.replace("https://127.0.0.1:6443", `https://${v.includes(":") ? `[${v}]` : v}:6443`),
        );
      } else
        expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
          status: 1,
          stdout: "",
          stderr: "recette: PUBLIC_IP is not an address or a host name\n",
        });
    }
  });

  it("preflight: the node name reaches the report and the messages byte for byte", () => {
    let carried = 0;
    for (const v of VALUES) {
      const render = (routingMesh: "required" | "fallback") =>
        renderPreflightScript({ node: v, orchestrator: "swarm", routingMesh, requiredMiB: 1, dockerVersion: v });
      const r = attempt(() => render("required"));
      if (!r.ok) continue;
      carried++;
      // The whole script, with stand-ins for what would change the machine (modprobe, ip link add) and for docker.
      const report = runWithStandins(render("fallback"), {}, { "docker version --format": "20.10.24" });
      expect({ status: report.status, stderr: report.stderr, files: report.files }).toEqual({
        status: 0,
        stderr: "",
        files: CLEAN,
      });
      expect(parsePreflight(report.stdout)).toMatchObject({ node: v, vxlan: true, docker: "20.10.24" });
      const noDocker = runWithStandins(render("fallback"), {}, { "docker version --format": "none" });
      expect({ status: noDocker.status, stderr: noDocker.stderr }).toEqual({
        status: 1,
        stderr:
          `recette: node ${v}: no Docker Engine answers (install ` +
          `docker.io ${v}; cloud-init does it on Scaleway)\n`,
      });
    }
    expect(carried).toBeGreaterThan(0);
  });

  it("cloud-init bootstrap: the Docker pin is a literal prefix, never code", () => {
    let pinned = 0;
    // Two real pins beside the sample: the script must install them (a renderer refusing all would pass otherwise).
    for (const v of [...VALUES, "20.10", "20.10.24"]) {
      const r = attempt(() => renderBootstrapScript({ orchestrator: "swarm", dockerVersion: v, hostname: "h" }));
      if (!r.ok) continue;
      // The whole script with stand-ins for apt, systemctl, modprobe and sysctl, reading its module list from the temp
      // dir.
      const script = r.value.replace("/etc/modules-load.d/recette.conf", "modules.conf");
      const madison = " docker.io | 20.10.24+dfsg1-1 | http://deb.debian.org/debian bookworm/main amd64 Packages\n";
      const run = runWithStandins(
        script,
        {},
        { "apt-cache madison docker.io": madison },
        { "modules.conf": "vxlan\n" },
      );
      const match = "20.10.24+dfsg1-1".startsWith(v);
      expect({ status: run.status, stderr: run.stderr, files: run.files }).toEqual(
        match
          ? { status: 0, stderr: "", files: CLEAN }
          : { status: 1, stderr: `recette: docker.io ${v} is not in the archive\n`, files: CLEAN },
      );
      const installs = run.calls.filter(
        (c) => c[0] === "apt-get" && c[1] === "install" && c.some((a) => a.startsWith("docker.io")),
      );
      expect(installs).toEqual(
        match ? [["apt-get", "install", "-y", "--no-install-recommends", "docker.io=20.10.24+dfsg1-1"]] : [],
      );
      if (match) pinned++;
    }
    expect(pinned).toBe(2);
  });

  it("the scripts pass shellcheck --shell=bash (a spread of each kind, batched) and bash -n", () => {
    const scripts = renderedScripts();
    expect(scripts.length).toBeGreaterThan(200);
    const chosen = spread(scripts, 12);
    expect(new Set(chosen.map((s) => s.name.replace(/-\d+$/, ""))).size).toBeGreaterThanOrEqual(9);
    expect(shellcheck(chosen)).toEqual([]);
  }, 120_000);
});

describe("hostile values in smtpd.conf", () => {
  const base: SmtpdConfigArgs = {
    senders: ["10.0.0.0/24"],
    recipient: "contact@example.org",
    delivery: "smarthost",
    smarthost: { host: "smtp.example.org", port: 587, tls: "starttls" },
    hostname: "relay",
  };
  const cred = path.join(tmp, "credentials");
  fs.writeFileSync(cred, "relay user:password\n", { mode: 0o600 });

  it("either refused, or accepted by smtpd -n with the value as one quoted string and no match line but ours", () => {
    const confs: { conf: string; expect: string }[] = [];
    for (const v of VALUES) {
      const overrides: [string, Partial<SmtpdConfigArgs>][] = [
        ["recipient", { recipient: v }],
        ["sender", { senders: [v] }],
        ["hostname", { hostname: v }],
        ["smarthost", { smarthost: { host: v, port: 587, tls: "starttls" } }],
        ["mailbox recipient", { recipient: v, delivery: "mailbox" }],
      ];
      for (const [field, over] of overrides) {
        const r = attempt(() => renderSmtpdConf({ ...base, ...over }));
        if (!r.ok) continue;
        const lines = r.value.split("\n");
        expect(lines.filter((l) => /^\s*match\b/.test(l))).toEqual([
          'match from src <stack_networks> for rcpt-to <contact> action "relay"',
        ]);
        const quoted = field === "smarthost" ? `"smtp+tls://relay@${v}:587"` : `"${v}"`;
        // One line carries the value, as one quoted string with nothing after its closing quote but syntax.
        const carrying = lines.filter((l) => l.includes(quoted));
        expect(carrying.length, `${field} ${JSON.stringify(v)}`).toBeGreaterThan(0);
        confs.push({ conf: r.value, expect: field });
      }
    }
    expect(confs.length).toBeGreaterThan(VALUES.length);
    // smtpd -n reads one file a run: check a bounded, varied subset (every field, the longest values).
    const chosen = confs.filter((_, i) => i % 4 === 0).slice(0, 60);
    for (const c of chosen) {
      const r = spawnSync(
        "smtpd",
        ["-n", "-f", file("smtpd.conf", c.conf.replace("/run/secrets/smtpd-credentials", cred))],
        { encoding: "utf8" },
      );
      expect({ status: r.status, stderr: r.stderr.trim(), field: c.expect }, c.conf).toEqual({
        status: 0,
        stderr: "configuration OK",
        field: c.expect,
      });
    }
  });

  it("the credentials line: one line whose user and password read back exactly as smtpd splits them", () => {
    let carried = 0;
    for (const v of VALUES) {
      for (const [user, password] of [
        [v, "pw"],
        ["user", v],
      ] as const) {
        const r = attempt(() => renderCredentials(user, password));
        if (!r.ok) continue;
        expect(r.value.endsWith("\n")).toBe(true);
        const line = r.value.slice(0, -1);
        expect(line).not.toMatch(/[\r\n]/);
        // table_static: the key ends at the first blank; the value is the rest, trailing blanks trimmed; auth splits at
        // the first ':'.
        const value = line.replace(/^relay[ \t]+/, "").replace(/[ \t]+$/, "");
        expect([value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)]).toEqual([user, password]);
        carried++;
      }
    }
    expect(carried).toBeGreaterThan(0);
  });
});

/** Every rule renderRule accepts for the sample, computed on its own (the Traefik test needs no other test). */
const acceptedRules = (): string[] =>
  VALUES.flatMap((v) =>
    [
      { host: v, path: "/", port: 80 },
      { host: "blog.example.org", path: v, port: 80 },
    ].flatMap((route) => {
      const rule = accepted(() => renderRule(route));
      return rule === undefined ? [] : [rule];
    }),
  );

describe("hostile values in Traefik rules", () => {
  it("either refused, or exactly the host and path as the rule's two string literals", () => {
    const rules: string[] = [];
    for (const v of VALUES) {
      for (const route of [
        { host: v, path: "/", port: 80 },
        { host: "blog.example.org", path: v, port: 80 },
      ]) {
        const r = attempt(() => renderRule(route));
        if (!r.ok) continue;
        rules.push(r.value);
        const literals = [...r.value.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
        expect(literals).toEqual(route.path === "/" ? [route.host] : [route.host, route.path]);
        expect(r.value.replace(/`[^`]*`/g, "``")).toBe(route.path === "/" ? "Host(``)" : "Host(``) && PathPrefix(``)");
      }
      const dashboard = attempt(() => renderDynamicConfig("1.2", v));
      if (dashboard.ok) expect(dashboard.value).toContain("Host(`");
    }
    expect(rules.length).toBeGreaterThan(VALUES.length / 2);
  });

  withTraefik(
    "the real Traefik parses every accepted rule (one dynamic file, one router per rule)",
    (binary) => {
      const rules = acceptedRules();
      expect(rules.length).toBeGreaterThan(VALUES.length / 2);
      const routers = Object.fromEntries(
        rules.map((rule, i) => [`r${i}`, { rule, service: "noop@internal", entryPoints: ["web"] }]),
      );
      const dynamic = file("dynamic.json", JSON.stringify({ http: { routers } }));
      const conf = file(
        "traefik.yml",
        "entryPoints:\n  web:\n    address: 127.0.0.1:20180\n" +
          `providers:\n  file:\n    filename: ${dynamic}\nlog:\n  level: DEBUG\n`,
      );
      const r = spawnSync("timeout", ["6", binary, `--configFile=${conf}`], { encoding: "utf8", maxBuffer: 64 << 20 });
      const log = `${r.stdout}${r.stderr}`;
      expect(log).toMatch(/Starting provider \*file\.Provider/);
      expect(log).not.toMatch(/error while (parsing|adding) rule|invalid rule|command traefik error/i);
    },
    30_000,
  );
});

describe("hostile values in Kubernetes objects", () => {
  const w = (over: Partial<Workload>): Workload => ({
    ...workloadDefaults(),
    name: "blog",
    image: "example/blog:1",
    ports: [80],
    ...over,
  });
  const ctx = {
    namespace: "recette-test",
    name: "recette-test-blog",
    labels: { "recette.workload": "blog" },
    claims: {},
  };

  it(
    "either refused before the API, or objects that pass " + "the v1.32 schemas with the value in its one field",
    async () => {
      let accepted = 0;
      for (const v of VALUES) {
        const candidates: [string, Workload][] = [
          ["name", w({ name: v })],
          ["placement key", w({ placement: { labels: { [v]: "a" }, role: "any" } })],
          ["placement value", w({ placement: { labels: { disk: v }, role: "any" } })],
          ["route host", w({ routes: [{ host: v, path: "/", port: 80 }] })],
          ["route path", w({ routes: [{ host: "blog.example.org", path: v, port: 80 }] })],
          [
            "health path",
            w({
              health: { http: { path: v, port: 80 }, interval: "10s", timeout: "5s", retries: 3, startPeriod: "10s" },
            }),
          ],
        ];
        for (const [field, workload] of candidates) {
          if (kubernetesProblems(workload).length) continue; // what Target.deploy refuses
          accepted++;
          const deployment = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            ...renderDeployment(workload, ctx),
          } as Record<string, unknown>;
          const ingress = renderIngress(workload, ctx);
          const docs = [
            deployment,
            ...(ingress ? [{ apiVersion: "networking.k8s.io/v1", kind: "Ingress", ...ingress }] : []),
          ];
          for (const doc of docs) {
            expect(modelOf(String(doc.apiVersion), String(doc.kind))).not.toBe(undefined);
            expect(unknownFields(doc, doc.kind === "Deployment" ? "V1Deployment" : "V1Ingress", field)).toEqual([]);
            await validateObject(doc);
          }
          const json = JSON.stringify(docs);
          expect(json.includes(JSON.stringify(v)), `${field}: ${JSON.stringify(v)}`).toBe(true);
        }
      }
      expect(accepted).toBeGreaterThan(0);
    },
  );
});
