/**
 * What taking one node out of a Swarm does to each service, decided before anything changes: the plan
 * `recette node drain|maintain` prints first. Pure (the facts come from `docker node ls/inspect` and
 * `docker service inspect/ps`), so it is tested without a cluster.
 *
 * Swarm's own drain stops a node's tasks first and starts their replacements after (moby#34139): a
 * replicated service loses the requests its stopped task was serving. recette moves a replicated
 * start-first service's tasks itself, the way a start-first update does: the node is paused (no new
 * task lands on it), the service is scaled up by its tasks on the node, and once the new tasks run
 * elsewhere the node is drained and the service scaled back. A service that cannot be served
 * meanwhile (one replica, stop-first, global, or pinned to this node by its constraints) is downtime,
 * said before anything is done, and needs --accept-downtime.
 */

/** A Swarm node as the plan needs it. */
export interface SwarmNode {
  id: string;
  hostname: string;
  role: "manager" | "worker";
  availability: "active" | "pause" | "drain";
  ready: boolean;
  labels: Record<string, string>;
}

/** A service with tasks on the node to take out. */
export interface ServiceFacts {
  name: string;
  /** The number of replicas, or `global` (one task on every eligible node). */
  replicas: number | "global";
  order: "start-first" | "stop-first";
  /** Placement constraints, as Swarm keeps them (`node.labels.disk==ssd`, `node.role==worker`). */
  constraints: string[];
  /** Its tasks that should run on the node. */
  tasksOnNode: number;
}

export interface Move {
  service: string;
  /** Scaled to this while its tasks move, then back to `replicas`. */
  replicas: number;
  scaledTo: number;
}

export interface Downtime {
  service: string;
  /** Why its tasks cannot keep serving, and when it comes back. */
  reason: string;
}

export interface NodePlan {
  node: SwarmNode;
  moves: Move[];
  downtime: Downtime[];
}

/** Whether `node` satisfies one Swarm placement constraint (the forms recette writes and the common others). */
export const satisfies = (node: SwarmNode, constraint: string): boolean => {
  const m = /^\s*([A-Za-z0-9_.-]+)\s*(==|!=)\s*(.*?)\s*$/.exec(constraint);
  if (!m) return true; // a form we do not read: assume it allows the node (Swarm decides anyway)
  const [, key, op, want] = m as unknown as [string, string, string, string];
  let have: string | undefined;
  if (key === "node.role") have = node.role;
  else if (key === "node.hostname") have = node.hostname;
  else if (key === "node.id") have = node.id;
  else if (key.startsWith("node.labels.")) have = node.labels[key.slice("node.labels.".length)];
  else return true;
  const equal = have !== undefined && have.toLowerCase() === want.toLowerCase();
  return op === "==" ? equal : !equal;
};

/** The nodes other than `node` a service's new tasks may land on: ready, active, and within its constraints. */
export const otherHomes = (service: ServiceFacts, node: SwarmNode, nodes: SwarmNode[]): SwarmNode[] =>
  nodes.filter(
    (n) =>
      n.id !== node.id && n.ready && n.availability === "active" && service.constraints.every((c) => satisfies(n, c)),
  );

/** The plan for taking `node` out: which services move without a failed request, which are down meanwhile. */
export const planNode = (node: SwarmNode, nodes: SwarmNode[], services: ServiceFacts[]): NodePlan => {
  const moves: Move[] = [];
  const downtime: Downtime[] = [];
  for (const s of services.filter((x) => x.tasksOnNode > 0)) {
    const homes = otherHomes(s, node, nodes);
    const back = `back when ${node.hostname} is active again`;
    if (s.replicas === "global") {
      downtime.push({ service: s.name, reason: `global: its task on ${node.hostname} stops, ${back}` });
    } else if (homes.length === 0) {
      const pinned = s.constraints.length > 0 ? ` (${s.constraints.join(", ")})` : "";
      downtime.push({
        service: s.name,
        reason: `no other node may run it${pinned}: unavailable from the drain until it is ${back}`,
      });
    } else if (s.replicas < 2 || s.order !== "start-first") {
      const why = s.replicas < 2 ? "1 replica" : `${s.order} updates`;
      downtime.push({
        service: s.name,
        reason:
          `${why}: its task stops, then starts on ` +
          `${homes.map((h) => h.hostname).join(" or ")} (a gap of its start time)`,
      });
    } else {
      moves.push({ service: s.name, replicas: s.replicas, scaledTo: s.replicas + s.tasksOnNode });
    }
  }
  return { node, moves, downtime };
};

/** The plan as the lines `recette node` prints before it acts (Kubernetes moves pods by eviction, not by scaling). */
export const describePlan = (p: NodePlan, kind: "swarm" | "k3s" = "swarm"): string[] => [
  ...p.moves.map((m) =>
    kind === "swarm"
      ? `${m.service}: ${m.replicas} replicas, start-first: scaled to ${m.scaledTo} while its ` +
        `tasks move off ${p.node.hostname}, then back to ${m.replicas} (no failed request)`
      : `${m.service}: ${m.replicas} replicas: its pods on ${p.node.hostname} evicted ` +
        "one at a time (its PodDisruptionBudget), the others serving (no failed request)",
  ),
  ...p.downtime.map((d) => `${d.service}: DOWNTIME: ${d.reason}`),
  ...(p.moves.length + p.downtime.length === 0 ? [`no service has a task on ${p.node.hostname}`] : []),
];
