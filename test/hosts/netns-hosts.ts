import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/**
 * Real hosts on this machine: network namespaces on one bridge of their own, each with its own sshd
 * (key-only) and its own dockerd (own data root, exec root, socket and pidfile, vfs storage). A
 * login's `docker` talks to that host's daemon (sshd SetEnv DOCKER_HOST). Shared by the e2e suites
 * (test/e2e/swarm-hosts.ts) and the lab (test/lab/lab.ts).
 *
 * Everything made is named from the spec, so `destroyNetnsHosts` finds it again from the spec alone
 * (after a failure half-way, in another process, or twice): processes by their pidfiles and by the
 * namespace they run in, mounts under the hosts' own directories, iptables rules by their comment.
 */
export interface NetnsHostsSpec {
  /** The hosts: `ns` is the network namespace's name (also used for the dockerd paths). */
  hosts: { ns: string; address: string }[];
  /** Bridge name (at most 15 characters). */
  bridge: string;
  /** The bridge's own address, e.g. 10.253.1.1; the hosts are in its /24. */
  bridgeAddress: string;
  /** Host-side veth i is `${veth}${i + 1}a`, its namespace end `${veth}${i + 1}b` (at most 13 characters). */
  veth: string;
  /** Keys, sshd/daemon configurations and logs. Kept until destroy. */
  stateDir: string;
  /** Comment on every iptables rule made, to find them again. */
  ruleComment: string;
  /**
   * dockerd manages iptables inside its namespace (only there: tables are per network namespace). Defaults to false.
   */
  iptables?: boolean;
  /** Registries each dockerd may use over plain HTTP. */
  insecureRegistries?: string[];
  /**
   * DNS servers for the containers (dockerd --dns). Without any, containers ask this machine's
   * resolvers, unreachable from the hosts: every lookup (OpenSMTPD's of each client's address before
   * its greeting) waits out its timeouts. Defaults to none.
   */
  dns?: string[];
  /**
   * Each dockerd runs in a mount namespace of its own in which its socket is also at this path
   * (e.g. /var/run/docker.sock), as on a real server: a container that mounts the Docker socket
   * (Traefik) talks to its own host's engine, never to this machine's. The path must exist on this
   * machine (it is bind-mounted over, inside the daemon's namespace only). Defaults to none.
   */
  socketAlias?: string;
  /**
   * dockerd's storage driver. vfs works everywhere but copies every image layer in full: a lab host
   * holding the blog's images writes (and on removal deletes) gigabytes. overlay2 needs overlayfs in
   * the kernel. Defaults to vfs.
   */
  storageDriver?: "vfs" | "overlay2";
}

export interface NetnsHost {
  ns: string;
  address: string;
  /** The host's dockerd socket, reachable from this machine. */
  socket: string;
}

export interface NetnsHosts {
  hosts: NetnsHost[];
  /** The SSH key every host accepts (OpenSSH private key file). */
  keyFile: string;
}

export interface Run {
  status: number;
  output: string;
}

