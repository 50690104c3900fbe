import { childName, cleanName } from "../../../components/naming";
import { formatPath } from "../../load/problem";
import type { AppModel } from "../model";
import { error, type Finding, type Rule } from "./finding";

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
const FIXED_NAMES = [
  "net",
  "net-encrypted",
  "traefik",
  "pebble",
  "traefik-acme",
  "traefik-files",
  "traefik-secrets",
  "traefik-published",
  "pebble-files",
];

/** Every logical name an app's objects take: its own, its volumes', secrets' and files', and Kubernetes suffixes. */
const appNameClaims = (a: AppModel): NameClaim[] => {
  const base = ["apps", a.index, a.kind];
  const owner = `app ${a.name}`;
  const claim = (child: string, path: PropertyKey[], what: string): NameClaim => ({
    logical: childName(a.name, child),
    path,
    what,
    owner,
  });
  const claims: NameClaim[] = [
    { logical: a.name, path: [...base, "name"], what: `${a.kind} ${a.name}`, owner, appName: true },
    ...["files", "secrets", "published"].map((suffix) =>
      claim(suffix, [...base, "name"], `${a.kind} ${a.name}'s Kubernetes ${suffix} object`),
    ),
  ];
  if (a.kind === "pluxml")
    claims.push(
      claim("data", [...base, "name"], `${a.name}'s data volume`),
      claim("admin-password", [...base, "admin", "password"], `${a.name}'s admin password`),
    );
  if (a.kind === "opensmtpd") {
    claims.push(
      claim("spool", [...base, "name"], `${a.name}'s spool volume`),
      claim("mail", [...base, "name"], `${a.name}'s mailbox volume`),
    );
    claims.push(
      claim("smtpd-conf", [...base, "name"], `${a.name}'s smtpd.conf`),
      claim("smtpd-credentials", [...base, "name"], `${a.name}'s credentials`),
    );
  }
  if (a.kind === "service") {
    a.spec.volumes.forEach((v, i) => {
      claims.push(claim(v.name, [...base, "volumes", i, "name"], `volume ${JSON.stringify(v.name)} of ${a.name}`));
    });
    for (const key of Object.keys(a.spec.secrets))
      claims.push(claim(key, [...base, "secrets", key], `secret ${JSON.stringify(key)} of ${a.name}`));
  }
  return claims;
};

/**
 * The naming lesson inside one stack: service `a` with volume `b-data` and service `a-b` with volume
 * `data` would both make `<project>-<stack>-a-b-data`. Two objects never share a name: refused here,
 * naming both places.
 */
export const checkPhysicalNames: Rule = (m) => {
  const seen = new Map<string, NameClaim>(
    FIXED_NAMES.map((n) => [n, { logical: n, path: [], what: `recette's own ${n}`, owner: "recette" }]),
  );
  const out: Finding[] = [];
  for (const a of m.apps) {
    for (const c of appNameClaims(a)) {
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
  }
  return out;
};
