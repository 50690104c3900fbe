/**
 * Every physical name recette creates (Docker services, networks, volumes, secrets, Kubernetes
 * namespaces, Scaleway instances) comes from here: `<project>-<stack>-<logical>`. Two stacks on one
 * engine can never collide (the naming lesson: two compose projects both called `src` overwrote
 * each other's `src_nginx_1`).
 */
export interface Naming {
    project: string;
    stack: string;
    recipe: string;
}
export declare const cleanName: (s: string) => string;
/** The prefix shared by every object of a stack. */
export declare const stackPrefix: (n: Naming) => string;
/** `<project>-<stack>-<logical>`, DNS-label safe; long names keep a hash suffix so they stay unique. */
export declare const physicalName: (n: Naming, logical: string, maxLength?: number) => string;
/**
 * The logical name of a workload's child object (its secrets, files): `<workload>-<child>`, dots made
 * dashes. components/workload-names.ts names every object a target makes for a workload (workloadNames
 * lists them). Workload names hold dashes, so two pairs can meet (`a` + `b-data`, `a-b` + `data`): recipe
 * validation (engine/model/rules/names.ts checkPhysicalNames) refuses that before any object is named.
 */
export declare const childName: (workload: string, child: string) => string;
/** Labels put on every object so it can be traced back to its stack and recipe. */
export declare const stackLabels: (n: Naming) => Record<string, string>;
/**
 * A name whose suffix changes with the content: Swarm configs and secrets are immutable, so new
 * content must get a new object (Pulumi then replaces it, creating the new one first).
 */
export declare const contentName: (n: Naming, logical: string, content: string) => string;
/**
 * The stack's overlay subnet, a /24 of STACK_SUBNETS (components/cluster-facts.ts), derived from project
 * and stack so that two stacks on one engine get different subnets (a clash would fail network creation
 * loudly, never merge two stacks).
 */
export declare const stackSubnet: (n: Naming) => string;
/** The gateway Docker gives the stack's subnet (its first address), stated so a refresh finds no difference. */
export declare const stackGateway: (n: Naming) => string;
/** The address a user types for a routed host: `https://<host>[:<port>]<path>`, the port only when not 443. */
export declare const siteUrl: (host: string, urlPath?: string, httpsPort?: number) => string;
