import { HOSTNAME, parseHost } from "../schema/formats";
import { appHosts, type AppModel, type Model } from "./model";

/**
 * A derived stack runs its recipe's apps on another stack's nodes, behind that stack's Traefik: a restore
 * drill (`recette drill`) or a preview environment. Its own services, volumes and data; no nodes, swarm,
 * edge or published port of its own, and every routed host prefixed with one DNS label
 * (blog.example.org → drill.blog.example.org) so its routes never meet the base stack's.
 */
export interface Derivation {
  /** The fully qualified stack (organization/project/stack) whose nodes and edge it uses. */
  edgeStack: string;
  /** One DNS label put before every routed host. */
  hostPrefix: string;
}

/** The stack keys that make a stack derived (stack file `recette:edgeStack`, `recette:hostPrefix`). */
export const DERIVATION_KEYS = { edgeStack: "edgeStack", hostPrefix: "hostPrefix" } as const;

/** The host prefix of `recette drill`'s scratch stack: drill.blog.example.org. */
export const DRILL_PREFIX = "drill";

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const QUALIFIED = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** Why a host prefix cannot be used, or undefined. */
export const hostPrefixProblem = (prefix: string): string | undefined =>
  LABEL.test(prefix)
    ? undefined
    : `${JSON.stringify(prefix.slice(0, 80))} is not a DNS label (lower-case ` +
      "letters, digits and inner hyphens, at most 63; e.g. drill or pr-42)";

/** Why an edge stack name cannot be used, or undefined: it must be fully qualified, as StackReference takes it. */
export const edgeStackProblem = (stack: string): string | undefined =>
  QUALIFIED.test(stack)
    ? undefined
    : `${JSON.stringify(stack.slice(0, 120))} is not a fully qualified stack (expected ` +
      "organization/<project>/<stack>, e.g. organization/recette/local on a file backend)";

/** A prefixed host, or the reason it is not a host name (too long). */
export const prefixedHost = (prefix: string, host: string): { host: string } | { problem: string } => {
  const name = `${prefix}.${host}`;
  return HOSTNAME.test(name) && name.length <= 253
    ? { host: name }
    : { problem: `${name} is not a valid host name (at most 253 characters); use a shorter prefix than ${prefix}` };
};

const deriveApp = (app: AppModel, prefix: (h: string) => string): AppModel => {
  switch (app.kind) {
    case "pluxml":
      return { ...app, spec: { ...app.spec, host: prefix(app.spec.host) } };
    case "service":
      // The base stack's nodes already publish its ports: a derived stack publishes none.
      return {
        ...app,
        spec: { ...app.spec, ports: [], routes: app.spec.routes.map((r) => ({ ...r, host: prefix(r.host) })) },
      };
    case "opensmtpd": {
      // Its relay serves its own apps, on its own network; the base stack's relay keeps port 25.
      const { publish: _published, ...spec } = app.spec;
      return { ...app, spec };
    }
  }
};

/**
 * The model of a derived stack: every routed host prefixed, no published port. Returns the problems instead
 * when a prefixed host would not be a host name.
 */
export const deriveModel = (model: Model, hostPrefix: string): { model: Model } | { problems: string[] } => {
  const bad = hostPrefixProblem(hostPrefix);
  if (bad) return { problems: [bad] };
  const problems: string[] = [];
  const prefix = (h: string): string => {
    const p = prefixedHost(hostPrefix, h);
    if ("problem" in p) problems.push(p.problem);
    return "host" in p ? p.host : h;
  };
  const apps = model.apps.map((a) => deriveApp(a, prefix));
  if (problems.length) return { problems };
  const routedHosts = apps.flatMap(appHosts).map(parseHost);
  return { model: { ...model, apps, routedHosts } };
};
