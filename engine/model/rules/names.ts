// Only Pulumi-free modules: `recette validate` runs this rule without loading @pulumi/pulumi.
import { cleanName } from "../../../components/naming";
import { OPENSMTPD_OBJECTS, type OpensmtpdSettings } from "../../../components/opensmtpd/objects";
import { PEBBLE_OBJECTS } from "../../../components/pebble/objects";
import { PLUXML_OBJECTS } from "../../../components/pluxml/objects";
import { TRAEFIK_OBJECTS, type TraefikSettings } from "../../../components/traefik/objects";
import {
  type ComponentObjects,
  type DeclaredObject,
  declaredShape,
  NETWORK_LOGICALS,
  type WorkloadShape,
  workloadNames,
} from "../../../components/workload-names";
import { formatPath } from "../../load/problem";
import { type AppModel, type EdgeModel, type Model, usesPebble } from "../model";
import { error, type Finding, type Rule } from "./finding";

/** The objects each component declares (components/<name>/objects.ts): what the check reads. */
export interface Declarations {
  pluxml: ComponentObjects;
  opensmtpd: ComponentObjects<OpensmtpdSettings>;
  traefik: ComponentObjects<TraefikSettings>;
  pebble: ComponentObjects;
}

/** The components' own declarations, the ones their builders name objects from. */
export const DECLARATIONS: Declarations = {
  pluxml: PLUXML_OBJECTS,
  opensmtpd: OPENSMTPD_OBJECTS,
  traefik: TRAEFIK_OBJECTS,
  pebble: PEBBLE_OBJECTS,
};

export interface NameClaim {
  /** The logical name (the physical one is <project>-<stack>-<logical>). */
  logical: string;
  path: PropertyKey[];
  what: string;
  /** Claims of one workload never clash with each other (k8s suffixes a workload always takes). */
  owner: string;
  /** The app's own name: two apps of one name are checkNames' to report. */
  appName?: boolean;
}

/** An object of a workload as the check reports it: its name, what it is, where the recipe sets it. */
interface Described {
  name: string;
  what: string;
  path: PropertyKey[];
}

/** A workload of the stack: its shape, and how its own name is reported. */
interface Claimant {
  shape: WorkloadShape<Described, Described, Described>;
  /** The workload itself, in messages ("pluxml blog", "recette's own traefik"). */
  what: string;
  /** Who owns the Kubernetes objects beside it, in messages ("pluxml blog", "traefik"). */
  label: string;
  path: PropertyKey[];
  /** Claims of one owner never clash with each other. */
  owner: string;
  appName: boolean;
}

/** Where, inside its app, the recipe sets a declared object, when that is not where the workload is named. */
const RECIPE_PLACES = new Map<DeclaredObject<never>, PropertyKey[]>([
  [PLUXML_OBJECTS.secrets.adminPassword, ["admin", "password"]],
]);

/**
 * A component's declared objects that `settings` create, each reported as `<workload>'s <what>` at `self`
 * (where the workload is named), or at its RECIPE_PLACES entry inside `app`.
 */
const declared = <S>(c: ComponentObjects<S>, settings: S, name: string, self: PropertyKey[], app = self) => {
  const s = declaredShape(c, settings, name);
  const describe = (o: DeclaredObject<S>): Described => {
    const place = RECIPE_PLACES.get(o);
    return { name: o.name, what: `${name}'s ${o.what}`, path: place ? [...app, ...place] : self };
  };
  return { name, volumes: s.volumes.map(describe), secrets: s.secrets.map(describe), files: s.files.map(describe) };
};

