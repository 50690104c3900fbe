/**
 * The kernel catalogue: how a Scaleway node boots, and what its kernel can do for an orchestrator.
 *
 * The story (docs/kernels.md, "the kernel lesson"): Swarm services published with `--publish 80:80` converged
 * but refused connections on instances booted with the `x86_64 4.10.8 std #1` / `docker #1` bootscripts,
 * and worked with `x86_64 mainline 4.14.23 rev1`. The routing mesh needs IPVS (and VXLAN for overlays).
 * Scaleway has since retired bootscripts: `bootType: local` boots the image's own kernel, which is the
 * default here. Legacy entries are kept so a recipe that names one gets the reason, not a silent failure.
 */
export interface KernelFeatures {
    /** IP Virtual Server: Swarm's routing mesh (ingress publishing, service VIPs) needs it. */
    ipvs: boolean;
    /** VXLAN: Swarm overlay networks and k3s flannel need it. */
    vxlan: boolean;
}
export interface KernelEntry {
    /** Catalogue key, written in the recipe as `nodes.kernel`. */
    key: string;
    /** How Scaleway boots the instance. */
    boot: {
        bootType: "local";
        image: string;
    } | {
        bootType: "bootscript";
        bootscript: string;
    };
    features: KernelFeatures;
    /** `good`: proven; `bad`: refused for Swarm; `retired`: the provider no longer accepts it. */
    status: "good" | "bad" | "retired";
    /** Why the entry has this status; printed in errors and in docs/kernels.md. */
    note: string;
}
export declare const KERNELS: readonly KernelEntry[];
export declare const findKernel: (key: string) => KernelEntry | undefined;
export declare const kernelKeys: () => string[];
/** Why a kernel cannot serve an orchestrator, or undefined when it can. */
export declare const validateKernel: (key: string, orchestrator: "swarm" | "k3s") => string | undefined;
