import { describe, expect, it } from "vitest";
import { parseNodeArgs } from "../../engine/cli/node";
import { describePlan, planNode, satisfies, type ServiceFacts, type SwarmNode } from "../../engine/node/plan";
import { parseDeploymentsOn, parseK8sNodes } from "../../engine/node/k8s";
import { parseNodes, parseServices, sshArgs } from "../../engine/node/swarm";
import { recette } from "./cli-helpers";

const node = (hostname: string, more: Partial<SwarmNode> = {}): SwarmNode => ({
  id: `id-${hostname}`,
  hostname,
  role: "worker",
  availability: "active",
  ready: true,
  labels: {},
  ...more,
});
const manager = node("manager-1", { role: "manager" });
const w1 = node("worker-1", { labels: { disk: "ssd" } });
const w2 = node("worker-2");
const service = (name: string, more: Partial<ServiceFacts> = {}): ServiceFacts => ({
  name,
  replicas: 2,
  order: "start-first",
  constraints: [],
  tasksOnNode: 1,
  ...more,
});

describe("the plan for taking a node out", () => {
  it("moves a replicated start-first service by scaling it up by its tasks on the node", () => {
    const p = planNode(w1, [manager, w1, w2], [service("web", { constraints: ["node.role==worker"] })]);
    expect(p.moves).toEqual([{ service: "web", replicas: 2, scaledTo: 3 }]);
    expect(p.downtime).toEqual([]);
  });

  it("says which services would be down, and why: pinned, one replica, stop-first, global", () => {
    const p = planNode(
      w1,
      [manager, w1, w2],
      [
        service("blog", { replicas: 1, order: "stop-first", constraints: ["node.labels.disk==ssd"] }),
        service("relay", { replicas: 1 }),
        service("api", { order: "stop-first" }),
        service("agent", { replicas: "global" }),
        service("elsewhere", { tasksOnNode: 0 }),
      ],
    );
    expect(p.moves).toEqual([]);
    expect(describePlan(p)).toEqual([
      "blog: DOWNTIME: no other node may run it (node.labels.disk==ssd): " +
        "unavailable from the drain until it is back when worker-1 is active again",
      "relay: DOWNTIME: 1 replica: its task stops, then starts on manager-1 or worker-2 (a gap of its start time)",
      "api: DOWNTIME: stop-first updates: its task stops, then " +
        "starts on manager-1 or worker-2 (a gap of its start time)",
      "agent: DOWNTIME: global: its task on worker-1 stops, back when worker-1 is active again",
    ]);
  });

  it("counts only ready, active nodes within the constraints as other homes", () => {
    const down = node("worker-2", { ready: false });
    const paused = node("worker-3", { availability: "pause" });
    const p = planNode(w1, [manager, w1, down, paused], [service("web", { constraints: ["node.role==worker"] })]);
    expect(p.downtime.map((d) => d.service)).toEqual(["web"]);
  });

  it("reads the constraint forms Swarm keeps: role, host name, id, labels, == and !=", () => {
    expect(satisfies(w1, "node.labels.disk==ssd")).toBe(true);
    expect(satisfies(w1, "node.labels.disk == SSD")).toBe(true);
    expect(satisfies(w2, "node.labels.disk==ssd")).toBe(false);
    expect(satisfies(w2, "node.labels.disk!=ssd")).toBe(true);
    expect(satisfies(manager, "node.role==worker")).toBe(false);
    expect(satisfies(w1, "node.hostname!=worker-1")).toBe(false);
    expect(satisfies(w1, "node.id==id-worker-1")).toBe(true);
    expect(satisfies(w1, "engine.labels.os==linux")).toBe(true);
  });

  it("says so when no service has a task on the node", () => {
    expect(describePlan(planNode(w2, [w1, w2], []))).toEqual(["no service has a task on worker-2"]);
  });
});

describe("what the docker client answers", () => {
  it("reads nodes from docker node inspect", () => {
    const json = JSON.stringify([
      {
        ID: "abc",
        Spec: { Role: "worker", Availability: "pause", Labels: { disk: "ssd" } },
        Description: { Hostname: "worker-1" },
        Status: { State: "ready" },
      },
      {
        ID: "def",
        Spec: { Role: "manager", Availability: "active", Labels: null },
        Description: { Hostname: "m" },
        Status: { State: "down" },
      },
    ]);
    expect(parseNodes(json)).toEqual([
      { id: "abc", hostname: "worker-1", role: "worker", availability: "pause", ready: true, labels: { disk: "ssd" } },
      { id: "def", hostname: "m", role: "manager", availability: "active", ready: false, labels: {} },
    ]);
  });

  it("reads services from docker service inspect, with their tasks on the node", () => {
    const json = JSON.stringify([
      {
        Spec: {
          Name: "s-web",
          Mode: { Replicated: { Replicas: 2 } },
          UpdateConfig: { Order: "start-first" },
          TaskTemplate: { Placement: { Constraints: ["node.role==worker"] } },
        },
      },
      { Spec: { Name: "s-agent", Mode: { Global: {} }, TaskTemplate: {} } },
    ]);
    expect(parseServices(json, new Map([["s-web", 1]]))).toEqual([
      { name: "s-web", replicas: 2, order: "start-first", constraints: ["node.role==worker"], tasksOnNode: 1 },
      { name: "s-agent", replicas: "global", order: "stop-first", constraints: [], tasksOnNode: 0 },
    ]);
  });

  it("runs the maintenance command over SSH as one quoted word per argument", () => {
    const args = sshArgs({ address: "10.0.0.3", user: "root", port: 2222 }, ["sh", "-c", "echo $HOME; touch 'a b'"]);
    expect(args).toEqual([
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-p",
      "2222",
      "root@10.0.0.3",
      "--",
      "sh -c 'echo $HOME; touch '\\''a b'\\'''",
    ]);
  });
});

