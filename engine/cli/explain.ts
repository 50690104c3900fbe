import { KERNELS } from "../../components/scaleway/kernels";
import { ORCHESTRATOR, OS, placeDemands, recipeDemands, WORKLOAD, type Model, type NodeLoad } from "../model";
import type { Run } from "./define";
import { printJson, withRecipe } from "./io";

const mib = (n: number | undefined) => (n === undefined ? "?" : `${Math.round(n)} MiB`);

export const renderTable = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
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
export const kernelNeeds = (r: Model): string[] => {
  const lines = [
    `VXLAN: required (${r.orchestrator.kind === "swarm" ? "overlay networks" : "flannel"}); ` +
      "checked by the preflight on every node",
  ];
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
    if (k) {
      const boot =
        k.boot.bootType === "local" ? `bootType local, image ${k.boot.image}` : `bootscript ${k.boot.bootscript}`;
      const yes = (b: boolean) => (b ? "yes" : "no");
      lines.push(`kernel ${k.key}: ${boot}; IPVS ${yes(k.features.ipvs)}, VXLAN ${yes(k.features.vxlan)}`);
    }
  }
  return lines;
};

const MEASURED_APPS = ["traefik", "pluxml", "opensmtpd"];

/** `explain --json`'s document (docs/cli.md): RAM in MiB, rounded; null where a node's RAM is unknown. */
export interface ExplainReport {
  recipe: string;
  orchestrator: string;
  provider: string;
  nodes: {
    name: string;
    role: string;
    memoryMiB: number | null;
    osMiB: number;
    orchestratorMiB: number;
    workloads: { name: string; mib: number }[];
    headroomMiB: number | null;
  }[];
  totalMiB: number;
  alternative: { orchestrator: string; totalMiB: number };
  estimates: string[];
  kernel: string[];
}

const round = (n: number | undefined) => (n === undefined ? null : Math.round(n));
const total = (ls: NodeLoad[]) =>
  ls.reduce((s, l) => s + l.os + l.orchestrator + l.workloads.reduce((a, w) => a + w.mib, 0), 0);

/** The predicted loads of the recipe's orchestrator and of the other one, for the table and --json. */
const loadsOf = (r: Model) => {
  const nodes = r.planned;
  const demands = recipeDemands(r);
  const local = { local: r.nodes.provider === "local" };
  const other = r.orchestrator.kind === "swarm" ? "k3s" : "swarm";
  return {
    loads: placeDemands(nodes, r.orchestrator.kind, demands, local),
    other,
    alt: placeDemands(nodes, other, demands, local),
    demands,
  };
};

export const explainReport = (r: Model): ExplainReport => {
  const { loads, other, alt, demands } = loadsOf(r);
  return {
    recipe: r.name,
    orchestrator: r.orchestrator.kind,
    provider: r.nodes.provider,
    nodes: loads.map((l) => ({
      name: l.node.name,
      role: l.node.role,
      memoryMiB: round(l.node.memoryMiB),
      osMiB: Math.round(l.os),
      orchestratorMiB: Math.round(l.orchestrator),
      workloads: l.workloads.map((w) => ({ name: w.name, mib: Math.round(w.mib) })),
      headroomMiB: round(l.headroom),
    })),
    totalMiB: Math.round(total(loads)),
    alternative: { orchestrator: other, totalMiB: Math.round(total(alt)) },
    estimates: [...new Set(demands.filter((d) => d.source === "estimate").map((d) => d.name))],
    kernel: kernelNeeds(r),
  };
};

export const explainRecipe = (r: Model): string => {
  const { loads, other, alt, demands } = loadsOf(r);
  const local = r.nodes.provider === "local";
  const estimates = demands.filter((d) => d.source === "estimate").map((d) => d.name);
  const type = r.nodes.provider === "scaleway" ? ` (${r.nodes.type})` : "";
  const measured = MEASURED_APPS.map((k) => `${k} ${WORKLOAD[k]!.swarm.mib} / ${WORKLOAD[k]!.k3s.mib} MiB`).join(", ");
  return [
    `recipe ${r.name}: ${r.orchestrator.kind} on ${r.nodes.provider}${type}`,
    "",
    renderTable(loadRows(loads)),
    "",
    `total: ${mib(total(loads))} with ${r.orchestrator.kind}; the same apps on ${other} would take ${mib(total(alt))}.`,
    `anchors (measured on a 2 GiB Scaleway DEV1-S running Debian 10; docs/reliability.md, "Sizing"): ` +
      `OS ${OS.mib} MiB, Swarm +${ORCHESTRATOR.swarm.mib} MiB, k3s server +${ORCHESTRATOR["k3s-server"].mib} MiB.`,
    `measured here (npm run bench, recette's images idle; Swarm / Kubernetes): ${measured}; ` +
      `a k3s agent ${ORCHESTRATOR["k3s-agent"].mib} MiB (kubelet, kube-proxy, containerd of the local node).`,
    ...(local
      ? [
          "k3s on this machine is the local Kubernetes node (upstream v1.34, not k3s): " +
            `${ORCHESTRATOR["kubernetes-local"].mib} MiB of cluster processes, measured.`,
        ]
      : []),
    ...(estimates.length ? [`estimates (not measured): ${[...new Set(estimates)].join(", ")}.`] : []),
    "",
    "kernel features:",
    ...kernelNeeds(r).map((l) => `  ${l}`),
  ].join("\n");
};

/** Exit 0 printed (the table, or --json's document), 1 invalid recipe (every problem on stderr). */
export const explainRun: Run = ({ args, opts }, io) =>
  withRecipe(args[0] ?? "", io, (loaded) =>
    opts.json === true ? printJson(io, explainReport(loaded.model)) : io.out(explainRecipe(loaded.model)),
  );
