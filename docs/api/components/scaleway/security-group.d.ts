import { type OrchestratorKind } from "../cluster-facts";
/** Inbound rules: public 22/80/443, cluster ports only from the private network, everything else dropped. */
export interface InboundRule {
    action: "accept";
    protocol: "TCP" | "UDP";
    port: number;
    ipRange: string;
}
/** The ports the nodes reach each other on (components/cluster-facts.ts PEER_PORTS), opened to the private network. */
export declare const CLUSTER_PORTS: Record<OrchestratorKind, {
    protocol: "TCP" | "UDP";
    port: number;
}[]>;
/**
 * `apiFrom` opens the k3s API (6443) to those CIDRs only (where `pulumi up` and kubectl run); with
 * none, the API answers only on the private network. Never the SSH range by default: SSH is usually
 * open to the world, the Kubernetes API must not be.
 */
export declare const renderInboundRules: (orchestrator: OrchestratorKind, sshFrom: string, privateCidr: string, apiFrom?: string[]) => InboundRule[];
