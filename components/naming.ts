import { createHash } from "node:crypto";
import { STACK_SUBNETS } from "./cluster-facts";

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

export const cleanName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** The prefix shared by every object of a stack. */
export const stackPrefix = (n: Naming): string => `${cleanName(n.project)}-${cleanName(n.stack)}`;

/** `<project>-<stack>-<logical>`, DNS-label safe; long names keep a hash suffix so they stay unique. */
export const physicalName = (n: Naming, logical: string, maxLength = 63): string => {
  const full = `${stackPrefix(n)}-${cleanName(logical)}`;
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, maxLength - 9).replace(/-+$/, "")}-${hash}`;
};

/**
 * The logical name of a workload's child object (its secrets, files): `<workload>-<child>`, dots made
 * dashes. components/workload-names.ts names every object a target makes for a workload (workloadNames
 * lists them). Workload names hold dashes, so two pairs can meet (`a` + `b-data`, `a-b` + `data`): recipe
 * validation (engine/model/rules/names.ts checkPhysicalNames) refuses that before any object is named.
 */
export const childName = (workload: string, child: string): string => `${workload}-${child.replace(/\./g, "-")}`;

/** Labels put on every object so it can be traced back to its stack and recipe. */
export const stackLabels = (n: Naming): Record<string, string> => ({
  "recette.stack": stackPrefix(n),
  "recette.recipe": n.recipe,
});

/**
 * A name whose suffix changes with the content: Swarm configs and secrets are immutable, so new
 * content must get a new object (Pulumi then replaces it, creating the new one first).
 */
export const contentName = (n: Naming, logical: string, content: string): string => {
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 10);
  return physicalName(n, `${logical}-${hash}`);
};

/**
 * The stack's overlay subnet, a /24 of STACK_SUBNETS (components/cluster-facts.ts), derived from project
 * and stack so that two stacks on one engine get different subnets (a clash would fail network creation
 * loudly, never merge two stacks).
 */
export const stackSubnet = (n: Naming): string => {
  const h = createHash("sha256").update(stackPrefix(n)).digest();
  // The pool is a /8 to /16: it fixes the first octet and spans 2^(16 - bits) values of the second.
  const [address = "", bits = ""] = STACK_SUBNETS.cidr.split("/");
  const [first, second = 0] = address.split(".").map(Number);
  return `${first}.${second + ((h[0] ?? 0) % 2 ** (16 - Number(bits)))}.${h[1] ?? 0}.0/24`;
};

/** The gateway Docker gives the stack's subnet (its first address), stated so a refresh finds no difference. */
export const stackGateway = (n: Naming): string => stackSubnet(n).replace(/\.0\/24$/, ".1");

/** The address a user types for a routed host: `https://<host>[:<port>]<path>`, the port only when not 443. */
export const siteUrl = (host: string, urlPath = "/", httpsPort = 443): string =>
  `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}${urlPath}`;
