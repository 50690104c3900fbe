import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registryImages } from "../../components/images";
import { dockerPaths } from "../hosts/netns-hosts";
import { LAB, labHosts } from "../lab/lab";
import { sh, shAsync } from "./helpers";

// npm run lab:up / lab:down for real: three hosts (namespaces with their own sshd and dockerd), the
// registry on the lab bridge, the stack file; then nothing of it left, also after a failure half-way.
const npm = (script: string, env: Record<string, string> = {}) => {
  const r = sh("env", [...Object.entries(env).map(([k, v]) => `${k}=${v}`), "npm", "run", "--silent", script]);
  return { ...r, output: r.output.slice(-4000) };
};
const hosts = labHosts();
const key = path.join(LAB.stateDir, "id_ed25519");
const sshArgs = [
  "-o",
  "StrictHostKeyChecking=no",
  "-o",
  "UserKnownHostsFile=/dev/null",
  "-o",
  "LogLevel=ERROR",
  "-o",
  "ConnectTimeout=5",
];
const ssh = (address: string, command: string) =>
  sh("ssh", [...sshArgs, "-o", "BatchMode=yes", "-i", key, `root@${address}`, command]);

/** Everything the lab makes that could be left behind, by its name. */
const leftovers = () => {
  const named = (text: string) => text.split("\n").filter((l) => l.includes("recette-lab"));
  return {
    namespaces: named(sh("ip", ["netns", "list"]).stdout),
    links: named(sh("ip", ["-br", "link"]).stdout),
    rules: named(sh("iptables-save", []).stdout),
    processes: named(sh("ps", ["-eo", "pid,args"]).stdout).filter((l) => !l.includes("ps -eo")),
    mounts: named(fs.readFileSync("/proc/self/mountinfo", "utf8")),
    files: [LAB.stateDir, LAB.stackFile, ...hosts.flatMap((h) => Object.values(dockerPaths(h.ns)))].filter((f) =>
      fs.existsSync(f),
    ),
  };
};
const NOTHING = { namespaces: [], links: [], rules: [], processes: [], mounts: [], files: [] };

describe("the lab: npm run lab:up and lab:down", () => {
  afterAll(() => {
    npm("lab:down");
  });

  it("starts from nothing (a lab left by someone else would make this suite lie)", () => {
    expect(leftovers()).toEqual(NOTHING);
  });

  it("lab:up makes the hosts, the registry and the stack, and prints the manager's address", () => {
    const up = npm("lab:up");
    expect(up.status, up.output).toBe(0);
    expect(up.stdout.trim().split("\n").pop()).toBe(hosts.find((h) => h.role === "manager")?.address);
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    const stack = fs.readFileSync(LAB.stackFile, "utf8");
    expect(stack).toContain(`recette:imageRegistry: ${LAB.registry}`);
    // Both secrets encrypted by the Pulumi CLI: ciphertext in the file, never the key itself.
    expect(stack).toMatch(/recette:sshPrivateKey:\n\s+secure: v1:/);
    expect(stack).toMatch(/recette:blogAdminPassword:\n\s+secure: v1:/);
    expect(stack).not.toContain(fs.readFileSync(key, "utf8").split("\n")[1]);
  });

  it("each host answers SSH with the lab's key, as itself, and refuses passwords", () => {
    for (const h of hosts) {
      const r = ssh(h.address, "hostname -I; echo $DOCKER_HOST");
      expect(r.status, r.output).toBe(0);
      expect(r.stdout.split(/\s+/).filter(Boolean)).toEqual([h.address, `unix://${dockerPaths(h.ns).socket}`]);
      const pw = sh("ssh", [
        ...sshArgs,
        "-o",
        "BatchMode=yes",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "PreferredAuthentications=password,keyboard-interactive",
        `root@${h.address}`,
        "true",
      ]);
      expect(pw.status).toBe(255);
      expect(pw.stderr).toContain("Permission denied (publickey)");
    }
  });

  it("each host runs its own dockerd (own engine ID, data root, pid)", () => {
    const infos = hosts.map((h) => ssh(h.address, "docker info --format '{{.ID}} {{.DockerRootDir}}'").stdout.trim());
    expect(infos.map((i) => i.split(" ")[1])).toEqual(hosts.map((h) => dockerPaths(h.ns).dataRoot));
    expect(new Set(infos.map((i) => i.split(" ")[0])).size).toBe(hosts.length);
    const pids = hosts.map((h) => fs.readFileSync(dockerPaths(h.ns).pidfile, "utf8").trim());
    expect(new Set(pids).size).toBe(hosts.length);
  });

  it("the hosts pull recette's images from the lab registry", async () => {
    const images = registryImages(LAB.registry).map(([, remote]) => remote);
    // Every image on the manager; the smallest on each worker (proves each dockerd reaches the
    // registry over plain HTTP; all of them on every host takes minutes on vfs).
    const smallest = images.find((i) => i.includes("/opensmtpd:"))!;
    const pulls = hosts.flatMap((h) => (h.role === "manager" ? images : [smallest]).map((i) => ({ h, i })));
    const results = await Promise.all(
      pulls.map(({ h, i }) => shAsync("docker", ["-H", `unix://${dockerPaths(h.ns).socket}`, "pull", "-q", i])),
    );
    for (const [n, r] of results.entries()) expect(r.status, `${pulls[n]?.h.name} ${pulls[n]?.i}: ${r.output}`).toBe(0);
    // and over SSH, as Pulumi's docker provider and the cluster bootstrap see them
    const worker = hosts.find((h) => h.role === "worker")!;
    expect(ssh(worker.address, `docker image inspect --format ok ${smallest}`).stdout.trim()).toBe("ok");
  });

  it("lab:down removes everything, and a second lab:down exits 0", () => {
    const down = npm("lab:down");
    expect(down.status, down.output).toBe(0);
    expect(leftovers()).toEqual(NOTHING);
    const again = npm("lab:down");
    expect(again.status, again.output).toBe(0);
  });

  it("after lab:up fails half-way, lab:down still removes everything", () => {
    const up = npm("lab:up", { RECETTE_LAB_FAIL_AFTER: "registry" });
    expect(up.status).not.toBe(0);
    expect(up.output).toContain("RECETTE_LAB_FAIL_AFTER=registry: stopping here on purpose");
    expect(leftovers().namespaces).toHaveLength(hosts.length);
    // a half-made lab is refused, not patched
    const again = npm("lab:up");
    expect(again.status).not.toBe(0);
    expect(again.output).toContain("a lab is already (partly) there");
    const down = npm("lab:down");
    expect(down.status, down.output).toBe(0);
    expect(leftovers()).toEqual(NOTHING);
  });
});
