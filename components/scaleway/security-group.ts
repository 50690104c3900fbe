/** Inbound rules: public 22/80/443, cluster ports only from the private network, everything else dropped. */
export interface InboundRule {
  action: "accept";
  protocol: "TCP" | "UDP";
  port: number;
  ipRange: string;
}

export const CLUSTER_PORTS: Record<"swarm" | "k3s", { protocol: "TCP" | "UDP"; port: number }[]> = {
  swarm: [
    { protocol: "TCP", port: 2377 },
    { protocol: "TCP", port: 7946 },
    { protocol: "UDP", port: 7946 },
    { protocol: "UDP", port: 4789 },
  ],
  k3s: [
    { protocol: "TCP", port: 6443 },
    { protocol: "UDP", port: 8472 },
    { protocol: "TCP", port: 10250 },
  ],
};

/**
 * `apiFrom` opens the k3s API (6443) to those CIDRs only (where `pulumi up` and kubectl run); with
 * none, the API answers only on the private network. Never the SSH range by default: SSH is usually
 * open to the world, the Kubernetes API must not be.
 */
export const renderInboundRules = (
  orchestrator: "swarm" | "k3s",
  sshFrom: string,
  privateCidr: string,
  apiFrom: string[] = [],
): InboundRule[] => [
  { action: "accept", protocol: "TCP", port: 22, ipRange: sshFrom },
  { action: "accept", protocol: "TCP", port: 80, ipRange: "0.0.0.0/0" },
  { action: "accept", protocol: "TCP", port: 443, ipRange: "0.0.0.0/0" },
  ...(orchestrator === "k3s"
    ? apiFrom.map((ipRange) => ({ action: "accept" as const, protocol: "TCP" as const, port: 6443, ipRange }))
    : []),
  ...CLUSTER_PORTS[orchestrator].map((p) => ({ action: "accept" as const, ...p, ipRange: privateCidr })),
];
