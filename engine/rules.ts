import { findNodeType, NODE_TYPES } from "../components/scaleway/types";
import { validateKernel } from "../components/scaleway/kernels";
import { K3S_REFUSE_AT_MIB, K3S_WARN_AT_MIB } from "./capacity";
import { nodesFor } from "./demands";
import { formatPath } from "./load/problem";
import type { Recipe } from "./schema";
import { planNodes } from "./topology";

/** A cross-field finding; the loader turns its path into file:line:col. */
export interface Finding {
  path: PropertyKey[];
  message: string;
  severity: "error" | "warning";
}

type Rule = (recipe: Recipe) => Finding[];
const error = (path: PropertyKey[], message: string): Finding => ({ path, message, severity: "error" });
const warning = (path: PropertyKey[], message: string): Finding => ({ path, message, severity: "warning" });

const appEntries = (recipe: Recipe) =>
  recipe.apps.map((app, index) => {
    const [kind, spec] = Object.entries(app)[0] as [string, Record<string, unknown> & { name: string }];
    return { index, kind, spec };
  });

export const checkNodeType: Rule = (r) =>
  r.nodes.provider === "scaleway" && !findNodeType(r.nodes.type)
    ? [error(["nodes", "type"], `${JSON.stringify(r.nodes.type)} is not a known commercial type (known: ${NODE_TYPES.map((t) => t.type).join(", ")})`)]
    : [];

export const checkKernel: Rule = (r) => {
  if (r.nodes.provider !== "scaleway") return [];
  const why = validateKernel(r.nodes.kernel, r.orchestrator.kind);
  return why ? [error(["nodes", "kernel"], why)] : [];
};

export const checkSwarmQuorum: Rule = (r) => {
  if (r.orchestrator.kind !== "swarm") return [];
  const managers = planNodes(r.nodes).filter((n) => n.role === "manager").length;
  if (managers % 2 === 1) return [];
  const path = r.nodes.provider === "hosts" ? ["nodes", "hosts"] : ["nodes", "managers"];
  return [error(path, `${managers} Swarm managers cannot keep a Raft quorum through a failure (use an odd number: 1, 3 or 5)`)];
};

export const checkK3sQuorum: Rule = (r) => {
  if (r.orchestrator.kind !== "k3s") return [];
  const servers = planNodes(r.nodes).filter((n) => n.role === "manager").length;
  if (servers === 1 || servers % 2 === 1) return [];
  const path = r.nodes.provider === "hosts" ? ["nodes", "hosts"] : ["nodes", "managers"];
  return [error(path, `${servers} k3s servers cannot keep an etcd quorum through a failure (use 1, or 3 with embedded etcd)`)];
};

export const checkK3sMemory: Rule = (r) => {
  if (r.orchestrator.kind !== "k3s") return [];
  const path = r.nodes.provider === "scaleway" ? ["nodes", "type"] : r.nodes.provider === "hosts" ? ["nodes", "hosts"] : ["nodes"];
  return planNodes(r.nodes).flatMap((n) => {
    if (n.memoryMiB === undefined) return [];
    if (n.memoryMiB <= K3S_REFUSE_AT_MIB)
      return [error(path, `k3s needs more than ${K3S_REFUSE_AT_MIB} MiB: node ${n.name} has ${n.memoryMiB} MiB (k3s alone was measured at 619 MiB; use a 2 GiB+ type such as DEV1-M, or orchestrator kind: swarm)`)];
    if (n.memoryMiB <= K3S_WARN_AT_MIB)
      return [warning(path, `node ${n.name} has ${n.memoryMiB} MiB: k3s + Traefik + PluXml was measured at 678 MiB there (Swarm: 209 MiB); expect little headroom (see recette explain)`)];
    return [];
  });
};

export const checkAutoscale: Rule = (r) =>
  appEntries(r).flatMap(({ index, kind, spec }) => {
    const auto = spec.autoscale as { min: number; max: number } | undefined;
    if (!auto) return [];
    const path = ["apps", index, kind, "autoscale"];
    if (r.orchestrator.kind === "swarm")
      return [error(path, "Swarm has no autoscaling (scale by changing replicas, or use orchestrator kind: k3s, which creates a HorizontalPodAutoscaler)")];
    return auto.min > auto.max ? [error(path, `min (${auto.min}) is greater than max (${auto.max})`)] : [];
  });

export const checkTraefikReplicas: Rule = (r) => {
  const t = r.edge?.traefik;
  if (!t || t.acme.storage !== "file" || t.replicas === 1) return [];
  return [error(["edge", "traefik", "replicas"], `${t.replicas} replicas cannot share acme.json: Traefik's file storage allows one replica (set replicas: 1)`)];
};

export const checkAcmeCa: Rule = (r) => {
  const t = r.edge?.traefik;
  if (t?.acme.ca === "pebble" && r.nodes.provider !== "local")
    return [error(["edge", "traefik", "acme", "ca"], "the pebble test CA exists only with nodes.provider: local (use auto, staging or production)")];
  return [];
};

interface Claim {
  path: PropertyKey[];
  key: string;
  what: string;
}

const firstClaimWins = (claims: Claim[], explain: (c: Claim, first: Claim) => string): Finding[] => {
  const seen = new Map<string, Claim>();
  return claims.flatMap((c) => {
    const first = seen.get(c.key);
    if (!first) {
      seen.set(c.key, c);
      return [];
    }
    return [error(c.path, explain(c, first))];
  });
};

