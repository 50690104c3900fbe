import * as z from "zod";
import { email, hostname, login, name, port, show, size, version } from "./formats";
import { PLUXML_LOCALES, PLUXML_TIMEZONES } from "./pluxml-lists";
import { ConfigRef, secret } from "./refs";
import { Service, common } from "./service";

/** What PluXml's install form asks for the first (administrator) account. */
export const PluxmlAdmin = z
  .object({
    name: z
      .union([z.string().min(1).max(100), ConfigRef])
      .describe("The administrator's display name (the author shown on articles), at most 100 characters."),
    login: z.union([login(), ConfigRef]).describe("The administrator's login on the admin page (core/admin/)."),
    email: z
      .union([email(), ConfigRef])
      .describe("The administrator's e-mail address (PluXml's lost-password mails go there, through the relay)."),
    password: secret(
      "The administrator's password, from a stack secret; reaches " +
        "the container as a secret file, never an environment variable.",
    ),
  })
  .strict();

export const Pluxml = z
  .object({
    name: name().default("blog").describe("App name. Defaults to blog."),
    host: hostname().describe("Host name the blog answers on."),
    version: version()
      .optional()
      .describe("PluXml release (the image tag). Defaults to the version pinned in images/versions.env."),
    mail: name()
      .optional()
      .describe("Name of the opensmtpd app PluXml's mails (lost password, comment notifications) go through."),
    dataSize: size("16Ti")
      .default("1Gi")
      .describe("Size of the data/ volume (articles, comments, config, medias). Defaults to 1Gi."),
    title: z
      .union([z.string().min(1).max(200), ConfigRef])
      .describe(
        "Site title, set when the blog is installed (first start on an empty " +
          "data/ volume; later changes are made in the admin). Defaults to PluXml.",
      )
      .default("PluXml"),
    locale: z
      .enum(PLUXML_LOCALES, {
        error: (iss) => `${show(iss.input)} is not a PluXml language (one of ${PLUXML_LOCALES.join(", ")})`,
      })
      .default("en")
      .describe(
        "Language of the blog and of the administrator, a PluXml language code. Set at install. Defaults to en.",
      ),
    timezone: z
      .enum(PLUXML_TIMEZONES, {
        error: (iss) =>
          `${show(iss.input)} is not one of PluXml's time zones (e.g. Europe/Paris, ` +
          "Europe/London, US/Eastern; the list is in recipe.schema.json)",
      })
      .default("Europe/Paris")
      .describe(
        "Time zone of the blog, one of PluXml's list (core/lib/class.plx.timezones.php). " +
          "Set at install. Defaults to Europe/Paris (PluXml's own default).",
      ),
    admin: PluxmlAdmin.describe(
      "The administrator account created at install; the blog is " +
        "installed from these values on its first start, never reinstalled.",
    ),
    sampleContent: z
      .boolean()
      .default(true)
      .describe(
        "Install PluXml's sample article, page and comment (its install form's \"sample data\"). Defaults to true.",
      ),
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
    caCertificate: z
      .union([z.string().min(1), ConfigRef])
      .optional()
      .describe(
        "PEM of the CA that signed the smarthost's certificate, usually { config: key } (recette " +
          "config set key < ca.pem), for a provider whose certificate no public CA signed. The " +
          "relay verifies the smarthost's certificate either way. Defaults to the public CAs only.",
      ),
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
        "smarthost: through `smarthost` (needed on Scaleway, which blocks outbound SMTP); direct: MX " +
          "delivery; mailbox: kept in the relay's own Maildir volume (tests, local). Defaults to smarthost.",
      ),
    smarthost: Smarthost.optional().describe("Authenticated relay used when delivery is smarthost."),
    domain: hostname()
      .optional()
      .describe(
        "Host name the relay presents: its SMTP banner and its HELO to the " +
          "smarthost or the MX (direct delivery needs a name that resolves to " +
          "the node). Defaults to the relay's service name on the stack network.",
      ),
    publish: port()
      .optional()
      .describe("Publish SMTP on this node port. Not published by default (only the stack's network may send)."),
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
      ctx.addIssue({
        code: "custom",
        message:
          "each app is exactly one of pluxml | opensmtpd | service " +
          `(found ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
      });
    }
  });

export type Pluxml = z.infer<typeof Pluxml>;
export type Opensmtpd = z.infer<typeof Opensmtpd>;
export type App = z.infer<typeof App>;
