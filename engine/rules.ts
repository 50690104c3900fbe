import { findNodeType, NODE_TYPES } from "../components/scaleway/types";
import { validateKernel } from "../components/scaleway/kernels";
import { K3S_REFUSE_AT_MIB, K3S_WARN_AT_MIB } from "./capacity";
import { nodesFor } from "./demands";
import { formatPath } from "./load/problem";
import { validateK3sTopology } from "../components/k3s/validate";
import { childName, cleanName } from "../components/naming";
import { checkCaCertificate } from "../components/opensmtpd/config";
import { validateRelayDelivery } from "../components/opensmtpd/validate";
import { validateSwarmNodes } from "../components/swarm/validate";
import { validateTraefikReplicas } from "../components/traefik/validate";
import type { Recipe } from "./schema";
import { cidrsOverlap, parseSizeMiB } from "./schema/formats";
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

/** Where the recipe says how many managers (k3s servers) there are. */
const managersPath = (r: Recipe): PropertyKey[] => (r.nodes.provider === "hosts" ? ["nodes", "hosts"] : ["nodes", "managers"]);

/** The Swarm component's own check (components/swarm/validate.ts), located in the recipe. */
export const checkSwarmQuorum: Rule = (r) =>
  r.orchestrator.kind !== "swarm" ? [] : validateSwarmNodes(planNodes(r.nodes)).map((p) => error(managersPath(r), p.reason));

/** The k3s component's own check (components/k3s/validate.ts), located in the recipe. */
export const checkK3sTopology: Rule = (r) => {
  const o = r.orchestrator;
  if (o.kind !== "k3s") return [];
  return validateK3sTopology({ nodes: planNodes(r.nodes), ...(o.datastore ? { datastore: o.datastore } : {}) }).map((p) =>
    error(p.propertyPath === "datastore" ? (o.datastore ? ["orchestrator", "datastore"] : managersPath(r)) : managersPath(r), p.reason),
  );
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

/** The Traefik component's own check (components/traefik/validate.ts), located in the recipe. */
export const checkTraefikReplicas: Rule = (r) => {
  const t = r.edge?.traefik;
  if (!t) return [];
  return validateTraefikReplicas({ replicas: t.replicas }).map((p) => error(["edge", "traefik", p.propertyPath], p.reason));
};

export const checkAcmeCa: Rule = (r) => {
  const t = r.edge?.traefik;
  // Pebble runs as a service of the stack itself: fine on this machine and on the lab's hosts, never
  // on cloud nodes that face real clients.
  if (t?.acme.ca === "pebble" && r.nodes.provider === "scaleway")
    return [error(["edge", "traefik", "acme", "ca"], "the pebble test CA exists only with nodes.provider: local or hosts (use auto, staging or production)")];
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

/** Every port a recipe publishes on the nodes, where it says so, and who publishes it. */
const publishedPorts = (r: Recipe): Claim[] => {
  const claims: Claim[] = [];
  const t = r.edge?.traefik;
  if (t)
    claims.push(
      { path: ["edge", "traefik", "ports", "http"], key: `tcp/${t.ports.http}`, what: "traefik" },
      { path: ["edge", "traefik", "ports", "https"], key: `tcp/${t.ports.https}`, what: "traefik" },
    );
  for (const { index, kind, spec } of appEntries(r)) {
    if (kind === "opensmtpd" && spec.publish) claims.push({ path: ["apps", index, kind, "publish"], key: `tcp/${String(spec.publish)}`, what: spec.name });
    ((spec.ports ?? []) as { published: number; protocol: string }[]).forEach((p, i) =>
      claims.push({ path: ["apps", index, kind, "ports", i, "published"], key: `${p.protocol}/${p.published}`, what: spec.name }),
    );
  }
  return claims;
};

export const checkPorts: Rule = (r) =>
  firstClaimWins(publishedPorts(r), (c, first) => `port ${c.key} is already published by ${first.what} (pick another published port)`);

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
    const relay = spec as unknown as Parameters<typeof validateRelayDelivery>[0];
    const problems = validateRelayDelivery(relay).map((p) => error([...path, p.propertyPath], p.reason));
    if (problems.length) return problems;
    // A CA written in the recipe is checked here, at its line; one from the stack config when it is read.
    const ca = (spec as { smarthost?: { caCertificate?: unknown } }).smarthost?.caCertificate;
    if (typeof ca === "string") {
      try {
        checkCaCertificate(ca);
      } catch (e) {
        return [error([...path, "smarthost", "caCertificate"], (e as Error).message.replace(/^recette: /, ""))];
      }
    }
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
    if (h && !h.http && !h.command)
      return [error(["apps", index, kind, "health"], "a health check needs http (a path probed on the first route's port) or command (an argument list run in the container)")];
    if (h && h.http && ((spec.routes ?? []) as unknown[]).length === 0)
      return [error(["apps", index, kind, "health", "http"], "an http health check probes the first route's port: add a route or use command")];
    return [];
  });

