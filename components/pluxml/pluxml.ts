import * as pulumi from "@pulumi/pulumi";
import { siteUrl } from "../naming";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";
import { PLUXML_OBJECTS } from "./objects";

export interface PluxmlArgs {
  target: WorkloadTarget;
  image: string;
  /** App name. Defaults to blog. */
  name?: string;
  /** Host name the blog answers on (routed by Traefik, HTTPS). */
  host: string;
  /** The port the edge serves HTTPS on, for the blog's URL. Defaults to 443. */
  httpsPort?: number;
  /** What PluXml's install form asks; the container installs the blog from it on its first start. */
  install: PluxmlInstall;
  /** The relay's host on the stack network; PHP mail() (PluXml's mails) goes there. Mail is off when undefined. */
  relayHost?: string;
  /** Size of data/ in MiB. Defaults to 1024. */
  dataSizeMiB?: number;
  replicas?: number;
  update?: Workload["update"];
  placement?: Workload["placement"];
  resources?: Workload["resources"];
}

/**
 * PluXml's install form, filled from the recipe. The image installs the blog from these values on its
 * first start into an empty data/ volume and never again: later changes are made in the admin.
 */
export interface PluxmlInstall {
  /** Site title. Defaults to PluXml. */
  title?: pulumi.Input<string>;
  /** PluXml language code (a directory of core/lang/: de en es fr it nl oc pl pt ro ru). Defaults to en. */
  locale?: string;
  /** One of PluXml's time zones (core/lib/class.plx.timezones.php). Defaults to Europe/Paris. */
  timezone?: string;
  /** The administrator's display name. */
  adminName: pulumi.Input<string>;
  /** The administrator's login. */
  adminLogin: pulumi.Input<string>;
  /** The administrator's e-mail address (lost-password mails). */
  adminEmail: pulumi.Input<string>;
  /** The administrator's password: made a Pulumi secret, mounted as the file ADMIN_PASSWORD_PATH. */
  adminPassword: pulumi.Input<string>;
  /** PluXml's sample article, page and comment. Defaults to true. */
  sampleContent?: boolean;
}

export const DATA_PATH = "/var/www/html/data";
/** Where the admin password is mounted (Docker secret, Kubernetes Secret); the image reads it there. */
export const ADMIN_PASSWORD_PATH = "/run/secrets/admin-password";

const INSTALL_DEFAULTS = { title: "PluXml", locale: "en", timezone: "Europe/Paris", sampleContent: true };

/** The install settings as the image reads them (pluxml-entrypoint); the password is a file, never a variable. */
export const installEnv = (install: PluxmlInstall): Record<string, pulumi.Input<string>> => {
  const i = { ...INSTALL_DEFAULTS, ...install };
  return {
    PLUXML_TITLE: i.title,
    PLUXML_LOCALE: i.locale,
    PLUXML_TIMEZONE: i.timezone,
    PLUXML_ADMIN_NAME: i.adminName,
    PLUXML_ADMIN_LOGIN: i.adminLogin,
    PLUXML_ADMIN_EMAIL: i.adminEmail,
    PLUXML_SAMPLE_CONTENT: i.sampleContent ? "1" : "0",
    PLUXML_ADMIN_PASSWORD_FILE: ADMIN_PASSWORD_PATH,
  };
};

/**
 * The PluXml Workload: Apache + PHP on port 80, data/ on a kept volume, installed from `install`, mail() wired
 * to the relay. Its volumes and secrets are named in PLUXML_OBJECTS (objects.ts).
 */
export const pluxmlWorkload = (a: PluxmlArgs): Workload => ({
  ...workloadDefaults(),
  name: a.name ?? PLUXML_OBJECTS.name,
  image: a.image,
  env: {
    ...(a.relayHost ? { SMTP_HOST: a.relayHost, SMTP_PORT: "25" } : {}),
    MAIL_FROM: `blog@${a.host}`,
    ...installEnv(a.install),
  },
  secrets: [
    {
      name: PLUXML_OBJECTS.secrets.adminPassword.name,
      path: ADMIN_PASSWORD_PATH,
      content: pulumi.secret(a.install.adminPassword),
      mode: 0o400,
    },
  ],
  // Articles, comments, configuration and media: must survive updates and redeploys.
  volumes: [{ name: PLUXML_OBJECTS.volumes.data.name, path: DATA_PATH, sizeMiB: a.dataSizeMiB ?? 1024, keep: true }],
  routes: [{ host: a.host, path: "/", port: 80 }],
  ports: [80],
  // The image has PHP but no curl: PHP itself fetches the home page.
  health: {
    command: ["php", "-r", "exit(@file_get_contents('http://127.0.0.1/') === false ? 1 : 0);"],
    interval: "10s",
    timeout: "5s",
    retries: 3,
    startPeriod: "10s",
  },
  replicas: a.replicas ?? 1,
  update: a.update ?? { parallelism: 1, delay: "5s", order: "start-first" },
  resources: a.resources ?? { memoryMiB: 256 },
  placement: a.placement ?? { labels: {}, role: "any" },
});

/** The PluXml blog, the same on Swarm and k3s. */
export class Pluxml extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly url: string;

  constructor(name: string, args: PluxmlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:pluxml:Pluxml", name, {}, opts);
    this.serviceName = args.target.deploy(pluxmlWorkload(args), this).name;
    this.url = siteUrl(args.host, "/", args.httpsPort);
    this.registerOutputs({ serviceName: this.serviceName, url: this.url });
  }
}
