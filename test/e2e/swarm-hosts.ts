import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sh } from "./helpers";

/**
 * Real hosts for a multi-node Swarm: network namespaces on one bridge (10.252.1.0/24, the bridge
 * .1), each with its own sshd and its own dockerd (own data root, exec root and socket). A login's
 * `docker` talks to that host's daemon (sshd SetEnv DOCKER_HOST). Only these addresses are used.
 */
export interface SwarmHost {
  name: string;
  address: string;
  socket: string;
}

const BRIDGE = "recette-br";
const must = (cmd: string, args: string[]) => {
  const r = sh(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.output}`);
};

export const startSwarmHosts = async (count: number): Promise<{ hosts: SwarmHost[]; privateKey: string; stop(): void }> => {
  const names = Array.from({ length: count }, (_, i) => `recette-e2e-s${i + 1}`);
  const teardown = () => {
    for (const [i, ns] of names.entries()) {
      sh("pkill", ["-f", `/run/${ns}.sock`]);
      sh("ip", ["netns", "del", ns]);
      sh("ip", ["link", "del", `recette-s${i + 1}a`]);
    }
    sh("ip", ["link", "del", BRIDGE]);
    sh("iptables", ["-D", "FORWARD", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT"]);
  };
  teardown();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-swarm-"));
  must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "key")]);
  must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "hostkey")]);
  fs.copyFileSync(path.join(dir, "key.pub"), path.join(dir, "authorized_keys"));
  fs.mkdirSync("/run/sshd", { recursive: true });
  must("ip", ["link", "add", BRIDGE, "type", "bridge"]);
  must("ip", ["addr", "add", "10.252.1.1/24", "dev", BRIDGE]);
  must("ip", ["link", "set", BRIDGE, "up"]);
  // This machine's own dockerd sets the FORWARD policy to DROP: let the hosts talk across the bridge.
  must("iptables", ["-I", "FORWARD", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT"]);
  const procs: ChildProcess[] = [];
  const hosts = names.map((ns, i) => {
    const address = `10.252.1.${i + 2}`;
    const hostIf = `recette-s${i + 1}a`;
    const nsIf = `recette-s${i + 1}b`;
    const socket = `/run/${ns}.sock`;
    must("ip", ["netns", "add", ns]);
    must("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf]);
    must("ip", ["link", "set", hostIf, "master", BRIDGE]);
    must("ip", ["link", "set", hostIf, "up"]);
    must("ip", ["link", "set", nsIf, "netns", ns]);
    must("ip", ["netns", "exec", ns, "ip", "addr", "add", `${address}/24`, "dev", nsIf]);
    must("ip", ["netns", "exec", ns, "ip", "link", "set", nsIf, "up"]);
    must("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
    const enter = [`--net=/var/run/netns/${ns}`];
    procs.push(
      spawn("nsenter", [...enter, "dockerd", "--storage-driver=vfs", `--data-root=/var/lib/${ns}`, `--exec-root=/run/${ns}`, `--pidfile=/run/${ns}.pid`, `-H`, `unix://${socket}`, "--iptables=false", "--bridge=none"], {
        stdio: ["ignore", fs.openSync(path.join(dir, `${ns}-dockerd.log`), "a"), fs.openSync(path.join(dir, `${ns}-dockerd.log`), "a")],
      }),
    );
    procs.push(
      spawn("nsenter", [...enter, "/usr/sbin/sshd", "-D", "-e", "-p", "22", "-h", path.join(dir, "hostkey"), "-o", `ListenAddress=${address}`, "-o", "PermitRootLogin=prohibit-password", "-o", "PasswordAuthentication=no",
        "-o", `AuthorizedKeysFile=${path.join(dir, "authorized_keys")}`, "-o", "StrictModes=no", "-o", `PidFile=${path.join(dir, `${ns}-sshd.pid`)}`, "-o", `SetEnv=DOCKER_HOST=unix://${socket} DOCKER_API_VERSION=1.41`], { stdio: "ignore" }),
    );
    return { name: `s${i + 1}`, address, socket };
  });
  for (const h of hosts) {
    for (let i = 0; i < 60 && sh("docker", ["-H", `unix://${h.socket}`, "info"]).status !== 0; i++) await new Promise((r) => setTimeout(r, 500));
  }
  return {
    hosts,
    privateKey: fs.readFileSync(path.join(dir, "key"), "utf8"),
    stop: () => {
      for (const p of procs) p.kill();
      teardown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
