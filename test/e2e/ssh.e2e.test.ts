import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noIpvsMessage } from "../../components/preflight";
import { ROOT } from "./helpers";
import { startSshHost, type SshHost } from "./ssh-host";

// The preflight component over real SSH, on the real engine, against a network-namespace host with
// its own sshd (10.252.0.2). A small program of its own uses the components as another team would.
const PROGRAM = (root: string) => `import * as pulumi from "@pulumi/pulumi";
import { hostNodes } from "${root}/components/hosts";
import { Preflight } from "${root}/components/preflight";

const config = new pulumi.Config();
const [node] = hostNodes({
  hosts: [{ name: "h1", address: "10.252.0.2", user: "root", port: 22, role: "manager" }],
  privateKey: config.requireSecret("sshPrivateKey"),
  labels: {},
});
const orchestrator = config.require("orchestrator") as "swarm" | "k3s";
const check = new Preflight("preflight-h1", { node: node!, orchestrator, routingMesh: "required", requiredMiB: 128 });
export const report = check.report;
`;

describe("the preflight over SSH to a network-namespace host", () => {
  let host: SshHost;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const pulumi = (...args: string[]) => {
    const r = spawnSync("pulumi", ["--non-interactive", ...args], { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
    return { status: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "" };
  };

  beforeAll(async () => {
    host = await startSshHost();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-ssh-program-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: recette-ssh-test\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: \"--import=tsx\"\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "recette-ssh-test", main: "index.ts" }));
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM(ROOT));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "state"));
    env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` };
    expect(pulumi("stack", "init", "ssh").status).toBe(0);
    expect(pulumi("config", "set", "--secret", "sshPrivateKey", "--", host.privateKey).status).toBe(0);
  });
  afterAll(() => {
    pulumi("destroy", "--yes", "--skip-preview");
    host?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("k3s: the host answers with its kernel's features, read over SSH", () => {
    expect(pulumi("config", "set", "orchestrator", "k3s").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    const report = JSON.parse(pulumi("stack", "output", "report", "--json").stdout) as { node: string; ipvs: boolean; vxlan: boolean; memoryMiB: number };
    expect(report.node).toBe("h1");
    // The namespace shares this machine's kernel: VXLAN yes, IPVS no.
    expect({ ipvs: report.ipvs, vxlan: report.vxlan }).toEqual({ ipvs: false, vxlan: true });
    expect(report.memoryMiB).toBeGreaterThan(128);
    // The private key never reaches the state in clear.
    const state = fs.readdirSync(path.join(dir, "state"), { recursive: true }).map(String).filter((f) => f.endsWith(".json"));
    for (const f of state) expect(fs.readFileSync(path.join(dir, "state", f), "utf8")).not.toContain("PRIVATE KEY");
  });

  it("swarm with the routing mesh required: fails on that host, naming it", () => {
    expect(pulumi("config", "set", "orchestrator", "swarm").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status).not.toBe(0);
    expect(up.output).toContain(noIpvsMessage("h1"));
  });
});