export const checkMemory: Rule = (r) =>
  appEntries(r).flatMap(({ index, kind, spec }) => {
    const res = spec.resources as { memory?: string; reserveMemory?: string };
    if (!res.memory || !res.reserveMemory || parseSizeMiB(res.reserveMemory) <= parseSizeMiB(res.memory)) return [];
    return [error(["apps", index, kind, "resources", "reserveMemory"], `${res.reserveMemory} reserved is more than the ${res.memory} limit (reserve at most the limit)`)];
  });

/** Ports the nodes themselves listen on: a published service there would break SSH or the cluster. */
export const RESERVED_PORTS: Record<"swarm" | "k3s", Record<string, string>> = {
  swarm: { "tcp/22": "SSH", "tcp/2377": "Swarm's cluster management", "tcp/7946": "Swarm's node gossip", "udp/7946": "Swarm's node gossip", "udp/4789": "Swarm's overlay (VXLAN)" },
  k3s: {
    "tcp/22": "SSH",
    "tcp/6443": "the Kubernetes API",
    "tcp/10250": "the kubelet",
    "udp/8472": "flannel's VXLAN",
    "tcp/2379": "etcd",
    "tcp/2380": "etcd",
  },
};

export const checkReservedPorts: Rule = (r) => {
  const reserved = { ...RESERVED_PORTS[r.orchestrator.kind] };
  const where = Object.fromEntries(Object.entries(reserved).map(([k, v]) => [k, `${v} on the nodes`]));
  if (r.nodes.provider === "hosts") for (const h of r.nodes.hosts) where[`tcp/${h.port}`] ??= `SSH on host ${h.name}`;
  return publishedPorts(r).filter((c) => where[c.key]).map((c) => error(c.path, `port ${c.key} is ${where[c.key]} (pick another published port)`));
};

/** Address ranges the orchestrator uses on every node; the private network must not overlap them. */
export const CLUSTER_RANGES: Record<"swarm" | "k3s", Record<string, string>> = {
  swarm: {
    "10.128.0.0/10": "recette's per-stack overlay subnets",
    "10.0.0.0/24": "Swarm's ingress network",
    "172.17.0.0/16": "Docker's bridge",
    "172.18.0.0/16": "Swarm's docker_gwbridge",
  },
  k3s: { "10.42.0.0/16": "the k3s pod network", "10.43.0.0/16": "the k3s service network" },
};

export const checkPrivateNetwork: Rule = (r) => {
  if (r.nodes.provider !== "scaleway") return [];
  const net = r.nodes.privateNetwork;
  return Object.entries(CLUSTER_RANGES[r.orchestrator.kind])
    .filter(([range]) => cidrsOverlap(net, range))
    .map(([range, what]) => error(["nodes", "privateNetwork"], `${net} overlaps ${range}, ${what} (pick a private range outside it, e.g. 172.16.16.0/24)`));
};

export const checkApiExposure: Rule = (r) => {
  if (r.nodes.provider !== "scaleway") return [];
  const allow = r.nodes.apiAllowFrom;
  if (r.orchestrator.kind !== "k3s")
    return allow.length ? [error(["nodes", "apiAllowFrom"], "only k3s has an API to open (remove apiAllowFrom, or use orchestrator kind: k3s)")] : [];
  if (allow.length === 0)
    return [
      error(
        ["nodes", "apiAllowFrom"],
        "k3s on Scaleway needs the CIDRs allowed to reach the Kubernetes API on 6443, i.e. where pulumi up runs (e.g. apiAllowFrom: [203.0.113.7/32]); it is never opened to the internet by default",
      ),
    ];
  return allow.flatMap((c, i) =>
    c === "0.0.0.0/0" ? [warning(["nodes", "apiAllowFrom", i], "0.0.0.0/0 exposes the Kubernetes API to the whole internet (list the addresses pulumi up runs from)")] : [],
  );
};

