import { K3S_API, type NodePort, type OrchestratorKind, PEER_PORTS, SSH } from "../cluster-facts";

/** Inbound rules: public 22/80/443, cluster ports only from the private network, everything else dropped. */
export interface InboundRule {
  action: "accept";
  protocol: "TCP" | "UDP";
  port: number;
  ipRange: string;
}

/** A node port as a security group writes it (`TCP`, `UDP`). */
const asRule = (p: NodePort) => ({
  protocol: p.protocol === "tcp" ? ("TCP" as const) : ("UDP" as const),
  port: p.port,
});

/** The ports the nodes reach each other on (components/cluster-facts.ts PEER_PORTS), opened to the private network. */
export const CLUSTER_PORTS: Record<OrchestratorKind, { protocol: "TCP" | "UDP"; port: number }[]> = {
  swarm: PEER_PORTS.swarm.map(asRule),
  k3s: PEER_PORTS.k3s.map(asRule),
};

/**
 * `apiFrom` opens the k3s API (6443) to those CIDRs only (where `pulumi up` and kubectl run); with
 * none, the API answers only on the private network. Never the SSH range by default: SSH is usually
 * open to the world, the Kubernetes API must not be.
 */
export const renderInboundRules = (
  orchestrator: OrchestratorKind,
  sshFrom: string,
  privateCidr: string,
  apiFrom: string[] = [],
): InboundRule[] => [
  { action: "accept", protocol: "TCP", port: SSH.port, ipRange: sshFrom },
  { action: "accept", protocol: "TCP", port: 80, ipRange: "0.0.0.0/0" },
  { action: "accept", protocol: "TCP", port: 443, ipRange: "0.0.0.0/0" },
  ...(orchestrator === "k3s"
    ? apiFrom.map((ipRange) => ({ action: "accept" as const, ...asRule(K3S_API), ipRange }))
    : []),
  ...CLUSTER_PORTS[orchestrator].map((p) => ({ action: "accept" as const, ...p, ipRange: privateCidr })),
];
