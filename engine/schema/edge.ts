import * as z from "zod";
import { count, email, hostname, httpsUrl, version } from "./formats";
import { ConfigRef, secret } from "./refs";

const Acme = z
  .object({
    email: z.union([email(), ConfigRef]).describe("Account e-mail for the ACME CA (usually { config: acmeEmail })."),
    ca: z
      .union([z.enum(["auto", "production", "staging", "pebble"]), httpsUrl()])
      .default("auto")
      .describe(
        "ACME CA: `auto` (Let's Encrypt production on a production stack, `recette:production: true` in its " +
          "stack file; staging elsewhere, to stay clear of rate limits), `production`, `staging`, `pebble` (the test " +
          "CA, run as a service of the stack; local and hosts providers only) or an https:// directory URL. " +
          "Defaults to auto.",
      ),
    challenge: z
      .enum(["http", "tls"])
      .default("http")
      .describe("HTTP-01 (port 80) or TLS-ALPN-01 (port 443). Defaults to http."),
    storage: z
      .enum(["file"])
      .default("file")
      .describe(
        "Where certificates live: `file` is acme.json (0600) on a kept " +
          "volume; it allows one Traefik replica only. Defaults to file.",
      ),
  })
  .strict();

const Dashboard = z
  .object({
    host: hostname().describe("Host name the dashboard is routed on (HTTPS only)."),
    users: secret("htpasswd lines (user:hash) for basic auth, from a stack secret."),
  })
  .strict();

const Traefik = z
  .object({
    version: version()
      .optional()
      .describe("Traefik image version. Defaults to the version pinned in images/versions.env."),
    acme: Acme,
    dashboard: z
      .union([z.literal(false), Dashboard])
      .default(false)
      .describe("Off (false) by default; when on, only behind basic auth from a stack secret."),
    replicas: count(1, 10, "replicas")
      .default(1)
      .describe("Traefik replicas. File ACME storage allows exactly 1. Defaults to 1."),
    minTls: z.enum(["1.2", "1.3"]).default("1.2").describe("Minimum TLS version. Defaults to 1.2."),
    ports: z
      .object({
        http: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .default(80)
          .describe("Node port for HTTP (redirects to HTTPS). Defaults to 80."),
        https: z.number().int().min(1).max(65535).default(443).describe("Node port for HTTPS. Defaults to 443."),
      })
      .strict()
      .default({ http: 80, https: 443 })
      .describe(
        "Ports Traefik publishes on the nodes (host mode, client " +
          "addresses kept). ACME HTTP-01 needs 80 reachable from the CA.",
      ),
  })
  .strict();

export const Edge = z
  .object({ traefik: Traefik.describe("Traefik v3 as the edge router, with ACME certificates.") })
  .strict()
  .describe("The edge router in front of every HTTP route.");

export type Edge = z.infer<typeof Edge>;
