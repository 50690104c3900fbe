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
export declare const TRAEFIK_OBJECTS: {
    name: string;
    volumes: {
        acme: {
            name: string;
            what: string;
        };
    };
    secrets: {
        dashboardUsers: {
            name: string;
            what: string;
            when: (s: TraefikSettings) => boolean;
        };
    };
    files: {
        static: {
            name: string;
            what: string;
        };
        dynamic: {
            name: string;
            what: string;
        };
        acmeCa: {
            name: string;
            what: string;
            when: (s: TraefikSettings) => boolean;
        };
    };
};
