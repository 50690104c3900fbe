export declare const LETS_ENCRYPT: {
    readonly production: "https://acme-v02.api.letsencrypt.org/directory";
    readonly staging: "https://acme-staging-v02.api.letsencrypt.org/directory";
};
export interface TraefikConfigArgs {
    email: string;
    /** ACME directory URL. */
    caServer: string;
    challenge: "http" | "tls";
    /** The orchestrator's provider section (from the WorkloadTarget). */
    providers: Record<string, unknown>;
    dashboard: boolean;
    /**
     * Wait between publishing a challenge and asking the CA to validate it, e.g. "10s". Traefik asks
     * once and does not retry a failed validation until its configuration changes, so a CA that
     * resolves names through Docker's DNS (the local Pebble) must not ask before the new task's aliases
     * are known there. Defaults to none.
     */
    challengeDelay?: string;
}
export declare const ACME_STORAGE = "/data/acme.json";
export declare const DYNAMIC_FILE = "/etc/traefik/dynamic.yml";
export declare const STATIC_FILE = "/etc/traefik/traefik.yml";
export declare const DASHBOARD_USERS_FILE = "/run/secrets/dashboard-users";
/**
 * `auto` picks production on a production stack only (the stack file's `recette:production: true`):
 * Let's Encrypt rate limits punish testing elsewhere.
 */
export declare const resolveCaServer: (ca: string, production: boolean, pebbleUrl?: string) => string;
/** Traefik's static configuration (traefik.yml). */
export declare const renderStaticConfig: (a: TraefikConfigArgs) => string;
/** Dynamic configuration: security headers, TLS minimum, and the dashboard behind basic auth. */
export declare const renderDynamicConfig: (minTls: "1.2" | "1.3", dashboardHost?: string) => string;
