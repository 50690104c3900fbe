import { z } from "zod";
import { email, hostname, login, name, port, size, version } from "./formats";
import { ConfigRef, secret } from "./refs";
import { Service, common } from "./service";

export const Pluxml = z
  .object({
    name: name().default("blog").describe("App name. Defaults to blog."),
    host: hostname().describe("Host name the blog answers on."),
    version: version().optional().describe("PluXml release. Defaults to the version pinned in images/versions.env."),
    source: z
      .string()
      .optional()
      .describe("PluXml release URL (https://…zip) or `standin` (offline PHP stand-in, tests only). Defaults to standin on local, the release URL elsewhere."),
    sha256: z.string().regex(/^[a-f0-9]{64}$/).optional().describe("SHA-256 of the release archive; required with a URL source."),
    mail: name().optional().describe("Name of the opensmtpd app the contact form sends through."),
    dataSize: size("16Ti").default("1Gi").describe("Size of the data/ volume (articles, comments, config, medias). Defaults to 1Gi."),
    ...common,
  })
  .strict();

export const Smarthost = z
  .object({
    host: hostname().describe("Relay host, e.g. smtp.tem.scw.cloud."),
    port: port().default(587).describe("Defaults to 587 (Scaleway's transactional e-mail also listens on 2587)."),
    tls: z.enum(["starttls", "smtps"]).default("starttls").describe("Defaults to starttls."),
    user: z.union([login(), ConfigRef]).describe("Login on the relay."),
    password: secret("Password on the relay, from a stack secret."),
  })
  .strict();

export const Opensmtpd = z
  .object({
    name: name().default("relay").describe("App name; the blog's `mail` refers to it. Defaults to relay."),
    deliverTo: z.union([email(), ConfigRef]).describe("Where contact-form mail goes."),
    delivery: z
      .enum(["smarthost", "direct", "mailbox"])
      .default("smarthost")
      .describe(
        "smarthost: through `smarthost` (needed on Scaleway, which blocks outbound SMTP); direct: MX delivery; mailbox: kept in the relay's own Maildir volume (tests, local). Defaults to smarthost.",
      ),
    smarthost: Smarthost.optional().describe("Authenticated relay used when delivery is smarthost."),
    domain: hostname().optional().describe("Mail domain the relay accepts for. Defaults to the deliverTo address's domain."),
    publish: port().optional().describe("Publish SMTP on this node port. Not published by default (only the stack's network may send)."),
    ...common,
  })
  .strict();

export const App = z
  .object({
    pluxml: Pluxml.optional().describe("The PluXml blog (PHP, flat files; data/ on a kept volume)."),
    opensmtpd: Opensmtpd.optional().describe("OpenSMTPD relay for the blog's contact form."),
    service: Service.optional().describe("Any container: image, env, secrets, volumes, routes, ports, health…"),
  })
  .strict()
  .superRefine((app, ctx) => {
    const kinds = Object.keys(app);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: "custom", message: `each app is exactly one of pluxml | opensmtpd | service (found ${kinds.length === 0 ? "none" : kinds.join(", ")})` });
    }
  });

export type Pluxml = z.infer<typeof Pluxml>;
export type Opensmtpd = z.infer<typeof Opensmtpd>;
export type App = z.infer<typeof App>;
