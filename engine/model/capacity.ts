import type { PlannedNode } from "./topology";

/**
 * The capacity model. Anchors are the measurements published for a 2 GiB DEV1-S running Debian 10
 * (docs/reliability.md, "Sizing"): OS alone 70.9 MiB; Swarm 155 MiB; Swarm + Traefik + PluXml 209 MiB; k3s 619 MiB;
 * k3s + Traefik + PluXml 678 MiB. The workloads are recette's own images, measured idle on this
 * project's machine with `npm run bench` (docs/local.md, docs/kubernetes.md). Figures measured
 * nowhere are estimates and say so.
 */
export interface Figure {
  mib: number;
  source: "measured" | "estimate";
  note: string;
}

export type Orchestrator = "swarm" | "k3s";

export const OS: Figure = { mib: 70.9, source: "measured", note: "Debian 10 alone on a DEV1-S" };

export const ORCHESTRATOR: Record<"swarm" | "k3s-server" | "k3s-agent" | "kubernetes-local", Figure> = {
  swarm: { mib: 84.1, source: "measured", note: "Swarm 155 MiB minus the OS" },
  "k3s-server": { mib: 548.1, source: "measured", note: "k3s 619 MiB minus the OS" },
  "k3s-agent": {
    mib: 211,
    source: "measured",
    note:
      "an agent's processes on the local Kubernetes node: kubelet 97 + kube-proxy 59 + " +
      "containerd and shims 55 MiB (PSS; upstream v1.34, which k3s bundles in one process)",
  },
  "kubernetes-local": {
    mib: 711,
    source: "measured",
    note:
      "the local Kubernetes node (scripts/ensure-kubernetes, upstream v1.34, not k3s): " +
      "apiserver, etcd, controller-manager, scheduler, kubelet, kube-proxy, containerd (PSS)",
  },
};

/**
 * What a workload holds at idle, per orchestrator: the container on Swarm (docker stats, 2026-11-25),
 * the pod's working set on Kubernetes (2026-11-26), both with `npm run bench`. The article measured
 * Traefik + PluXml at 54 MiB on Swarm and 59 MiB on k3s; recette's images hold 51 and 78.
 */
export const WORKLOAD: Record<string, Record<Orchestrator, Figure>> = {
  traefik: {
    swarm: { mib: 36, source: "measured", note: "recette/traefik idle on Swarm" },
    k3s: { mib: 42, source: "measured", note: "recette/traefik pod idle" },
  },
  pluxml: {
    swarm: { mib: 15, source: "measured", note: "recette/pluxml (Apache prefork, 1-3 idle workers) on Swarm" },
    k3s: { mib: 36, source: "measured", note: "recette/pluxml pod idle" },
  },
  opensmtpd: {
    swarm: { mib: 12, source: "measured", note: "recette/opensmtpd idle on Swarm" },
    k3s: { mib: 13, source: "measured", note: "recette/opensmtpd pod idle" },
  },
  pebble: {
    swarm: { mib: 4, source: "measured", note: "Pebble (local test CA) on Swarm" },
    k3s: { mib: 9, source: "measured", note: "Pebble pod" },
  },
  service: {
    swarm: { mib: 32, source: "estimate", note: "a generic service without resources.memory" },
    k3s: { mib: 32, source: "estimate", note: "a generic service without resources.memory" },
  },
};

export const K3S_REFUSE_AT_MIB = 1024;
export const K3S_WARN_AT_MIB = 2048;

export interface Demand {
  /** Workload name, e.g. traefik, blog, relay. */
  name: string;
  /** Per replica, on each orchestrator. */
  mib: Record<Orchestrator, number>;
  source: Figure["source"];
  replicas: number;
  /** Node names the workload may run on; empty means any. */
  nodes: string[];
}

export interface NodeLoad {
  node: PlannedNode;
  os: number;
  orchestrator: number;
  workloads: { name: string; mib: number }[];
  headroom: number | undefined;
}

/** Places each replica on the allowed node with the most headroom (deterministic: ties go to the first node). */
export const placeDemands = (
  nodes: PlannedNode[],
  orchestrator: Orchestrator,
  demands: Demand[],
  /** The nodes are this machine (nodes.provider local): k3s there is the local Kubernetes node. */
  opts: { local?: boolean } = {},
): NodeLoad[] => {
  const loads: NodeLoad[] = nodes.map((node) => {
    const orch =
      orchestrator === "swarm"
        ? ORCHESTRATOR.swarm
        : opts.local
          ? ORCHESTRATOR["kubernetes-local"]
          : node.role === "manager"
            ? ORCHESTRATOR["k3s-server"]
            : ORCHESTRATOR["k3s-agent"];
    return { node, os: OS.mib, orchestrator: orch.mib, workloads: [], headroom: undefined };
  });
  const used = (l: NodeLoad) => l.os + l.orchestrator + l.workloads.reduce((s, w) => s + w.mib, 0);
  const free = (l: NodeLoad) => (l.node.memoryMiB ?? Number.MAX_SAFE_INTEGER) - used(l);
  for (const demand of demands) {
    const candidates = loads.filter((l) => demand.nodes.length === 0 || demand.nodes.includes(l.node.name));
    for (let r = 0; r < demand.replicas; r++) {
      const target = candidates.reduce<NodeLoad | undefined>(
        (best, l) => (!best || free(l) > free(best) ? l : best),
        undefined,
      );
      if (!target) break;
      target.workloads.push({ name: demand.name, mib: demand.mib[orchestrator] });
    }
  }
  for (const l of loads) l.headroom = l.node.memoryMiB === undefined ? undefined : l.node.memoryMiB - used(l);
  return loads;
};
