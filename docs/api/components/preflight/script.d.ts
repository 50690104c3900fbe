/** What a node must offer before the orchestrator is bootstrapped. */
export interface PreflightChecks {
    node: string;
    orchestrator: "swarm" | "k3s";
    /** `required`: a node without IPVS fails the deployment; `fallback`: host publishing + dnsrr. */
    routingMesh: "required" | "fallback";
    /** MiB the capacity model needs on this node (OS excluded); less available fails the step. */
    requiredMiB: number;
    /** Docker Engine version pin, e.g. 20.10 (Swarm only). */
    dockerVersion?: string;
    /** The stack's overlay is encrypted (IPsec ESP between nodes): a node without ESP fails. Defaults to false. */
    encryptedOverlay?: boolean;
}
export interface PreflightReport {
    node: string;
    ipvs: boolean;
    vxlan: boolean;
    cgroup: string;
    memoryMiB: number;
    docker: string;
}
/** The message that names the node, the missing feature, the kernel fix and the recipe option. */
export declare const noIpvsMessage: (node: string) => string;
/** The message for an encrypted overlay on a kernel without IPsec ESP. */
export declare const noEspMessage: (node: string) => string;
/**
 * The ESP probe: adds and removes an IPsec state of Docker's kind (AES-GCM, transport mode) between two
 * documentation addresses (RFC 5737), which no traffic uses. The kernel refuses it without ESP.
 */
export declare const renderEspProbe: () => string[];
/**
 * A bash script that inspects the node and prints one JSON line (PreflightReport), or fails with
 * the reason. It changes nothing on the node except loading kernel modules that exist (and, for an
 * encrypted overlay, an IPsec state it adds and removes at once: renderEspProbe).
 */
export declare const renderPreflightScript: (c: PreflightChecks) => string;
/** Reads the script's JSON line; undefined when nothing is known yet (preview, mocks). */
export declare const parsePreflight: (stdout: string | undefined) => PreflightReport | undefined;
/**
 * Whether to use the routing mesh: the node's report when known, else what the kernel catalogue
 * promises (Scaleway), else what the recipe accepts.
 */
export declare const shouldUseMesh: (report: PreflightReport | undefined, expectedIpvs: boolean | undefined, routingMesh: "required" | "fallback") => boolean;
