import { caCertificateProblem } from "../../../components/opensmtpd/config";
import { validateRelayDelivery } from "../../../components/opensmtpd/validate";
import { PEBBLE_OBJECTS } from "../../../components/pebble/objects";
import { validateSwarmWorkload } from "../../../components/swarm/validate";
import { TRAEFIK_OBJECTS } from "../../../components/traefik/objects";
import { validateTraefikReplicas } from "../../../components/traefik/validate";
import { formatPath } from "../../load/problem";
import { parseSizeMiB } from "../../schema/formats";
import { nodesFor } from "../demands";
import { isUnresolved, type AppModel, type Model } from "../model";
import { error, firstClaimWins, warning, type Claim, type Finding, type Rule } from "./finding";

const at = (a: AppModel, ...rest: PropertyKey[]): PropertyKey[] => ["apps", a.index, a.kind, ...rest];

export const checkAutoscale: Rule = (m) =>
  m.apps.flatMap((a) => {
    const auto = a.kind === "service" ? a.spec.autoscale : undefined;
    if (!auto) return [];
    // The Swarm target's own check, located in the recipe.
    if (m.orchestrator.kind === "swarm")
      return validateSwarmWorkload({ autoscale: auto }).map((p) => error(at(a, p.propertyPath), p.reason));
    return auto.min > auto.max
      ? [error(at(a, "autoscale"), `min (${auto.min}) is greater than max (${auto.max})`)]
      : [];
  });

/** The Traefik component's own check (components/traefik/validate.ts), located in the recipe. */
export const checkTraefikReplicas: Rule = ({ edge }) => {
  const t = edge?.traefik;
  if (!t) return [];
  return validateTraefikReplicas({ replicas: t.replicas }).map((p) =>
    error(["edge", "traefik", p.propertyPath], p.reason),
  );
};

export const checkRoutes: Rule = (m) => {
  const claims: Claim[] = [];
  const dash = m.edge?.traefik.dashboard;
  if (dash)
    claims.push({ path: ["edge", "traefik", "dashboard", "host"], key: `${dash.host}/`, what: "the dashboard" });
  for (const a of m.apps) {
    if (a.kind === "pluxml") claims.push({ path: at(a, "host"), key: `${a.spec.host}/`, what: a.name });
    if (a.kind === "service")
      a.spec.routes.forEach((route, i) => {
        claims.push({ path: at(a, "routes", i), key: `${route.host}${route.path}`, what: a.name });
      });
  }
  const needsEdge = claims.length > 0 && !m.edge?.traefik;
  return [
    ...firstClaimWins(
      claims,
      (c, first) =>
        `${c.key} is already routed to ${first.what} at ${formatPath(first.path)} (give each app its own host or path)`,
    ),
    ...(needsEdge ? [error(["apps"], "apps declare HTTP routes but there is no edge router (add edge.traefik)")] : []),
  ];
};

/** Every port a recipe publishes on the nodes, where it says so, and who publishes it. */
export const publishedPorts = (m: Model): Claim[] => {
  const claims: Claim[] = [];
  const t = m.edge?.traefik;
  if (t)
    claims.push(
      { path: ["edge", "traefik", "ports", "http"], key: `tcp/${t.ports.http}`, what: "traefik" },
      { path: ["edge", "traefik", "ports", "https"], key: `tcp/${t.ports.https}`, what: "traefik" },
    );
  for (const a of m.apps) {
    if (a.kind === "opensmtpd" && a.spec.publish)
      claims.push({ path: at(a, "publish"), key: `tcp/${a.spec.publish}`, what: a.name });
    if (a.kind === "service")
      a.spec.ports.forEach((p, i) => {
        claims.push({ path: at(a, "ports", i, "published"), key: `${p.protocol}/${p.published}`, what: a.name });
      });
  }
  return claims;
};

export const checkPorts: Rule = (m) =>
  firstClaimWins(
    publishedPorts(m),
    (c, first) => `port ${c.key} is already published by ${first.what} (pick another published port)`,
  );