/** An app's workload as its component (or, for a `service`, the recipe) names its objects. */
const appClaimant = (a: AppModel, d: Declarations): Claimant => {
  const base = ["apps", a.index, a.kind];
  const what = `${a.kind} ${a.name}`;
  const self = { what, label: what, path: [...base, "name"], owner: `app ${a.name}`, appName: true };
  switch (a.kind) {
    case "pluxml":
      return { ...self, shape: declared(d.pluxml, {}, a.name, self.path, base) };
    case "opensmtpd":
      return { ...self, shape: declared(d.opensmtpd, a.spec, a.name, self.path, base) };
    case "service":
      return {
        ...self,
        shape: {
          name: a.name,
          volumes: a.spec.volumes.map((v, i) => ({
            name: v.name,
            what: `volume ${JSON.stringify(v.name)} of ${a.name}`,
            path: [...base, "volumes", i, "name"],
          })),
          secrets: Object.keys(a.spec.secrets).map((key) => ({
            name: key,
            what: `secret ${JSON.stringify(key)} of ${a.name}`,
            path: [...base, "secrets", key],
          })),
          files: [],
        },
      };
  }
};

/** The edge's workloads: Traefik, and Pebble when the CA is pebble (engine/compose/apps.ts composeEdge). */
const edgeClaimants = (edge: EdgeModel | undefined, d: Declarations): Claimant[] => {
  if (!edge) return [];
  const pebble = usesPebble(edge.traefik);
  const own = (name: string, path: PropertyKey[]) => ({
    what: `recette's own ${name}`,
    label: name,
    path,
    owner: `recette's ${name}`,
    appName: false,
  });
  const traefikPath = ["edge", "traefik"];
  // composeEdge gives Traefik Pebble's CA certificate exactly when the CA is pebble.
  const traefik = { dashboard: edge.traefik.dashboard, acmeCaCertificate: pebble };
  const pebblePath = ["edge", "traefik", "acme", "ca"];
  return [
    { ...own(d.traefik.name, traefikPath), shape: declared(d.traefik, traefik, d.traefik.name, traefikPath) },
    ...(pebble
      ? [{ ...own(d.pebble.name, pebblePath), shape: declared(d.pebble, {}, d.pebble.name, pebblePath) }]
      : []),
  ];
};

/** Every name a workload's objects take, from the same builders the targets use (components/workload-names.ts). */
const claimsOf = (c: Claimant): NameClaim[] => {
  const { owner } = c;
  return workloadNames(c.shape).map((n): NameClaim => {
    switch (n.of) {
      case "workload":
        return { logical: n.logical, path: c.path, what: c.what, owner, ...(c.appName ? { appName: true } : {}) };
      case "kubernetes":
        return { logical: n.logical, path: c.path, what: `${c.label}'s Kubernetes ${n.object} object`, owner };
      default:
        return { logical: n.logical, path: n.object.path, what: n.object.what, owner };
    }
  });
};

/**
 * Every logical name the stack's objects take, in the order they are checked: the stack networks (both,
 * whichever orchestrator: a recipe that moves keeps valid names), the edge's workloads, then each app's.
 */
export const nameClaims = (m: Model, d: Declarations = DECLARATIONS): NameClaim[] => [
  ...NETWORK_LOGICALS.map((n) => ({ logical: n, path: [], what: `recette's own ${n}`, owner: "recette" })),
  ...edgeClaimants(m.edge, d).flatMap(claimsOf),
  ...m.apps.flatMap((a) => claimsOf(appClaimant(a, d))),
];

/**
 * The naming lesson inside one stack: service `a` with volume `b-data` and service `a-b` with volume
 * `data` would both make `<project>-<stack>-a-b-data`. Two objects never share a name: refused here,
 * naming both places. The names come from the components' declarations (`d`, their own by default).
 */
export const physicalNamesRule =
  (d: Declarations = DECLARATIONS): Rule =>
  (m) => {
    const seen = new Map<string, NameClaim>();
    const out: Finding[] = [];
    for (const c of nameClaims(m, d)) {
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
      out.push(
        error(
          c.path,
          `${c.what} would be named <project>-<stack>-${key}, like ${first.what}${where} ` +
            "(rename one of them: two objects never share a name)",
        ),
      );
    }
    return out;
  };

export const checkPhysicalNames: Rule = physicalNamesRule();
