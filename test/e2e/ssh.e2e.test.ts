import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noIpvsMessage } from "../../components/preflight";
import { makeProgram, ROOT } from "./helpers";
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
  let program: ReturnType<typeof makeProgram>;
  const pulumi = (...args: string[]) => program.pulumi(...args);

  beforeAll(async () => {
    host = await startSshHost();
    program = makeProgram("ssh", PROGRAM(ROOT), host.privateKey);
  });
  afterAll(() => {
    program?.cleanup();
    host?.stop();
  });

  it("k3s: the host answers with its kernel's features, read over SSH", () => {
    expect(pulumi("config", "set", "orchestrator", "k3s").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    const report = JSON.parse(pulumi("stack", "output", "report", "--json").stdout) as {
      node: string;
      ipvs: boolean;
      vxlan: boolean;
      memoryMiB: number;
    };
    expect(report.node).toBe("h1");
    // The namespace shares this machine's kernel: VXLAN yes, IPVS no.
    expect({ ipvs: report.ipvs, vxlan: report.vxlan }).toEqual({ ipvs: false, vxlan: true });
    expect(report.memoryMiB).toBeGreaterThan(128);
    // The private key never reaches the state in clear.
    const state = program.stateText();
    expect(state).not.toContain("PRIVATE KEY");
    // The key is in the state, encrypted (the connection of each remote command holds it).
    expect(state).toContain('"ciphertext"');
  });

  it("swarm with the routing mesh required: fails on that host, naming it", () => {
    expect(pulumi("config", "set", "orchestrator", "swarm").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status).not.toBe(0);
    expect(up.output).toContain(noIpvsMessage("h1"));
  });
});
