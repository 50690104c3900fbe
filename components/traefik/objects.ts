import type { ComponentObjects } from "../workload-names";

/** What decides which objects Traefik has: its TraefikArgs (a recipe's edge sets them). */
export interface TraefikSettings {
  dashboard?: unknown;
  acmeCaCertificate?: unknown;
}

/**
 * The objects the Traefik workload owns, named here once: traefikWorkload takes the names from this
 * declaration and recipe validation (engine/model/rules/names.ts) claims the same ones. The conditional
 * ones say when Traefik has them (`when`), the same tests traefikWorkload makes. No Pulumi in this module.
 */
export const TRAEFIK_OBJECTS = {
  name: "traefik",
  volumes: { acme: { name: "acme", what: "acme.json volume" } },
  secrets: {
    dashboardUsers: { name: "dashboard-users", what: "dashboard users", when: (s) => Boolean(s.dashboard) },
  },
  files: {
    static: { name: "traefik.yml", what: "static configuration" },
    dynamic: { name: "dynamic.yml", what: "dynamic configuration" },
    acmeCa: { name: "acme-ca.pem", what: "ACME CA certificate", when: (s) => Boolean(s.acmeCaCertificate) },
  },
} satisfies ComponentObjects<TraefikSettings>;
