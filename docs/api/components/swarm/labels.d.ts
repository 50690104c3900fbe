import type { WorkloadRoute } from "../workload";
/** Traefik's certificate resolver name, shared by the static config and every route. */
export declare const CERT_RESOLVER = "le";
/** Traefik's HTTPS entry point: routers of every workload (and of other teams' services) attach to it. */
export declare const ENTRYPOINT = "websecure";
/**
 * The label another program's Swarm service carries to be routed by a stack's Traefik, with the
 * stack's `recette.stack` value (the stack output `edge.label`). Its own `recette.stack` stays its own.
 */
export declare const EDGE_LABEL = "recette.edge";
/** Traefik's Swarm provider constraint: the stack's own services and those that ask for its edge. */
export declare const renderEdgeConstraint: (stackLabel: string) => string;
/** Traefik rule for a route: Host, plus PathPrefix when the path is not /. */
export declare const renderRule: (route: WorkloadRoute) => string;
/**
 * Traefik labels that route a Swarm service. Router and service names carry the physical service
 * name, so two stacks behind one Traefik never share a router.
 */
export declare const renderRouteLabels: (service: string, network: string, routes: WorkloadRoute[]) => Record<string, string>;
export declare const toLabelList: (labels: Record<string, string>) => {
    label: string;
    value: string;
}[];
