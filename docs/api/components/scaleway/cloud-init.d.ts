export interface CloudInitArgs {
    orchestrator: "swarm" | "k3s";
    /** Docker Engine version pin (Swarm), e.g. 20.10: Debian's docker.io at that version. */
    dockerVersion?: string;
    hostname: string;
}
/** Kernel modules the orchestrators need loaded at boot (IPVS for the routing mesh, VXLAN for overlays). */
export declare const KERNEL_MODULES: string[];
/** The node bootstrap script cloud-init runs once; shellcheck checks it in the tests. */
export declare const renderBootstrapScript: (a: CloudInitArgs) => string;
/** The #cloud-config document for a Scaleway node. */
export declare const renderCloudInit: (a: CloudInitArgs) => string;
