import { K3S_API, NODE_RANGES, type OrchestratorKind } from "../../../components/cluster-facts";
import { validateK3sTopology } from "../../../components/k3s/validate";
import { validateKernel } from "../../../components/scaleway/kernels";
import { findNodeType, NODE_TYPES } from "../../../components/scaleway/types";
import { validateSwarmNodes } from "../../../components/swarm/validate";
import { formatPath } from "../../load/problem";
import { cidrsOverlap } from "../../schema/formats";
import { K3S_REFUSE_AT_MIB, K3S_WARN_AT_MIB } from "../capacity";
import { type Model, usesPebble } from "../model";
import { error, firstClaimWins, warning, type Rule } from "./finding";

export const checkNodeType: Rule = ({ nodes }) =>
  nodes.provider === "scaleway" && !findNodeType(nodes.type)
    ? [
        error(
          ["nodes", "type"],
          `${JSON.stringify(nodes.type)} is not a known commercial type ` +
            `(known: ${NODE_TYPES.map((t) => t.type).join(", ")})`,
        ),
      ]
    : [];

export const checkKernel: Rule = ({ nodes, orchestrator }) => {
  if (nodes.provider !== "scaleway") return [];
  const why = validateKernel(nodes.kernel, orchestrator.kind);
  return why ? [error(["nodes", "kernel"], why)] : [];
};

/** Where the recipe says how many managers (k3s servers) there are. */
const managersPath = (m: Model): PropertyKey[] =>
  m.nodes.provider === "hosts" ? ["nodes", "hosts"] : ["nodes", "managers"];

/** The Swarm component's own check (components/swarm/validate.ts), located in the recipe. */
export const checkSwarmQuorum: Rule = (m) =>
  m.orchestrator.kind !== "swarm" ? [] : validateSwarmNodes(m.planned).map((p) => error(managersPath(m), p.reason));

/** The k3s component's own check (components/k3s/validate.ts), located in the recipe. */
export const checkK3sTopology: Rule = (m) => {
  const o = m.orchestrator;
  if (o.kind !== "k3s") return [];
  const datastorePath = o.datastore ? ["orchestrator", "datastore"] : managersPath(m);
  return validateK3sTopology({ nodes: m.planned, ...(o.datastore ? { datastore: o.datastore } : {}) }).map((p) =>
    error(p.propertyPath === "datastore" ? datastorePath : managersPath(m), p.reason),
  );
};

export const checkK3sMemory: Rule = (m) => {
  if (m.orchestrator.kind !== "k3s") return [];
  const provider = m.nodes.provider;
  const path = provider === "scaleway" ? ["nodes", "type"] : provider === "hosts" ? ["nodes", "hosts"] : ["nodes"];
  return m.planned.flatMap((n) => {
    if (n.memoryMiB === undefined) return [];
    if (n.memoryMiB <= K3S_REFUSE_AT_MIB)
      return [
        error(
          path,
          `k3s needs more than ${K3S_REFUSE_AT_MIB} MiB: node ${n.name} has ${n.memoryMiB} MiB ` +
            "(k3s alone was measured " +
            "at 619 MiB; use a 2 GiB+ type such as DEV1-M, or orchestrator kind: swarm)",
        ),
      ];
    if (n.memoryMiB <= K3S_WARN_AT_MIB)
      return [
        warning(
          path,
          `node ${n.name} has ${n.memoryMiB} MiB: k3s + Traefik + PluXml was measured at 678 MiB there ` +
            "(Swarm: 209 MiB); expect little headroom (see recette explain)",
        ),
      ];
    return [];
  });
};

/**
 * Address ranges the orchestrator uses on every node (components/cluster-facts.ts); the private network
 * must not overlap them. `10.42.0.0/16` → "the k3s pod network".
 */
export const CLUSTER_RANGES: Record<OrchestratorKind, Record<string, string>> = {
  swarm: Object.fromEntries(NODE_RANGES.swarm.map((r) => [r.cidr, r.what])),
  k3s: Object.fromEntries(NODE_RANGES.k3s.map((r) => [r.cidr, r.what])),
};

export const checkPrivateNetwork: Rule = ({ nodes, orchestrator }) => {
  if (nodes.provider !== "scaleway") return [];
  const net = nodes.privateNetwork;
  return Object.entries(CLUSTER_RANGES[orchestrator.kind])
    .filter(([range]) => cidrsOverlap(net, range))
    .map(([range, what]) =>
      error(
        ["nodes", "privateNetwork"],
        `${net} overlaps ${range}, ${what} (pick a private range outside it, e.g. 172.16.16.0/24)`,
      ),
    );
};

export const checkApiExposure: Rule = ({ nodes, orchestrator }) => {
  if (nodes.provider !== "scaleway") return [];
  const allow = nodes.apiAllowFrom;
  if (orchestrator.kind !== "k3s")
    return allow.length
      ? [
          error(
            ["nodes", "apiAllowFrom"],
            "only k3s has an API to open (remove apiAllowFrom, or use orchestrator kind: k3s)",
          ),
        ]
      : [];
  if (allow.length === 0)
    return [
      error(
        ["nodes", "apiAllowFrom"],
        `k3s on Scaleway needs the CIDRs allowed to reach the Kubernetes API on ${K3S_API.port}, ` +
          "i.e. where pulumi up runs (e.g. apiAllowFrom: " +
          "[203.0.113.7/32]); it is never opened to the internet by default",
      ),
    ];
  return allow.flatMap((c, i) =>
    c === "0.0.0.0/0"
      ? [
          warning(
            ["nodes", "apiAllowFrom", i],
            "0.0.0.0/0 exposes the Kubernetes API to the whole internet (list the addresses pulumi up runs from)",
          ),
        ]
      : [],
  );
};

export const checkNodes: Rule = ({ nodes }) => {
  if (nodes.provider !== "hosts") return [];
  const hosts = nodes.hosts;
  return [
    ...firstClaimWins(
      hosts.map((h, i) => ({ path: ["nodes", "hosts", i, "name"], key: h.name, what: h.name })),
      (c, first) =>
        `two hosts are named ${JSON.stringify(c.key)} ` +
        `(the other is ${formatPath(first.path)}; node names must be unique)`,
    ),
    ...firstClaimWins(
      hosts.map((h, i) => ({ path: ["nodes", "hosts", i, "address"], key: `${h.address}:${h.port}`, what: h.name })),
      (c, first) => `${c.key} is already host ${first.what} (each host is listed once)`,
    ),
  ];
};

export const checkAcmeCa: Rule = ({ edge, nodes }) =>
  // Pebble runs as a service of the stack itself: fine on this machine and on the lab's hosts, never
  // on cloud nodes that face real clients.
  edge && usesPebble(edge.traefik) && nodes.provider === "scaleway"
    ? [
        error(
          ["edge", "traefik", "acme", "ca"],
          "the pebble test CA exists only with nodes.provider: local or hosts (use auto, staging or production)",
        ),
      ]
    : [];