describe("what kubectl answers", () => {
  it("reads nodes: a cordoned node is paused, the control plane a manager, Ready from the conditions", () => {
    const json = JSON.stringify({
      items: [
        {
          metadata: { name: "recette-node", labels: { "node-role.kubernetes.io/control-plane": "" } },
          spec: { unschedulable: true },
          status: { conditions: [{ type: "Ready", status: "True" }] },
        },
        { metadata: { name: "w" }, spec: {}, status: { conditions: [{ type: "Ready", status: "Unknown" }] } },
      ],
    });
    expect(parseK8sNodes(json)).toEqual([
      {
        id: "recette-node",
        hostname: "recette-node",
        role: "manager",
        availability: "pause",
        ready: true,
        labels: { "node-role.kubernetes.io/control-plane": "" },
      },
      { id: "w", hostname: "w", role: "worker", availability: "active", ready: false, labels: {} },
    ]);
  });

  it(
    "reads the stack's Deployments with their pods on the " +
      "node (by selector), start-first when maxUnavailable is 0",
    () => {
      const deployments = JSON.stringify({
        items: [
          {
            metadata: { name: "s-web" },
            spec: {
              replicas: 2,
              selector: { matchLabels: { "app.kubernetes.io/name": "s-web" } },
              strategy: { rollingUpdate: { maxUnavailable: 0 } },
              template: { spec: {} },
            },
          },
          {
            metadata: { name: "s-blog" },
            spec: {
              replicas: 1,
              selector: { matchLabels: { "app.kubernetes.io/name": "s-blog" } },
              strategy: { rollingUpdate: { maxUnavailable: 1 } },
              template: {
                spec: {
                  affinity: {
                    nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }],
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      });
      const pods = JSON.stringify({
        items: [
          { metadata: { labels: { "app.kubernetes.io/name": "s-web" } }, status: { phase: "Running" } },
          { metadata: { labels: { "app.kubernetes.io/name": "s-blog" } }, status: { phase: "Running" } },
          { metadata: { labels: { "app.kubernetes.io/name": "s-blog" } }, status: { phase: "Succeeded" } },
        ],
      });
      expect(parseDeploymentsOn(deployments, pods)).toEqual([
        { name: "s-web", replicas: 2, order: "start-first", constraints: [], tasksOnNode: 1 },
        { name: "s-blog", replicas: 1, order: "stop-first", constraints: ["node.labels.disk==ssd"], tasksOnNode: 1 },
      ]);
    },
  );

  it("describes a Kubernetes move as evictions under the PodDisruptionBudget", () => {
    const p = planNode(w1, [manager, w1, w2], [service("web")]);
    expect(describePlan(p, "k3s")).toEqual([
      "web: 2 replicas: its pods on worker-1 evicted one at a time (its " +
        "PodDisruptionBudget), the others serving (no failed request)",
    ]);
  });
});

describe("recette node's arguments", () => {
  it("takes an action, a node, and for maintain the command", () => {
    expect(parseNodeArgs({ stack: "lab" }, ["maintain", "worker-1", "apt-get", "-y", "upgrade"])).toEqual({
      ok: true,
      opts: {
        stack: "lab",
        action: "maintain",
        node: "worker-1",
        acceptDowntime: false,
        command: ["apt-get", "-y", "upgrade"],
      },
    });
    expect(parseNodeArgs({ stack: "lab", "accept-downtime": true }, ["drain", "worker-1"])).toMatchObject({
      ok: true,
      opts: { action: "drain", acceptDowntime: true, command: [] },
    });
  });

  it.each([
    [["reboot", "worker-1"], 'unknown action "reboot" (one of drain, activate, maintain)'],
    [[], "which action? (one of drain, activate, maintain)"],
    [["drain"], "which node? (its name in the recipe, e.g. worker-1, or in the cluster)"],
    [["drain", "worker 1"], '"worker 1" is not a node name'],
    [["maintain", "worker-1"], "maintain runs a command on the node: give it after --, e.g. -- apt-get -y upgrade"],
    [["activate", "worker-1", "ls"], 'activate runs no command (only maintain does): "ls"'],
  ])("refuses %j: %s", (positionals, message) => {
    expect(parseNodeArgs({ stack: "lab" }, positionals)).toEqual({ ok: false, message });
  });

  it("refuses usage errors with exit 2 before opening the stack", () => {
    const noCommand = recette("node", "maintain", "-s", "lab", "worker-1");
    expect([noCommand.status, noCommand.stderr.split("\n")[0]]).toEqual([
      2,
      "recette node: maintain runs a command on the node: give it after --, e.g. -- apt-get -y upgrade",
    ]);
    const noStack = recette("node", "drain", "worker-1");
    expect(noStack.status).toBe(2);
    expect(noStack.stderr).toContain("--stack");
    const badAction = recette("node", "reboot", "-s", "lab", "worker-1");
    expect(badAction.status).toBe(2);
    expect(badAction.stderr).toContain("reboot");
  });

  it("passes a command's own options through after --", () => {
    const r = recette("node", "drain", "-s", "lab", "worker-1", "--", "apt-get", "-y");
    expect([r.status, r.stderr.split("\n")[0]]).toEqual([
      2,
      'recette node: drain runs no command (only maintain does): "apt-get -y"',
    ]);
  });
});
