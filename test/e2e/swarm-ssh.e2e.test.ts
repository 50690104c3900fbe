import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProgram, ROOT, sh } from "./helpers";
import { startSwarmHosts, type SwarmHost } from "./swarm-hosts";

// swarm.Cluster over real SSH: two network-namespace hosts, each with its own sshd and dockerd.
const PROGRAM = (root: string) => `import * as pulumi from "@pulumi/pulumi";
import { hostNodes } from "${root}/components/hosts";
import { Cluster } from "${root}/components/swarm";

const config = new pulumi.Config();
const hosts: { name: string; address: string; user: string; port: number; role: "manager" | "worker" }[] = [
  { name: "s1", address: "10.252.1.2", user: "root", port: 22, role: "manager" },
];
if (config.requireNumber("workers") > 0)
  hosts.push({ name: "s2", address: "10.252.1.3", user: "root", port: 22, role: "worker" });
const nodes = hostNodes({ hosts, privateKey: config.requireSecret("sshPrivateKey"), labels: { s2: { disk: "ssd" } } });
const cluster = new Cluster("swarm", { nodes });
export const nodeIds = cluster.nodeIds;
`;

describe("a Swarm bootstrapped over SSH on two hosts", () => {
  let hosts: SwarmHost[];
  let stop: () => Promise<void>;
  let program: ReturnType<typeof makeProgram>;
  const pulumi = (...args: string[]) => program.pulumi(...args);
  const docker = (h: SwarmHost, ...args: string[]) => sh("docker", ["-H", `unix://${h.socket}`, ...args]).stdout.trim();

  beforeAll(async () => {
    const started = await startSwarmHosts(2);
    hosts = started.hosts;
    stop = started.stop;
    program = makeProgram("swarm", PROGRAM(ROOT), started.privateKey);
  });
  afterAll(async () => {
    program?.cleanup();
    await stop?.();
  });

  it("initialises the swarm on the manager and joins the worker, labelled", () => {
    expect(pulumi("config", "set", "workers", "1").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    const [s1, s2] = hosts as [SwarmHost, SwarmHost];
    expect(docker(s1, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")).toBe("active true");
    expect(docker(s2, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")).toBe(
      "active false",
    );
    const worker = docker(s2, "info", "--format", "{{.Swarm.NodeID}}");
    expect(docker(s1, "node", "ls", "--format", "{{.ID}} {{.Status}}").split("\n").sort()).toEqual(
      [`${docker(s1, "info", "--format", "{{.Swarm.NodeID}}")} Ready`, `${worker} Ready`].sort(),
    );
    expect(docker(s1, "node", "inspect", worker, "--format", '{{index .Spec.Labels "disk"}}')).toBe("ssd");
    // The join tokens are secrets: never in the state in clear.
    const token = docker(s1, "swarm", "join-token", "-q", "worker");
    const state = program.stateText();
    expect(token).toMatch(/^SWMTKN-/);
    expect(state).not.toContain(token);
    // Held, encrypted: the join step's environment is a secret in the state.
    expect(state).toContain('"ciphertext"');
  });

  it("a second up changes nothing", () => {
    const p = pulumi("preview", "--expect-no-changes", "--suppress-progress");
    expect(p.status, p.output).toBe(0);
  });

  it("a worker removed from the program is drained, removed and leaves", () => {
    expect(pulumi("config", "set", "workers", "0").status).toBe(0);
    const up = pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    const [s1, s2] = hosts as [SwarmHost, SwarmHost];
    expect(docker(s1, "node", "ls", "-q").split("\n").filter(Boolean)).toHaveLength(1);
    expect(docker(s2, "info", "--format", "{{.Swarm.LocalNodeState}}")).toBe("inactive");
  });
});