export const checkRoutes: Rule = (r) => {
  const claims: Claim[] = [];
  const dash = r.edge?.traefik.dashboard;
  if (dash) claims.push({ path: ["edge", "traefik", "dashboard", "host"], key: `${dash.host}/`, what: "the dashboard" });
  for (const { index, kind, spec } of appEntries(r)) {
    if (kind === "pluxml") claims.push({ path: ["apps", index, kind, "host"], key: `${spec.host as string}/`, what: spec.name });
    const routes = (spec.routes ?? []) as { host: string; path: string }[];
    routes.forEach((route, i) => claims.push({ path: ["apps", index, kind, "routes", i], key: `${route.host}${route.path}`, what: spec.name }));
  }
  const needsEdge = claims.length > 0 && !r.edge?.traefik;
  return [
    ...firstClaimWins(claims, (c, first) => `${c.key} is already routed to ${first.what} at ${formatPath(first.path)} (give each app its own host or path)`),
    ...(needsEdge ? [error(["apps"], "apps declare HTTP routes but there is no edge router (add edge.traefik)")] : []),
  ];
};

export const checkPorts: Rule = (r) => {
  const claims: Claim[] = [];
  if (r.edge?.traefik) {
    const { http, https } = r.edge.traefik.ports;
    claims.push({ path: ["edge", "traefik", "ports"], key: `tcp/${http}`, what: "traefik" }, { path: ["edge", "traefik", "ports"], key: `tcp/${https}`, what: "traefik" });
  }
  for (const { index, kind, spec } of appEntries(r)) {
    if (kind === "opensmtpd" && spec.publish) claims.push({ path: ["apps", index, kind, "publish"], key: `tcp/${String(spec.publish)}`, what: spec.name });
    const ports = (spec.ports ?? []) as { published: number; protocol: string }[];
    ports.forEach((p, i) => claims.push({ path: ["apps", index, kind, "ports", i, "published"], key: `${p.protocol}/${p.published}`, what: spec.name }));
  }
  return firstClaimWins(claims, (c, first) => `port ${c.key} is already published by ${first.what} (pick another published port)`);
};

export const checkNames: Rule = (r) =>
  firstClaimWins(
    appEntries(r).map(({ index, kind, spec }) => ({ path: ["apps", index, kind, "name"], key: spec.name, what: kind })),
    (c) => `two apps are named ${JSON.stringify(c.key)} (names must be unique: they derive physical names)`,
  ).concat(
    appEntries(r)
      .filter(({ spec }) => ["traefik", "pebble"].includes(spec.name))
      .map(({ index, kind }) => error(["apps", index, kind, "name"], "traefik and pebble are reserved names (choose another)")),
  );

export const checkMailLinks: Rule = (r) => {
  const relays = new Set(appEntries(r).filter((a) => a.kind === "opensmtpd").map((a) => a.spec.name));
  return appEntries(r).flatMap(({ index, kind, spec }) =>
    kind === "pluxml" && spec.mail && !relays.has(spec.mail as string)
      ? [error(["apps", index, kind, "mail"], `no opensmtpd app is named ${JSON.stringify(spec.mail)} (known: ${[...relays].join(", ") || "none; add one"})`)]
      : [],
  );
};

export const checkSmtp: Rule = (r) =>
  appEntries(r).flatMap(({ index, kind, spec }) => {
    if (kind !== "opensmtpd") return [];
    const path = ["apps", index, kind];
    if (spec.delivery === "smarthost" && !spec.smarthost)
      return [error([...path, "delivery"], "delivery smarthost needs a smarthost block (host, port, user, password: { secret: key }), or set delivery: direct | mailbox")];
    if (spec.delivery === "direct" && r.nodes.provider === "scaleway")
      return [warning([...path, "delivery"], "Scaleway blocks outbound SMTP (25, 465, 587) on new accounts: direct delivery silently loses mail until the account is verified and the security group opened (prefer a smarthost, e.g. Scaleway TEM on port 2587)")];
    return [];
  });

export const checkPlacement: Rule = (r) => {
  const nodes = planNodes(r.nodes);
  const names = new Set(nodes.map((n) => n.name));
  const unknownLabels = Object.keys(r.nodes.labels)
    .filter((n) => !names.has(n))
    .map((n) => error(["nodes", "labels", n], `no node is named ${JSON.stringify(n)} (nodes: ${[...names].join(", ")})`));
  const unplaceable = appEntries(r).flatMap(({ index, kind, spec }) => {
    const placement = spec.placement as { labels: Record<string, string>; role: "manager" | "worker" | "any" };
    return nodesFor(nodes, placement).length === 0
      ? [error(["apps", index, kind, "placement"], `no node matches this placement, so ${spec.name} would never start (set the labels in nodes.labels or relax it)`)]
      : [];
  });
  return [...unknownLabels, ...unplaceable];
};

export const checkHealth: Rule = (r) =>
  appEntries(r).flatMap(({ index, kind, spec }) => {
    const h = spec.health as { http?: string; command?: string[] } | undefined;
    if (h && h.http && h.command) return [error(["apps", index, kind, "health"], "give either http or command, not both")];
    if (h && h.http && ((spec.routes ?? []) as unknown[]).length === 0)
      return [error(["apps", index, kind, "health", "http"], "an http health check probes the first route's port: add a route or use command")];
    return [];
  });

export const RULES: readonly Rule[] = [
  checkNodeType,
  checkKernel,
  checkSwarmQuorum,
  checkK3sQuorum,
  checkK3sMemory,
  checkAutoscale,
  checkTraefikReplicas,
  checkAcmeCa,
  checkRoutes,
  checkPorts,
  checkNames,
  checkMailLinks,
  checkSmtp,
  checkPlacement,
  checkHealth,
];

export const validateRecipe = (recipe: Recipe): Finding[] => RULES.flatMap((rule) => rule(recipe));
