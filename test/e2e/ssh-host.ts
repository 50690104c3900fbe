import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sh } from "./helpers";

/**
 * A real host for SSH tests: a network namespace with its own address (10.252.0.2/30, the host side
 * 10.252.0.1), running its own sshd that accepts one throwaway key. Only these addresses are used.
 */
export interface SshHost {
  address: string;
  privateKey: string;
  stop(): void;
}

const NS = "recette-e2e-h1";
const HOST_IF = "recette-h1a";
const NS_IF = "recette-h1b";

const must = (cmd: string, args: string[]) => {
  const r = sh(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.output}`);
};

const teardown = () => {
  sh("ip", ["netns", "del", NS]);
  sh("ip", ["link", "del", HOST_IF]);
};

export const startSshHost = async (): Promise<SshHost> => {
  teardown();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-ssh-"));
  must("ip", ["netns", "add", NS]);
  must("ip", ["link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF]);
  must("ip", ["link", "set", NS_IF, "netns", NS]);
  must("ip", ["addr", "add", "10.252.0.1/30", "dev", HOST_IF]);
  must("ip", ["link", "set", HOST_IF, "up"]);
  must("ip", ["netns", "exec", NS, "ip", "addr", "add", "10.252.0.2/30", "dev", NS_IF]);
  must("ip", ["netns", "exec", NS, "ip", "link", "set", NS_IF, "up"]);
  must("ip", ["netns", "exec", NS, "ip", "link", "set", "lo", "up"]);
  must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "key")]);
  must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "hostkey")]);
  fs.copyFileSync(path.join(dir, "key.pub"), path.join(dir, "authorized_keys"));
  fs.mkdirSync("/run/sshd", { recursive: true });
  // nsenter, not `ip netns exec`: the latter remounts /sys for the namespace, hiding /sys/fs/cgroup,
  // and the host would not look like a real server to the preflight.
  const sshd: ChildProcess = spawn(
    "nsenter",
    [
      `--net=/var/run/netns/${NS}`,
      "/usr/sbin/sshd",
      "-D",
      "-e",
      "-p",
      "22",
      "-h",
      path.join(dir, "hostkey"),
      "-o",
      "ListenAddress=10.252.0.2",
      "-o",
      "PermitRootLogin=prohibit-password",
      "-o",
      "PasswordAuthentication=no",
      "-o",
      `AuthorizedKeysFile=${path.join(dir, "authorized_keys")}`,
      "-o",
      "StrictModes=no",
      "-o",
      `PidFile=${path.join(dir, "sshd.pid")}`,
    ],
    { stdio: "ignore" },
  );
  // Wait until sshd listens (bounded).
  for (let i = 0; i < 50; i++) {
    if (sh("ip", ["netns", "exec", NS, "sh", "-c", "exec 3<>/dev/tcp/10.252.0.2/22"]).status === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: "10.252.0.2",
    privateKey: fs.readFileSync(path.join(dir, "key"), "utf8"),
    stop: () => {
      sshd.kill();
      teardown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
