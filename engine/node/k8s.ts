import { mustRunClient, runClient, type Orchestrator } from "../status/orchestrator";
import type { NodePlan, ServiceFacts, SwarmNode } from "./plan";
import { waitUntil } from "./swarm";

/**
 * The Kubernetes side of `recette node`, with kubectl against the stack's cluster: the plan reads the
 * nodes and the stack's Deployments with pods on the node (as the Swarm plan's shapes: a cordoned node
 * is `pause`, a start-first Deployment has `maxUnavailable: 0`, its node affinity becomes constraints);
 * a drain is `kubectl drain`, which cordons the node and evicts its pods through the Eviction API: a
 * replicated Deployment's PodDisruptionBudget (`maxUnavailable: 1`, components/k3s) lets one pod go at a
 * time, the other keeps serving (its preStop sleep covers the Ingress's catch-up).
 */

const must = mustRunClient;

interface NodeJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { unschedulable?: boolean };
  status: { conditions?: { type: string; status: string }[] };
}

/** `kubectl get nodes -o json`, as the plan reads nodes. */
export const parseK8sNodes = (json: string): SwarmNode[] =>
  (JSON.parse(json) as { items: NodeJson[] }).items.map((n) => {
    const labels = n.metadata.labels ?? {};
    return {
      id: n.metadata.name,
      hostname: n.metadata.name,
      role:
        "node-role.kubernetes.io/control-plane" in labels || "node-role.kubernetes.io/master" in labels
          ? "manager"
          : "worker",
      availability: n.spec.unschedulable ? "pause" : "active",
      ready: (n.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      labels,
    };
  });

interface DeploymentJson {
  metadata: { name: string };
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
    template: {
      spec: {
        affinity?: {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: {
              nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[];
            };
          };
        };
      };
    };
  };
}

interface PodJson {
  metadata: { labels?: Record<string, string> };
  status?: { phase?: string };
}

/** A node affinity's `In`/`NotIn` of one value as the Swarm constraint form the plan reads. */
const constraintsOf = (d: DeploymentJson): string[] =>
  (
    d.spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
  ).flatMap((t) =>
    (t.matchExpressions ?? []).flatMap((e) =>
      (e.operator === "In" || e.operator === "NotIn") && e.values?.length === 1
        ? [`node.labels.${e.key}${e.operator === "In" ? "==" : "!="}${e.values[0]}`]
        : [],
    ),
  );

/** The stack's Deployments with their pods on `node` (`kubectl get deployments` and `get pods`). */
export const parseDeploymentsOn = (deployments: string, podsOnNode: string): ServiceFacts[] => {
  const pods = (JSON.parse(podsOnNode) as { items: PodJson[] }).items.filter(
    (p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed",
  );
  return (JSON.parse(deployments) as { items: DeploymentJson[] }).items.map((d) => {
    const selector = Object.entries(d.spec.selector.matchLabels ?? {});
    return {
      name: d.metadata.name,
      replicas: d.spec.replicas ?? 1,
      order: String(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? "") === "0" ? "start-first" : "stop-first",
      constraints: constraintsOf(d),
      tasksOnNode: pods.filter((p) => selector.every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    };
  });
};

export const readK8sNodes = (o: Orchestrator): SwarmNode[] => parseK8sNodes(must(o, ["get", "nodes", "-o", "json"]));

export const deploymentsOn = (o: Orchestrator, node: SwarmNode): ServiceFacts[] =>
  parseDeploymentsOn(
    must(o, ["get", "deployments", "-n", o.prefix, "-o", "json"]),
    must(o, ["get", "pods", "-n", o.prefix, "--field-selector", `spec.nodeName=${node.id}`, "-o", "json"]),
  );

/** Cordons the node and evicts its pods, each replicated Deployment one pod at a time (its PodDisruptionBudget). */
export const drainK8sNode = async (o: Orchestrator, plan: NodePlan, say: (l: string) => void): Promise<void> => {
  say(`${plan.node.hostname}: kubectl drain (cordon, then evictions through the PodDisruptionBudgets)`);
  must(o, ["drain", plan.node.id, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=300s"], 330_000);
  say(`${plan.node.hostname}: drained`);
};

export const waitK8sReady = async (o: Orchestrator, node: SwarmNode, seconds = 300): Promise<void> => {
  await waitUntil(
    `${node.hostname} Ready`,
    () => {
      const r = runClient(o, ["get", "node", node.id, "-o", "json"]);
      const n = r.ok ? parseK8sNodes(JSON.stringify({ items: [JSON.parse(r.stdout)] }))[0] : undefined;
      return n?.ready ? { done: true } : { seen: r.ok ? "NotReady" : r.message };
    },
    seconds,
  );
};

/** Uncordons the node and spreads the moved Deployments again (a rollout restart: start-first, no failed request). */
export const activateK8sNode = async (
  o: Orchestrator,
  node: SwarmNode,
  rebalance: string[],
  say: (l: string) => void,
): Promise<void> => {
  must(o, ["uncordon", node.id]);
  say(`${node.hostname}: schedulable again (uncordoned)`);
  for (const d of rebalance) {
    must(o, ["rollout", "restart", "-n", o.prefix, `deployment/${d}`]);
    must(o, ["rollout", "status", "-n", o.prefix, `deployment/${d}`, "--timeout=600s"], 630_000);
    say(`${d}: rebalanced`);
  }
};

/** Waits until a Deployment has an available pod again (after its only pod was evicted). */
export const waitAvailable = async (o: Orchestrator, deployment: string, seconds = 300): Promise<void> => {
  await waitUntil(
    `${deployment} available again`,
    () => {
      const r = runClient(o, [
        "get",
        "deployment",
        "-n",
        o.prefix,
        deployment,
        "-o",
        "jsonpath={.status.availableReplicas}",
      ]);
      return Number(r.stdout || "0") >= 1 ? { done: true } : { seen: r.ok ? "0 available" : r.message };
    },
    seconds,
  );
};