/** Runs a command (never throws); output is stdout then stderr. */
export const run = (cmd: string, args: string[], input?: string): Run => {
  const r = spawnSync(cmd, args, { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
};

export const must = (cmd: string, args: string[], input?: string): string => {
  const r = run(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}: ${r.output.trim()}`);
  return r.output;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dockerd paths of a host: all derived from its namespace's name. */
export const dockerPaths = (ns: string) => ({
  socket: `/run/${ns}.sock`,
  pidfile: `/run/${ns}.pid`,
  dataRoot: `/var/lib/${ns}`,
  execRoot: `/run/${ns}`,
});

const sshdPidfile = (spec: NetnsHostsSpec, ns: string) => path.join(spec.stateDir, `${ns}-sshd.pid`);

/** The dockerd command line of a host (pure: tested). */
export const renderDockerdArgs = (spec: NetnsHostsSpec, ns: string): string[] => {
  const p = dockerPaths(ns);
  return [
    "dockerd",
    // Not /etc/docker/daemon.json: it belongs to this machine's own engine.
    `--config-file=${path.join(spec.stateDir, `${ns}-daemon.json`)}`,
    `--storage-driver=${spec.storageDriver ?? "vfs"}`,
    `--data-root=${p.dataRoot}`,
    `--exec-root=${p.execRoot}`,
    `--pidfile=${p.pidfile}`,
    `--host=unix://${p.socket}`,
    `--iptables=${spec.iptables ? "true" : "false"}`,
    "--bridge=none",
    ...(spec.insecureRegistries ?? []).map((r) => `--insecure-registry=${r}`),
    ...(spec.dns ?? []).map((d) => `--dns=${d}`),
  ];
};

/**
 * A host's daemon.json. dockerd 20.10 keeps its engine identity (docker info's ID) in
 * /etc/docker/key.json unless told otherwise (a config-file key only): shared, every host would
 * claim this machine's engine ID.
 */
export const renderDaemonJson = (spec: NetnsHostsSpec, ns: string): string =>
  `${JSON.stringify({ "deprecated-key-path": path.join(spec.stateDir, `${ns}-key.json`) })}\n`;

/** The sshd command line of a host: key-only, root by key, the lab's own keys (pure: tested). */
export const renderSshdArgs = (
  spec: NetnsHostsSpec,
  host: { ns: string; address: string },
  dockerApiVersion?: string,
): string[] => {
  const o = (kv: string) => ["-o", kv];
  return [
    "/usr/sbin/sshd",
    "-D",
    "-e",
    "-p",
    "22",
    "-h",
    path.join(spec.stateDir, "hostkey"),
    ...o(`ListenAddress=${host.address}`),
    ...o("PermitRootLogin=prohibit-password"),
    ...o("PasswordAuthentication=no"),
    ...o("KbdInteractiveAuthentication=no"),
    ...o("PubkeyAuthentication=yes"),
    ...o(`AuthorizedKeysFile=${path.join(spec.stateDir, "authorized_keys")}`),
    ...o("StrictModes=no"),
    ...o(`PidFile=${sshdPidfile(spec, host.ns)}`),
    // A login's docker CLI (newer than the daemon) speaks the daemon's API version.
    ...o(
      `SetEnv=DOCKER_HOST=unix://${dockerPaths(host.ns).socket}` +
        (dockerApiVersion ? ` DOCKER_API_VERSION=${dockerApiVersion}` : ""),
    ),
  ];
};

const vethNames = (spec: NetnsHostsSpec, i: number) => ({
  outside: `${spec.veth}${i + 1}a`,
  inside: `${spec.veth}${i + 1}b`,
});

/** A detached daemon in a namespace (nsenter execs it: its pid is the daemon's), logging to the state dir. */
const startIn = (spec: NetnsHostsSpec, ns: string, log: string, argv: string[]) => {
  const fd = fs.openSync(path.join(spec.stateDir, log), "a");
  // nsenter, not `ip netns exec`: the latter remounts /sys for the namespace, hiding /sys/fs/cgroup.
  const child = spawn("nsenter", [`--net=/var/run/netns/${ns}`, ...argv], {
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  child.unref();
  fs.closeSync(fd);
};

/**
 * The dockerd command, in a mount namespace of its own when the spec asks for a socket alias
 * (unshare and sh exec dockerd: the pid stays the daemon's; `slave`: this machine's later mounts still
 * show inside, the daemon's own mounts stay there).
 */
const dockerdArgv = (spec: NetnsHostsSpec, ns: string): string[] =>
  spec.socketAlias
    ? // and a UTS namespace named after the host, so Swarm's node list tells the hosts apart
      [
        "unshare",
        "--mount",
        "--uts",
        "--propagation",
        "slave",
        "sh",
        "-c",
        'hostname "$0" && exec "$@"',
        ns,
        ...renderDockerdArgs(spec, ns),
      ]
    : renderDockerdArgs(spec, ns);

/** Starts a host's dockerd (again, after `stopDockerd`) and waits until it answers. */
export const startDockerd = async (spec: NetnsHostsSpec, ns: string): Promise<void> => {
  const p = dockerPaths(ns);
  startIn(spec, ns, `${ns}-dockerd.log`, dockerdArgv(spec, ns));
  await waitUntil(
    `dockerd of ${ns} (log: ${path.join(spec.stateDir, `${ns}-dockerd.log`)})`,
    () => run("docker", ["-H", `unix://${p.socket}`, "info"]).status === 0,
    90,
  );
  if (!spec.socketAlias) return;
  const pid = readPid(p.pidfile);
  if (!pid) throw new Error(`dockerd of ${ns}: no pid in ${p.pidfile}`);
  if (!fs.existsSync(spec.socketAlias))
    throw new Error(
      `dockerd of ${ns}: ${spec.socketAlias} does not exist on this machine, so it cannot ` +
        "stand for the host's socket (start this machine's Docker engine: scripts/ensure-docker)",
    );
  must("nsenter", [`--mount=/proc/${pid}/ns/mnt`, "mount", "--bind", p.socket, spec.socketAlias]);
};

/** Stops a host's dockerd (SIGTERM: it stops its containers, as a stopped service on a server does). */
export const stopDockerd = async (ns: string): Promise<void> => {
  const pid = readPid(dockerPaths(ns).pidfile);
  if (pid && cmdline(pid).includes(ns)) await stopPids([pid], 60);
};

const canConnect = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.on("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });

/** Waits (bounded) for `check`; throws naming `what`. */
export const waitUntil = async (what: string, check: () => boolean | Promise<boolean>, seconds: number) => {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`${what}: not ready after ${seconds}s`);
};

/** Makes the key pair if it is not there yet (the private key 0600). */
export const ensureKeyPair = (file: string) => {
  if (!fs.existsSync(file))
    must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", path.basename(file), "-f", file]);
  fs.chmodSync(file, 0o600);
};

/** Creates the bridge, the hosts, their sshd and dockerd; waits until every one answers. */
export const createNetnsHosts = async (spec: NetnsHostsSpec): Promise<NetnsHosts> => {
  fs.mkdirSync(spec.stateDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(spec.stateDir, "id_ed25519");
  ensureKeyPair(keyFile);
  ensureKeyPair(path.join(spec.stateDir, "hostkey"));
  fs.copyFileSync(`${keyFile}.pub`, path.join(spec.stateDir, "authorized_keys"));
  for (const h of spec.hosts)
    fs.writeFileSync(path.join(spec.stateDir, `${h.ns}-daemon.json`), renderDaemonJson(spec, h.ns));
  fs.mkdirSync("/run/sshd", { recursive: true });

  must("ip", ["link", "add", spec.bridge, "type", "bridge"]);
  must("ip", ["addr", "add", `${spec.bridgeAddress}/24`, "dev", spec.bridge]);
  must("ip", ["link", "set", spec.bridge, "up"]);
  // This machine's own dockerd sets the FORWARD policy to DROP: let the hosts talk across the bridge.
  // -w: wait for the xtables lock (dockerd, kubelet or another suite may hold it), never fail on it.
  must("iptables", [
    "-w",
    "-I",
    "FORWARD",
    "-i",
    spec.bridge,
    "-o",
    spec.bridge,
    "-m",
    "comment",
    "--comment",
    spec.ruleComment,
    "-j",
    "ACCEPT",
  ]);

  const hosts = spec.hosts.map((h, i) => {
    const { outside, inside } = vethNames(spec, i);
    must("ip", ["netns", "add", h.ns]);
    must("ip", ["link", "add", outside, "type", "veth", "peer", "name", inside]);
    must("ip", ["link", "set", outside, "master", spec.bridge]);
    must("ip", ["link", "set", outside, "up"]);
    must("ip", ["link", "set", inside, "netns", h.ns]);
    must("ip", ["netns", "exec", h.ns, "ip", "addr", "add", `${h.address}/24`, "dev", inside]);
    must("ip", ["netns", "exec", h.ns, "ip", "link", "set", inside, "up"]);
    must("ip", ["netns", "exec", h.ns, "ip", "link", "set", "lo", "up"]);
    return { ns: h.ns, address: h.address, socket: dockerPaths(h.ns).socket };
  });
  await Promise.all(hosts.map((h) => startDockerd(spec, h.ns)));
  const api = run("docker", [
    "-H",
    `unix://${hosts[0]?.socket}`,
    "version",
    "--format",
    "{{.Server.APIVersion}}",
  ]).output.trim();
  for (const h of hosts)
    startIn(spec, h.ns, `${h.ns}-sshd.log`, renderSshdArgs(spec, h, /^\d+\.\d+$/.test(api) ? api : undefined));
  for (const h of hosts) await waitUntil(`sshd of ${h.ns} on ${h.address}:22`, () => canConnect(h.address, 22), 30);
  return { hosts, keyFile };
};

/**
 * The process still runs. A zombie does not: it has exited and waits for its parent to reap it, which
 * may be a test process blocked in a spawnSync of lab:down itself (a dockerd restarted by a test).
 */
const alive = (pid: number) => {
  try {
    // /proc/<pid>/stat: "pid (comm) S …", the state after the last ')' (comm may hold spaces or parentheses)
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\s*[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 1));
  } catch {
    return false;
  }
};

const readPid = (file: string): number | undefined => {
  const n = fs.existsSync(file) ? Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** A process's command line, or "" when it is gone. */
export const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
};

/** Stops the given pids (TERM, then KILL after `graceSeconds`), waiting until they are gone. */
export const stopPids = async (pids: number[], graceSeconds = 20) => {
  const live = () => pids.filter(alive);
  // A process may exit between the check and the signal (ESRCH): that is what we want anyway.
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone already */
    }
  };
  for (const pid of live()) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceSeconds * 1000;
  while (live().length > 0 && Date.now() < deadline) await sleep(250);
  for (const pid of live()) signal(pid, "SIGKILL");
  while (live().length > 0) await sleep(100);
};

/**
 * Processes whose command line names one of the host's own paths (its containerd and shims outlive a killed dockerd).
 */
const pidsNaming = (needles: string[]): number[] =>
  fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pid !== process.pid && needles.some((n) => cmdline(pid).includes(n)));