export const checkNodes: Rule = (r) => {
  if (r.nodes.provider !== "hosts") return [];
  const hosts = r.nodes.hosts;
  return [
    ...firstClaimWins(
      hosts.map((h, i) => ({ path: ["nodes", "hosts", i, "name"], key: h.name, what: h.name })),
      (c, first) => `two hosts are named ${JSON.stringify(c.key)} (the other is ${formatPath(first.path)}; node names must be unique)`,
    ),
    ...firstClaimWins(
      hosts.map((h, i) => ({ path: ["nodes", "hosts", i, "address"], key: `${h.address}:${h.port}`, what: h.name })),
      (c, first) => `${c.key} is already host ${first.what} (each host is listed once)`,
    ),
  ];
};



interface NameClaim {
  /** The logical name (the physical one is <project>-<stack>-<logical>). */
  logical: string;
  path: PropertyKey[];
  what: string;
  /** Claims of one app never clash with each other (k8s suffixes an app always takes). */
  owner: string;
  /** The app's own name: two apps of one name are checkNames' to report. */
  appName?: boolean;
}

/** Names recette itself takes in every stack. */
const FIXED_NAMES = ["net", "net-encrypted", "traefik", "pebble", "traefik-acme", "traefik-files", "traefik-secrets", "traefik-published", "pebble-files"];

/** Every logical name an app's objects take: its own, its volumes', secrets' and files', and the Kubernetes suffixes. */
const appNameClaims = (index: number, kind: string, spec: Record<string, unknown> & { name: string }): NameClaim[] => {
  const base = ["apps", index, kind];
  const owner = `app ${spec.name}`;
  const claim = (child: string, path: PropertyKey[], what: string): NameClaim => ({ logical: childName(spec.name, child), path, what, owner });
  const claims: NameClaim[] = [
    { logical: spec.name, path: [...base, "name"], what: `${kind} ${spec.name}`, owner, appName: true },
    ...["files", "secrets", "published"].map((suffix) => claim(suffix, [...base, "name"], `${kind} ${spec.name}'s Kubernetes ${suffix} object`)),
  ];
  if (kind === "pluxml") claims.push(claim("data", [...base, "name"], `${spec.name}'s data volume`), claim("admin-password", [...base, "admin", "password"], `${spec.name}'s admin password`));
  if (kind === "opensmtpd") {
    claims.push(claim("spool", [...base, "name"], `${spec.name}'s spool volume`), claim("mail", [...base, "name"], `${spec.name}'s mailbox volume`));
    claims.push(claim("smtpd-conf", [...base, "name"], `${spec.name}'s smtpd.conf`), claim("smtpd-credentials", [...base, "name"], `${spec.name}'s credentials`));
  }
  ((spec.volumes ?? []) as { name: string }[]).forEach((v, i) =>
    claims.push(claim(v.name, [...base, "volumes", i, "name"], `volume ${JSON.stringify(v.name)} of ${spec.name}`)),
  );
  for (const key of Object.keys((spec.secrets ?? {}) as object)) claims.push(claim(key, [...base, "secrets", key], `secret ${JSON.stringify(key)} of ${spec.name}`));
  return claims;
};

/**
 * The naming lesson inside one stack: service `a` with volume `b-data` and service `a-b` with volume
 * `data` would both make `<project>-<stack>-a-b-data`. Two objects never share a name: refused here,
 * naming both places.
 */
export const checkPhysicalNames: Rule = (r) => {
  const seen = new Map<string, NameClaim>(FIXED_NAMES.map((n) => [n, { logical: n, path: [], what: `recette's own ${n}`, owner: "recette" }]));
  const out: Finding[] = [];
  for (const { index, kind, spec } of appEntries(r)) {
    for (const c of appNameClaims(index, kind, spec)) {
      const key = cleanName(c.logical);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, c);
        continue;
      }
      if (first.owner === c.owner) continue;
      // Two apps with the same name are reported once, by checkNames.
      if (first.appName && c.appName) continue;
      const where = first.path.length ? ` at ${formatPath(first.path)}` : "";
      out.push(error(c.path, `${c.what} would be named <project>-<stack>-${key}, like ${first.what}${where} (rename one of them: two objects never share a name)`));
    }
  }
  return out;
};

export const RULES: readonly Rule[] = [
  checkNodeType,
  checkKernel,
  checkSwarmQuorum,
  checkK3sTopology,
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
  checkMemory,
  checkReservedPorts,
  checkPrivateNetwork,
  checkApiExposure,
  checkNodes,
  checkPhysicalNames,
];

export const validateRecipe = (recipe: Recipe): Finding[] => RULES.flatMap((rule) => rule(recipe));