/** The edge's workload names (components/traefik/objects.ts, components/pebble/objects.ts): no app takes them. */
const RESERVED_NAMES = [TRAEFIK_OBJECTS.name, PEBBLE_OBJECTS.name];

export const checkNames: Rule = (m) =>
  firstClaimWins(
    m.apps.map((a) => ({ path: at(a, "name"), key: a.name, what: a.kind })),
    (c) => `two apps are named ${JSON.stringify(c.key)} (names must be unique: they derive physical names)`,
  ).concat(
    m.apps
      .filter((a) => RESERVED_NAMES.includes(a.name))
      .map((a) => error(at(a, "name"), `${RESERVED_NAMES.join(" and ")} are reserved names (choose another)`)),
  );

export const checkMailLinks: Rule = (m) => {
  const relays = new Set(m.apps.filter((a) => a.kind === "opensmtpd").map((a) => a.name));
  return m.apps.flatMap((a) =>
    a.kind === "pluxml" && a.spec.mail && !relays.has(a.spec.mail)
      ? [
          error(
            at(a, "mail"),
            `no opensmtpd app is named ${JSON.stringify(a.spec.mail)} ` +
              `(known: ${[...relays].join(", ") || "none; add one"})`,
          ),
        ]
      : [],
  );
};

export const checkSmtp: Rule = (m) =>
  m.apps.flatMap((a): Finding[] => {
    if (a.kind !== "opensmtpd") return [];
    const relay = a.spec;
    const problems = validateRelayDelivery(relay).map((p) => error(at(a, p.propertyPath), p.reason));
    if (problems.length) return problems;
    // A CA written in the recipe is checked at its line; one from the stack config once the stack is read.
    const ca = relay.smarthost?.caCertificate;
    const caProblem = ca !== undefined && !isUnresolved(ca) ? caCertificateProblem(ca) : undefined;
    if (caProblem) return [error(at(a, "smarthost", "caCertificate"), caProblem)];
    if (relay.delivery === "direct" && m.nodes.provider === "scaleway")
      return [
        warning(
          at(a, "delivery"),
          "Scaleway blocks outbound SMTP (25, 465, 587) on new accounts: direct delivery silently loses mail until " +
            "the account is verified and the security group opened " +
            "(prefer a smarthost, e.g. Scaleway TEM on port 2587)",
        ),
      ];
    return [];
  });

export const checkPlacement: Rule = (m) => {
  const names = new Set(m.planned.map((n) => n.name));
  const unknownLabels = Object.keys(m.nodes.labels)
    .filter((n) => !names.has(n))
    .map((n) =>
      error(["nodes", "labels", n], `no node is named ${JSON.stringify(n)} (nodes: ${[...names].join(", ")})`),
    );
  const unplaceable = m.apps.flatMap((a) =>
    nodesFor(m.planned, a.spec.placement).length === 0
      ? [
          error(
            at(a, "placement"),
            `no node matches this placement, so ${a.name} would never start ` +
              "(set the labels in nodes.labels or relax it)",
          ),
        ]
      : [],
  );
  return [...unknownLabels, ...unplaceable];
};

export const checkHealth: Rule = (m) =>
  m.apps.flatMap((a) => {
    if (a.kind !== "service") return [];
    const h = a.spec.health;
    if (h?.http && h.command) return [error(at(a, "health"), "give either http or command, not both")];
    if (h && !h.http && !h.command)
      return [
        error(
          at(a, "health"),
          "a health check needs http (a path probed on the first route's port) " +
            "or command (an argument list run in the container)",
        ),
      ];
    if (h?.http && a.spec.routes.length === 0)
      return [
        error(
          at(a, "health", "http"),
          "an http health check probes the first route's port: add a route or use command",
        ),
      ];
    return [];
  });

export const checkMemory: Rule = (m) =>
  m.apps.flatMap((a) => {
    const res = a.spec.resources;
    if (!res.memory || !res.reserveMemory || parseSizeMiB(res.reserveMemory) <= parseSizeMiB(res.memory)) return [];
    return [
      error(
        at(a, "resources", "reserveMemory"),
        `${res.reserveMemory} reserved is more than the ${res.memory} limit (reserve at most the limit)`,
      ),
    ];
  });
