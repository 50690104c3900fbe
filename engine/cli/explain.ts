import { KERNELS } from "../../components/scaleway/kernels";
import { ORCHESTRATOR, OS, placeDemands, WORKLOAD, type NodeLoad } from "../capacity";
import { recipeDemands } from "../demands";
import type { Recipe } from "../schema";
import { planNodes } from "../topology";
import { withRecipe, type Io } from "./io";

export const summary = "print nodes, their RAM, the predicted RAM of the orchestrator and each workload, headroom and kernel needs";
export const usage = "recette explain <recipe.yaml>   e.g. recette explain recipes/blog.yaml";

const mib = (n: number | undefined) => (n === undefined ? "?" : `${Math.round(n)} MiB`);

export const renderTable = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n");
};

const loadRows = (loads: NodeLoad[]) => [
  ["node", "role", "RAM", "OS", "orchestrator", "workloads", "headroom"],
  ...loads.map((l) => [
    l.node.name,
    l.node.role,
    mib(l.node.memoryMiB),
    mib(l.os),
    mib(l.orchestrator),
    l.workloads.map((w) => `${w.name} ${Math.round(w.mib)}`).join(", ") || "-",
    mib(l.headroom),
  ]),
];

/** Kernel features the recipe needs, and how they are proven. */
export const kernelNeeds = (r: Recipe): string[] => {
  const lines = [`VXLAN: required (${r.orchestrator.kind === "swarm" ? "overlay networks" : "flannel"}); checked by the preflight on every node`];
  if (r.orchestrator.kind === "swarm") {
    lines.push(
      r.orchestrator.routingMesh === "required"
        ? "IPVS: required (routing mesh: ingress publishing and service VIPs); a node without it fails the deployment"
        : "IPVS: optional (routingMesh: fallback); without it services use host-mode publishing and dnsrr endpoints",
    );
  }
  const n = r.nodes;
  if (n.provider === "scaleway") {
    const k = KERNELS.find((e) => e.key === n.kernel);
    if (k) lines.push(`kernel ${k.key}: ${k.boot.bootType === "local" ? `bootType local, image ${k.boot.image}` : `bootscript ${k.boot.bootscript}`}; IPVS ${k.features.ipvs ? "yes" : "no"}, VXLAN ${k.features.vxlan ? "yes" : "no"}`);
  }
  return lines;
};

const MEASURED_APPS = ["traefik", "pluxml", "opensmtpd"];

export const explainRecipe = (r: Recipe): string => {
  const nodes = planNodes(r.nodes);
  const demands = recipeDemands(r, nodes);
  const local = { local: r.nodes.provider === "local" };
  const loads = placeDemands(nodes, r.orchestrator.kind, demands, local);
  const other = r.orchestrator.kind === "swarm" ? "k3s" : "swarm";
  const alt = placeDemands(nodes, other, demands, local);
  const total = (ls: NodeLoad[]) => ls.reduce((s, l) => s + l.os + l.orchestrator + l.workloads.reduce((a, w) => a + w.mib, 0), 0);
  const estimates = demands.filter((d) => d.source === "estimate").map((d) => d.name);
  return [
    `recipe ${r.name}: ${r.orchestrator.kind} on ${r.nodes.provider}${r.nodes.provider === "scaleway" ? ` (${r.nodes.type})` : ""}`,
    "",
    renderTable(loadRows(loads)),
    "",
    `total: ${mib(total(loads))} with ${r.orchestrator.kind}; the same apps on ${other} would take ${mib(total(alt))}.`,
    `anchors (measured on a 2 GiB Scaleway DEV1-S running Debian 10; docs/reliability.md, "Sizing"): ` +
      `OS ${OS.mib} MiB, Swarm +${ORCHESTRATOR.swarm.mib} MiB, k3s server +${ORCHESTRATOR["k3s-server"].mib} MiB.`,
    `measured here (npm run bench, recette's images idle; Swarm / Kubernetes): ${MEASURED_APPS.map((k) => `${k} ${WORKLOAD[k]!.swarm.mib} / ${WORKLOAD[k]!.k3s.mib} MiB`).join(", ")}; a k3s agent ${ORCHESTRATOR["k3s-agent"].mib} MiB (kubelet, kube-proxy, containerd of the local node).`,
    ...(local.local ? [`k3s on this machine is the local Kubernetes node (upstream v1.34, not k3s): ${ORCHESTRATOR["kubernetes-local"].mib} MiB of cluster processes, measured.`] : []),
    ...(estimates.length ? [`estimates (not measured): ${[...new Set(estimates)].join(", ")}.`] : []),
    "",
    "kernel features:",
    ...kernelNeeds(r).map((l) => `  ${l}`),
  ].join("\n");
};

export const explainCommand = (args: string[], io: Io): number =>
  withRecipe(args, usage, io, (loaded) => io.out(explainRecipe(loaded.recipe)));
