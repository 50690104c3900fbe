import { stringify } from "yaml";
import { traefikRuleLiteral } from "../escape";
import { CERT_RESOLVER } from "../swarm/labels";

export const LETS_ENCRYPT = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

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

export const ACME_STORAGE = "/data/acme.json";
export const DYNAMIC_FILE = "/etc/traefik/dynamic.yml";
export const STATIC_FILE = "/etc/traefik/traefik.yml";
export const DASHBOARD_USERS_FILE = "/run/secrets/dashboard-users";

/**
 * `auto` picks production on a production stack only (the stack file's `recette:production: true`):
 * Let's Encrypt rate limits punish testing elsewhere.
 */
export const resolveCaServer = (ca: string, production: boolean, pebbleUrl?: string): string => {
  if (ca === "auto") return production ? LETS_ENCRYPT.production : LETS_ENCRYPT.staging;
  if (ca === "production") return LETS_ENCRYPT.production;
  if (ca === "staging") return LETS_ENCRYPT.staging;
  if (ca === "pebble") {
    if (!pebbleUrl) throw new Error("the pebble CA needs the local Pebble service");
    return pebbleUrl;
  }
  return ca;
};

/** Traefik's static configuration (traefik.yml). */
export const renderStaticConfig = (a: TraefikConfigArgs): string =>
  stringify(
    {
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: { level: "INFO" },
      accessLog: {},
      ping: {},
      ...(a.dashboard ? { api: { dashboard: true } } : {}),
      entryPoints: {
        // aliasHeadersStrategy delete: PHP (PluXml) reads X_Foo as X-Foo, so a client could spoof
        // headers Traefik manages; Traefik itself warns about it for such backends.
        web: {
          address: ":80",
          http: {
            redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } },
            aliasHeadersStrategy: "delete",
          },
        },
        websecure: {
          address: ":443",
          http: {
            middlewares: ["security-headers@file", "retry@file"],
            tls: { certResolver: CERT_RESOLVER },
            aliasHeadersStrategy: "delete",
          },
        },
      },
      providers: { ...a.providers, file: { filename: DYNAMIC_FILE, watch: false } },
      certificatesResolvers: {
        [CERT_RESOLVER]: {
          acme: {
            email: a.email,
            storage: ACME_STORAGE,
            caServer: a.caServer,
            ...(a.challenge === "http"
              ? { httpChallenge: { entryPoint: "web", ...(a.challengeDelay ? { delay: a.challengeDelay } : {}) } }
              : { tlsChallenge: a.challengeDelay ? { delay: a.challengeDelay } : {} }),
          },
        },
      },
    },
    { lineWidth: 0 },
  );

/** Dynamic configuration: security headers, TLS minimum, and the dashboard behind basic auth. */
export const renderDynamicConfig = (minTls: "1.2" | "1.3", dashboardHost?: string): string =>
  stringify(
    {
      http: {
        middlewares: {
          "security-headers": {
            headers: {
              stsSeconds: 31536000,
              stsIncludeSubdomains: true,
              contentTypeNosniff: true,
              frameDeny: true,
              referrerPolicy: "strict-origin-when-cross-origin",
            },
          },
          // A task stopped by a rolling update refuses connections until the provider drops it:
          // Traefik retries such requests on another server (only when the backend sent nothing).
          retry: { retry: { attempts: 3, initialInterval: "100ms" } },
          ...(dashboardHost ? { "dashboard-auth": { basicAuth: { usersFile: DASHBOARD_USERS_FILE } } } : {}),
        },
        ...(dashboardHost
          ? {
              routers: {
                dashboard: {
                  rule: `Host(${traefikRuleLiteral(dashboardHost, "dashboard host")})`,
                  entryPoints: ["websecure"],
                  service: "api@internal",
                  middlewares: ["dashboard-auth"],
                  tls: { certResolver: CERT_RESOLVER },
                },
              },
            }
          : {}),
      },
      tls: { options: { default: { minVersion: minTls === "1.3" ? "VersionTLS13" : "VersionTLS12" } } },
    },
    { lineWidth: 0 },
  );
