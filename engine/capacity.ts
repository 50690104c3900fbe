import type { PlannedNode } from "./topology";

/**
 * The capacity model. Anchors are the article's measurements on a 2 GiB DEV1-S running Debian 10
 * (MISSION.md §4): OS alone 70.9 MiB; Swarm 155 MiB; Swarm + Traefik + PluXml 209 MiB; k3s 619 MiB;
 * k3s + Traefik + PluXml 678 MiB. Figures not measured there are estimates and say so.
 */
export interface Figure {
  mib: number;
  source: "measured" | "estimate";
  note: string;
}

export const OS: Figure = { mib: 70.9, source: "measured", note: "Debian 10 alone on a DEV1-S" };

export const ORCHESTRATOR: Record<"swarm" | "k3s-server" | "k3s-agent", Figure> = {
  swarm: { mib: 84.1, source: "measured", note: "Swarm 155 MiB minus the OS" },
  "k3s-server": { mib: 548.1, source: "measured", note: "k3s 619 MiB minus the OS" },
  "k3s-agent": { mib: 275, source: "estimate", note: "k3s agent without the control plane" },
};

/** Traefik + PluXml measured together (54 MiB on Swarm, 59 MiB on k3s); the split between them is ours. */
export const WORKLOAD: Record<string, Figure> = {
  traefik: { mib: 30, source: "estimate", note: "share of the measured 54 MiB (Traefik + PluXml on Swarm)" },
  pluxml: { mib: 24, source: "estimate", note: "share of the measured 54 MiB (Traefik + PluXml on Swarm)" },
  opensmtpd: { mib: 10, source: "estimate", note: "smtpd idle, not measured in the article" },
  pebble: { mib: 20, source: "estimate", note: "local test CA" },
  service: { mib: 32, source: "estimate", note: "a generic service without resources.memory" },
};

/** Extra per-workload overhead on k3s (59 MiB measured vs 54 on Swarm), spread over the two measured workloads. */
export const K3S_WORKLOAD_OVERHEAD_MIB = 2.5;

export const K3S_REFUSE_AT_MIB = 1024;
export const K3S_WARN_AT_MIB = 2048;

export interface Demand {
  /** Workload name, e.g. traefik, blog, relay. */
  name: string;
  mib: number;
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
  orchestrator: "swarm" | "k3s",
  demands: Demand[],
): NodeLoad[] => {
  const loads: NodeLoad[] = nodes.map((node) => {
    const orch =
      orchestrator === "swarm" ? ORCHESTRATOR.swarm : node.role === "manager" ? ORCHESTRATOR["k3s-server"] : ORCHESTRATOR["k3s-agent"];
    return { node, os: OS.mib, orchestrator: orch.mib, workloads: [], headroom: undefined };
  });
  const used = (l: NodeLoad) => l.os + l.orchestrator + l.workloads.reduce((s, w) => s + w.mib, 0);
  const free = (l: NodeLoad) => (l.node.memoryMiB ?? Number.MAX_SAFE_INTEGER) - used(l);
  for (const demand of demands) {
    const candidates = loads.filter((l) => demand.nodes.length === 0 || demand.nodes.includes(l.node.name));
    for (let r = 0; r < demand.replicas; r++) {
      const target = candidates.reduce<NodeLoad | undefined>((best, l) => (!best || free(l) > free(best) ? l : best), undefined);
      if (!target) break;
      const mib = demand.mib + (orchestrator === "k3s" ? K3S_WORKLOAD_OVERHEAD_MIB : 0);
      target.workloads.push({ name: demand.name, mib });
    }
  }
  for (const l of loads) l.headroom = l.node.memoryMiB === undefined ? undefined : l.node.memoryMiB - used(l);
  return loads;
};
