import { spawn } from "node:child_process";
import { shellCommand } from "../../components/escape";
import { mustRunClient, type Orchestrator } from "../status/orchestrator";
import type { NodePlan, ServiceFacts, SwarmNode } from "./plan";

/**
 * The Swarm side of `recette node`: reads the nodes and the services with tasks on one of them, and
 * carries out a plan (engine/node/plan.ts) with the docker client against the stack's manager.
 */

const must = mustRunClient;

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Waits (bounded) for `check` to answer something; throws naming `what` and the last thing seen. */
export const waitUntil = async <T>(
  what: string,
  check: () => { done: T } | { seen: string },
  seconds: number,
  everyMs = 1000,
): Promise<T> => {
  const deadline = Date.now() + seconds * 1000;
  let seen = "";
  for (;;) {
    const r = check();
    if ("done" in r) return r.done;
    seen = r.seen;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${seconds} s (last seen: ${seen})`);
    await sleep(everyMs);
  }
};

interface NodeJson {
  ID: string;
  Spec: { Role: string; Availability: string; Labels?: Record<string, string> | null };
  Description: { Hostname: string };
  Status: { State: string };
}

/** `docker node inspect` of every node, as the plan reads them. */
export const parseNodes = (json: string): SwarmNode[] =>
  (JSON.parse(json) as NodeJson[]).map((n) => ({
    id: n.ID,
    hostname: n.Description.Hostname,
    role: n.Spec.Role === "manager" ? "manager" : "worker",
    availability: n.Spec.Availability === "drain" ? "drain" : n.Spec.Availability === "pause" ? "pause" : "active",
    ready: n.Status.State === "ready",
    labels: n.Spec.Labels ?? {},
  }));

export const readNodes = (o: Orchestrator): SwarmNode[] => {
  const ids = must(o, ["node", "ls", "-q"]).split("\n").filter(Boolean);
  return parseNodes(must(o, ["node", "inspect", ...ids]));
};

interface ServiceJson {
  Spec: {
    Name: string;
    Mode: { Replicated?: { Replicas?: number }; Global?: object };
    UpdateConfig?: { Order?: string };
    TaskTemplate: { Placement?: { Constraints?: string[] | null } };
  };
}

/**
 * `docker service inspect` of services, with how many of their tasks run on the node (task names: `<service>.<slot>`).
 */
export const parseServices = (json: string, tasksOnNode: Map<string, number>): ServiceFacts[] =>
  (JSON.parse(json) as ServiceJson[]).map((s) => ({
    name: s.Spec.Name,
    replicas: s.Spec.Mode.Global ? "global" : (s.Spec.Mode.Replicated?.Replicas ?? 1),
    order: s.Spec.UpdateConfig?.Order === "start-first" ? "start-first" : "stop-first",
    constraints: s.Spec.TaskTemplate.Placement?.Constraints ?? [],
    tasksOnNode: tasksOnNode.get(s.Spec.Name) ?? 0,
  }));

/** The services (of every stack: they all lose the node) whose tasks should run on `node`. */
export const servicesOn = (o: Orchestrator, node: SwarmNode): ServiceFacts[] => {
  const tasks = must(o, ["node", "ps", node.id, "--filter", "desired-state=running", "--format", "{{.Name}}"])
    .split("\n")
    .filter(Boolean)
    .map((t) => t.replace(/\.[^.]+$/, ""));
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (counts.size === 0) return [];
  return parseServices(must(o, ["service", "inspect", ...counts.keys()]), counts);
};

/** The running tasks of a service, by node id. */
const runningTasks = (o: Orchestrator, service: string): { node: string; state: string }[] =>
  must(o, ["service", "ps", service, "--filter", "desired-state=running", "--format", "{{.Node}}|{{.CurrentState}}"])
    .split("\n")
    .filter(Boolean)
    .map((l) => ({ node: l.split("|")[0]!, state: l.split("|")[1] ?? "" }));

export const setAvailability = (o: Orchestrator, node: SwarmNode, availability: SwarmNode["availability"]) =>
  must(o, ["node", "update", "--availability", availability, node.id]);

/**
 * Takes the node out as `plan` says: pause it, scale each moving service up and wait until its new
 * tasks run elsewhere (Swarm reports a task with a health check running once it is healthy), drain
 * the node, wait until none of its tasks is left, scale the services back.
 */
export const drainNode = async (o: Orchestrator, plan: NodePlan, say: (l: string) => void): Promise<void> => {
  const { node } = plan;
  setAvailability(o, node, "pause");
  say(`${node.hostname}: paused (no new task lands on it)`);
  for (const m of plan.moves) must(o, ["service", "scale", "--detach", `${m.service}=${m.scaledTo}`]);
  for (const m of plan.moves) {
    await waitUntil(
      `${m.service}: ${m.replicas} tasks running outside ${node.hostname}`,
      () => {
        const elsewhere = runningTasks(o, m.service).filter(
          (t) => t.node !== node.hostname && t.state.startsWith("Running"),
        );
        return elsewhere.length >= m.replicas ? { done: true } : { seen: `${elsewhere.length} running elsewhere` };
      },
      300,
    );
    say(`${m.service}: ${m.replicas} tasks running outside ${node.hostname}`);
  }
  setAvailability(o, node, "drain");
  await waitUntil(
    `${node.hostname} drained`,
    () => {
      const left = must(o, ["node", "ps", node.id, "--filter", "desired-state=running", "-q"]).trim();
      const stopping = must(o, ["node", "ps", node.id, "--format", "{{.CurrentState}}"])
        .split("\n")
        .filter((s) => /^(Running|Starting|Preparing|Assigned|Accepted|Pending)/.test(s));
      return left === "" && stopping.length === 0
        ? { done: true }
        : { seen: `${left.split("\n").filter(Boolean).length} tasks wanted, ${stopping.length} not stopped` };
    },
    300,
  );
  for (const m of plan.moves) must(o, ["service", "scale", "--detach", `${m.service}=${m.replicas}`]);
  say(`${node.hostname}: drained`);
};

/** Waits until the manager reports the node ready (after a restart of its engine). */
export const waitReady = async (o: Orchestrator, node: SwarmNode, seconds = 300): Promise<void> => {
  await waitUntil(
    `${node.hostname} ready`,
    () => {
      const state = must(o, ["node", "inspect", node.id, "--format", "{{.Status.State}}"]).trim();
      return state === "ready" ? { done: true } : { seen: state };
    },
    seconds,
  );
};

/**
 * Activates the node again and spreads the moved services back onto it: a forced update, which rolls
 * their tasks start-first (no failed request), one at a time as their update settings say.
 */
export const activateNode = async (
  o: Orchestrator,
  node: SwarmNode,
  rebalance: string[],
  say: (l: string) => void,
): Promise<void> => {
  setAvailability(o, node, "active");
  say(`${node.hostname}: active`);
  for (const service of rebalance) {
    must(o, ["service", "update", "--force", "--detach=false", "--quiet", service], 600_000);
    say(`${service}: rebalanced`);
  }
};

/** How recette reaches a node over SSH to run a command there (the recipe's address, user and port). */
export interface SshTarget {
  address: string;
  user: string;
  port: number;
}

/**
 * The ssh command line running `command` (an argument list) on the node: each word quoted for the
 * remote shell, the stack's key from the session's agent, host keys as the Docker provider accepts them.
 */
export const sshArgs = (t: SshTarget, command: string[]): string[] => [
  "-o",
  "BatchMode=yes",
  "-o",
  "StrictHostKeyChecking=accept-new",
  "-p",
  String(t.port),
  `${t.user}@${t.address}`,
  "--",
  shellCommand(command),
];

/** Runs the command on the node over SSH, its output passed through; resolves with its exit code. */
export const runOnNode = (t: SshTarget, command: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn("ssh", sshArgs(t, command), { env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", () => resolve(255));
    child.on("close", (code) => resolve(code ?? 255));
  });
