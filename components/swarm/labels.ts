import { traefikRuleLiteral } from "../escape";
import type { WorkloadRoute } from "../workload";

/** Traefik's certificate resolver name, shared by the static config and every route. */
export const CERT_RESOLVER = "le";
/** Traefik's HTTPS entry point: routers of every workload (and of other teams' services) attach to it. */
export const ENTRYPOINT = "websecure";

/**
 * The label another program's Swarm service carries to be routed by a stack's Traefik, with the
 * stack's `recette.stack` value (the stack output `edge.label`). Its own `recette.stack` stays its own.
 */
export const EDGE_LABEL = "recette.edge";

/** Traefik's Swarm provider constraint: the stack's own services and those that ask for its edge. */
export const renderEdgeConstraint = (stackLabel: string): string =>
  `Label(${traefikRuleLiteral("recette.stack")},${traefikRuleLiteral(stackLabel, "stack label")}) || ` +
  `Label(${traefikRuleLiteral(EDGE_LABEL)},${traefikRuleLiteral(stackLabel, "stack label")})`;

/** Traefik rule for a route: Host, plus PathPrefix when the path is not /. */
export const renderRule = (route: WorkloadRoute): string => {
  const host = `Host(${traefikRuleLiteral(route.host, "route host")})`;
  return route.path === "/" ? host : `${host} && PathPrefix(${traefikRuleLiteral(route.path, "route path")})`;
};

/**
 * Traefik labels that route a Swarm service. Router and service names carry the physical service
 * name, so two stacks behind one Traefik never share a router.
 */
export const renderRouteLabels = (
  service: string,
  network: string,
  routes: WorkloadRoute[],
): Record<string, string> => {
  if (routes.length === 0) return {};
  const labels: Record<string, string> = {
    "traefik.enable": "true",
    "traefik.swarm.network": network,
  };
  routes.forEach((route, i) => {
    const router = `${service}-${i}`;
    const backend = `${service}-${route.port}`;
    labels[`traefik.http.routers.${router}.rule`] = renderRule(route);
    labels[`traefik.http.routers.${router}.entrypoints`] = ENTRYPOINT;
    labels[`traefik.http.routers.${router}.tls.certresolver`] = CERT_RESOLVER;
    labels[`traefik.http.routers.${router}.service`] = backend;
    labels[`traefik.http.services.${backend}.loadbalancer.server.port`] = String(route.port);
  });
  return labels;
};

export const toLabelList = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label]! }));
