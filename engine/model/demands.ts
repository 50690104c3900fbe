import { parseSizeMiB } from "../schema";
import { WORKLOAD, type Demand } from "./capacity";
import { type Model, usesPebble } from "./model";
import type { PlannedNode } from "./topology";

type Placement = { labels: Record<string, string>; role: "manager" | "worker" | "any" };

/** Nodes that satisfy a placement (labels and role). Empty when none does. */
export const nodesFor = (nodes: PlannedNode[], placement: Placement): PlannedNode[] =>
  nodes.filter(
    (n) =>
      (placement.role === "any" || n.role === placement.role) &&
      Object.entries(placement.labels).every(([k, v]) => n.labels[k] === v),
  );

/** A workload's figure on each orchestrator: its resources.memory when the recipe gives one (both). */
const figure = (kind: string, memory: string | undefined): Pick<Demand, "mib" | "source"> => {
  if (memory) return { mib: { swarm: parseSizeMiB(memory), k3s: parseSizeMiB(memory) }, source: "measured" };
  const f = WORKLOAD[kind] ?? WORKLOAD.service!;
  return { mib: { swarm: f.swarm.mib, k3s: f.k3s.mib }, source: f.swarm.source };
};

/** What each workload of the recipe asks of the nodes, for the capacity model. */
export const recipeDemands = (model: Model): Demand[] => {
  const out: Demand[] = [];
  const nodes = model.planned;
  const traefik = model.edge?.traefik;
  if (traefik) {
    const managers =
      model.orchestrator.kind === "swarm" ? nodes.filter((n) => n.role === "manager").map((n) => n.name) : [];
    out.push({ name: "traefik", ...figure("traefik", undefined), replicas: traefik.replicas, nodes: managers });
    if (usesPebble(traefik)) out.push({ name: "pebble", ...figure("pebble", undefined), replicas: 1, nodes: [] });
  }
  for (const { kind, name, spec } of model.apps) {
    const allowed = nodesFor(nodes, spec.placement).map((n) => n.name);
    out.push({ name, ...figure(kind, spec.resources.memory), replicas: spec.replicas, nodes: allowed });
  }
  return out;
};
