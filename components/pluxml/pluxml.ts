import * as pulumi from "@pulumi/pulumi";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";

export interface PluxmlArgs {
  target: WorkloadTarget;
  image: string;
  /** App name. Defaults to blog. */
  name?: string;
  /** Host name the blog answers on (routed by Traefik, HTTPS). */
  host: string;
  /** The relay's host on the stack network; PHP mail() goes there. Mail is off when undefined. */
  relayHost?: string;
  /** Where the contact form sends mail. */
  contactTo?: pulumi.Input<string>;
  /** Size of data/ in MiB. Defaults to 1024. */
  dataSizeMiB?: number;
  replicas?: number;
  update?: Workload["update"];
  placement?: Workload["placement"];
  resources?: Workload["resources"];
}

export const DATA_PATH = "/var/www/html/data";

/** The PluXml Workload: Apache + PHP on port 80, data/ on a kept volume, mail() wired to the relay. */
export const pluxmlWorkload = (a: PluxmlArgs): Workload => ({
  ...workloadDefaults(),
  name: a.name ?? "blog",
  image: a.image,
  env: {
    ...(a.relayHost ? { SMTP_HOST: a.relayHost, SMTP_PORT: "25" } : {}),
    MAIL_FROM: `blog@${a.host}`,
    ...(a.contactTo ? { CONTACT_TO: a.contactTo } : {}),
  },
  // Articles, comments, configuration and media: must survive updates and redeploys.
  volumes: [{ name: "data", path: DATA_PATH, sizeMiB: a.dataSizeMiB ?? 1024, keep: true }],
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
    this.url = `https://${args.host}/`;
    this.registerOutputs({ serviceName: this.serviceName, url: this.url });
  }
}
