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
  boot: { bootType: "local"; image: string } | { bootType: "bootscript"; bootscript: string };
  features: KernelFeatures;
  /** `good`: proven; `bad`: refused for Swarm; `retired`: the provider no longer accepts it. */
  status: "good" | "bad" | "retired";
  /** Why the entry has this status; printed in errors and in docs/kernels.md. */
  note: string;
}

export const KERNELS: readonly KernelEntry[] = [
  {
    key: "default",
    boot: { bootType: "local", image: "debian_bookworm" },
    features: { ipvs: true, vxlan: true },
    status: "good",
    note:
      "Boots Debian 12's own kernel (6.1, ip_vs and vxlan modules built " +
      "in the distribution kernel); the preflight proves it on each node.",
  },
  {
    key: "debian-bullseye",
    boot: { bootType: "local", image: "debian_bullseye" },
    features: { ipvs: true, vxlan: true },
    status: "good",
    note: "Boots Debian 11's own kernel (5.10); ip_vs and vxlan are modules of the distribution kernel.",
  },
  {
    key: "x86_64 mainline 4.14.23 rev1",
    boot: { bootType: "bootscript", bootscript: "x86_64 mainline 4.14.23 rev1" },
    features: { ipvs: true, vxlan: true },
    status: "retired",
    note:
      "Known good for Swarm in 2018 (published ports answered), but " +
      "Scaleway retired bootscripts: use `default` (bootType local).",
  },
  {
    key: "x86_64 4.10.8 std #1",
    boot: { bootType: "bootscript", bootscript: "x86_64 4.10.8 std #1" },
    features: { ipvs: false, vxlan: true },
    status: "bad",
    note:
      "Swarm services converge but published ports refuse connections: " +
      "the kernel has no IPVS, so the routing mesh cannot work.",
  },
  {
    key: "x86_64 4.10.8 docker #1",
    boot: { bootType: "bootscript", bootscript: "x86_64 4.10.8 docker #1" },
    features: { ipvs: false, vxlan: true },
    status: "bad",
    note: "Despite its name, published Swarm ports refuse connections on it: no IPVS for the routing mesh.",
  },
];

export const findKernel = (key: string): KernelEntry | undefined => KERNELS.find((k) => k.key === key);

export const kernelKeys = (): string[] => KERNELS.map((k) => k.key);

/** Why a kernel cannot serve an orchestrator, or undefined when it can. */
export const validateKernel = (key: string, orchestrator: "swarm" | "k3s"): string | undefined => {
  const entry = findKernel(key);
  if (!entry) {
    return (
      `${JSON.stringify(key)} is not in the kernel catalogue ` +
      `(known: ${kernelKeys().join(", ")}; see docs/kernels.md)`
    );
  }
  if (entry.status === "bad" && orchestrator === "swarm") {
    return (
      `${JSON.stringify(key)} is known bad for Swarm: ${entry.note.replace(/\.$/, "")} ` +
      "(use kernel: default, which boots the image's own kernel)"
    );
  }
  if (entry.status === "retired" || entry.boot.bootType === "bootscript") {
    return `${JSON.stringify(key)} is a retired Scaleway bootscript: ${entry.note.replace(/\.$/, "")}`;
  }
  if (!entry.features.vxlan) {
    return (
      `${JSON.stringify(key)} has no VXLAN, which ` +
      `${orchestrator === "swarm" ? "overlay networks" : "flannel"} need (use kernel: default)`
    );
  }
  return undefined;
};