/** Mount points at or under `dir`, deepest first. */
export const mountsUnder = (dir: string): string[] =>
  fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);

/** iptables rules (as `-D` argument lists, per table) that carry `comment`. */
export const rulesWithComment = (iptablesSave: string, comment: string): string[][] => {
  const out: string[][] = [];
  let table = "filter";
  for (const line of iptablesSave.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    else if (line.startsWith("-A ") && line.split(/\s+/).includes(comment))
      out.push([
        "-t",
        table,
        "-D",
        ...line
          .slice(3)
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => w.replace(/^"(.*)"$/, "$1")),
      ]);
  }
  return out;
};

/**
 * Removes everything `createNetnsHosts` made for this spec, whatever state it is in: processes,
 * mounts, data, namespaces, veths, bridge, iptables rules, state directory. Safe to run twice.
 */
export const destroyNetnsHosts = async (spec: NetnsHostsSpec): Promise<void> => {
  const pids = new Set<number>();
  for (const h of spec.hosts) {
    const p = dockerPaths(h.ns);
    for (const f of [p.pidfile, sshdPidfile(spec, h.ns)]) {
      const pid = readPid(f);
      if (pid && cmdline(pid).includes(h.ns)) pids.add(pid);
    }
    // Everything else still running in the host's namespace is ours too.
    if (fs.existsSync(`/run/netns/${h.ns}`))
      for (const pid of run("ip", ["netns", "pids", h.ns]).output.split(/\s+/).filter(Boolean)) pids.add(Number(pid));
  }
  // dockerd first (it stops its containers and containerd), then whatever outlived it.
  await stopPids([...pids]);
  await stopPids(
    pidsNaming(spec.hosts.flatMap((h) => [`${dockerPaths(h.ns).execRoot}/`, `${dockerPaths(h.ns).dataRoot}/`])),
  );
  for (const [i, h] of spec.hosts.entries()) {
    const p = dockerPaths(h.ns);
    for (const dir of [p.execRoot, p.dataRoot]) for (const m of mountsUnder(dir)) run("umount", ["-l", m]);
    for (const f of [p.execRoot, p.dataRoot, p.socket, p.pidfile]) fs.rmSync(f, { recursive: true, force: true });
    if (fs.existsSync(`/run/netns/${h.ns}`)) must("ip", ["netns", "del", h.ns]);
    const { outside } = vethNames(spec, i);
    // Deleting the namespace destroys the veth pair too, asynchronously: gone by now or soon.
    const del = run("ip", ["link", "del", outside]);
    if (del.status !== 0 && !del.output.includes("Cannot find device"))
      throw new Error(`ip link del ${outside}: ${del.output.trim()}`);
  }
  if (run("ip", ["link", "show", spec.bridge]).status === 0) must("ip", ["link", "del", spec.bridge]);
  for (const rule of rulesWithComment(run("iptables-save", []).output, spec.ruleComment))
    must("iptables", ["-w", ...rule]);
  fs.rmSync(spec.stateDir, { recursive: true, force: true });
};
