import type { ConfigRef, Edge, Nodes, Opensmtpd, Orchestrator, Pluxml, Recipe, SecretRef, Service } from "../schema";
import { parseHost, type ParsedHost } from "../schema/formats";
import { planNodes, type PlannedNode } from "./topology";

/**
 * A recipe type with every `{ config: key }` replaced by the stack's value (a string). Secrets stay
 * lazy references (`{ secret: key }`) that only the Pulumi program turns into `Output<string>`: the
 * model is built, checked and explained without ever holding a secret.
 */
export type Resolved<T> = T extends ConfigRef
  ? string
  : T extends SecretRef
    ? SecretRef
    : T extends readonly (infer U)[]
      ? Resolved<U>[]
      : T extends object
        ? { [K in keyof T]: Resolved<T[K]> }
        : T;

export type PluxmlModel = Resolved<Pluxml>;
export type OpensmtpdModel = Resolved<Opensmtpd>;
export type ServiceModel = Resolved<Service>;
export type NodesModel = Resolved<Nodes>;
export type EdgeModel = Resolved<Edge>;

/** An app of the recipe: its kind, its name, its index in `apps` (for positions) and its typed spec. */
export type AppModel =
  | { kind: "pluxml"; name: string; index: number; spec: PluxmlModel }
  | { kind: "opensmtpd"; name: string; index: number; spec: OpensmtpdModel }
  | { kind: "service"; name: string; index: number; spec: ServiceModel };

/** The recipe and the stack's values as one typed picture, built once: what rules, explain and compose read. */
export interface Model {
  name: string;
  nodes: NodesModel;
  /** The nodes as the recipe implies them, before any resource exists. */
  planned: PlannedNode[];
  orchestrator: Orchestrator;
  edge?: EdgeModel;
  apps: AppModel[];
  /** Every host name the apps route, in recipe order, parsed once (the first names the edge's domain). */
  routedHosts: ParsedHost[];
  /** The parent domain of the first routed host (local.test for blog.local.test), if it has one. */
  domain?: string;
}

/** How a `{ config: key }` becomes text: the stack's value, or a placeholder when no stack is read. */
export type TextOf = (ref: ConfigRef) => string;

const PLACEHOLDER = /^\{ config: [A-Za-z][A-Za-z0-9_-]* \}$/;
/** The text a reference stands as when the recipe is checked without a stack (`recette validate`). */
export const unresolvedText: TextOf = (ref) => `{ config: ${ref.config} }`;
/** Whether a model value is a reference no stack has resolved (rules check only real values). */
export const isUnresolved = (s: string): boolean => PLACEHOLDER.test(s);

const nodesModel = (n: Nodes, t: (v: string | ConfigRef) => string): NodesModel => {
  switch (n.provider) {
    case "scaleway":
      return { ...n, ssh: { ...n.ssh, publicKey: t(n.ssh.publicKey) }, apiAllowFrom: n.apiAllowFrom.map(t) };
    case "hosts":
    case "local":
      return n;
  }
};

const edgeModel = (e: Edge, t: (v: string | ConfigRef) => string): EdgeModel => ({
  traefik: { ...e.traefik, acme: { ...e.traefik.acme, email: t(e.traefik.acme.email) } },
});

const pluxmlModel = (p: Pluxml, t: (v: string | ConfigRef) => string): PluxmlModel => ({
  ...p,
  title: t(p.title),
  admin: { ...p.admin, name: t(p.admin.name), login: t(p.admin.login), email: t(p.admin.email) },
});

const opensmtpdModel = (o: Opensmtpd, t: (v: string | ConfigRef) => string): OpensmtpdModel => {
  const { smarthost, ...rest } = o;
  if (!smarthost) return { ...rest, deliverTo: t(o.deliverTo) };
  const { caCertificate, ...host } = smarthost;
  const ca = caCertificate !== undefined ? { caCertificate: t(caCertificate) } : {};
  return { ...rest, deliverTo: t(o.deliverTo), smarthost: { ...host, user: t(smarthost.user), ...ca } };
};

const serviceModel = (s: Service, t: (v: string | ConfigRef) => string): ServiceModel => ({
  ...s,
  env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, t(v)])),
});

const appModel = (app: Recipe["apps"][number], index: number, t: (v: string | ConfigRef) => string): AppModel[] => {
  if (app.pluxml) return [{ kind: "pluxml", name: app.pluxml.name, index, spec: pluxmlModel(app.pluxml, t) }];
  if (app.opensmtpd)
    return [{ kind: "opensmtpd", name: app.opensmtpd.name, index, spec: opensmtpdModel(app.opensmtpd, t) }];
  if (app.service) return [{ kind: "service", name: app.service.name, index, spec: serviceModel(app.service, t) }];
  return [];
};

/** Whether the edge runs the local Pebble CA (and Traefik trusts its certificate). */
export const usesPebble = (t: EdgeModel["traefik"]): boolean => t.acme.ca === "pebble";

/** The host names an app routes (pluxml: its host; a service: its routes' hosts). */
export const appHosts = (a: AppModel): string[] =>
  a.kind === "pluxml" ? [a.spec.host] : a.kind === "service" ? a.spec.routes.map((r) => r.host) : [];

/** Builds the model of a schema-valid recipe; `text` gives each `{ config: key }` its value. */
export const buildModel = (recipe: Recipe, text: TextOf = unresolvedText): Model => {
  const t = (v: string | ConfigRef) => (typeof v === "string" ? v : text(v));
  const apps = recipe.apps.flatMap((a, i) => appModel(a, i, t));
  const routedHosts = apps.flatMap(appHosts).map(parseHost);
  const domain = routedHosts[0]?.parent;
  const nodes = nodesModel(recipe.nodes, t);
  return {
    name: recipe.name,
    nodes,
    planned: planNodes(nodes),
    orchestrator: recipe.orchestrator,
    ...(recipe.edge ? { edge: edgeModel(recipe.edge, t) } : {}),
    apps,
    routedHosts,
    ...(domain !== undefined ? { domain } : {}),
  };
};
