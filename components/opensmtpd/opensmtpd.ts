import * as pulumi from "@pulumi/pulumi";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";
import { checkCaCertificate, CREDENTIALS_FILE, renderCredentials, renderSmtpdConf, SMARTHOST_CA_FILE } from "./config";
import { argumentsError, type ArgProblem } from "../problems";
import { OPENSMTPD_OBJECTS } from "./objects";
import { validateRelayDelivery } from "./validate";

export interface OpensmtpdArgs {
  target: WorkloadTarget;
  image: string;
  /** App name (the blog's `mail` refers to it). Defaults to relay. */
  name?: string;
  recipient: pulumi.Input<string>;
  delivery: "smarthost" | "direct" | "mailbox";
  smarthost?: {
    host: string;
    port: number;
    tls: "starttls" | "smtps";
    user: pulumi.Input<string>;
    password: pulumi.Input<string>;
    /**
     * PEM of the CA that signed the smarthost's certificate, when it is not a public CA (the relay verifies it either
     * way).
     */
    caCertificate?: pulumi.Input<string>;
  };
  /**
   * Host name the relay presents (banner, HELO to the smarthost or MX). Defaults to its service name on the stack
   * network.
   */
  hostname?: string;
  /** Publish port 25 on the nodes at this port. Not published by default. */
  publish?: number;
  replicas?: number;
  placement?: Workload["placement"];
}

/** Every problem with the arguments (the same check recipe validation runs, in components/opensmtpd/validate.ts). */
export const validateOpensmtpdArgs = (a: OpensmtpdArgs): ArgProblem[] => validateRelayDelivery(a);

/**
 * The OpenSMTPD Workload. Its volumes, secrets and files are named in OPENSMTPD_OBJECTS (objects.ts), whose
 * `when` conditions are the tests made here (components/objects.test.ts and engine/model/rules/names.test.ts
 * build every option).
 */
export const opensmtpdWorkload = (a: OpensmtpdArgs): Workload => {
  const O = OPENSMTPD_OBJECTS;
  const name = a.name ?? O.name;
  const conf = pulumi.output(a.recipient).apply((recipient) =>
    renderSmtpdConf({
      senders: a.target.networkCidrs(),
      recipient,
      delivery: a.delivery,
      smarthost: a.smarthost,
      hostname: a.hostname ?? a.target.serviceHost(name),
    }),
  );
  const credentials = a.smarthost
    ? pulumi.secret(pulumi.all([a.smarthost.user, a.smarthost.password]).apply(([u, p]) => renderCredentials(u, p)))
    : undefined;
  return {
    ...workloadDefaults(),
    name,
    image: a.image,
    files: [
      { name: O.files.conf.name, path: "/etc/smtpd/smtpd.conf", content: conf },
      ...(a.smarthost?.caCertificate
        ? [
            {
              name: O.files.smarthostCa.name,
              path: SMARTHOST_CA_FILE,
              content: pulumi.output(a.smarthost.caCertificate).apply(checkCaCertificate),
            },
          ]
        : []),
    ],
    // smtpd refuses a secrets table readable by others.
    secrets: credentials
      ? [{ name: O.secrets.credentials.name, path: CREDENTIALS_FILE, content: credentials, mode: 0o400 }]
      : [],
    volumes: [
      { name: O.volumes.spool.name, path: "/var/spool/smtpd", sizeMiB: 256, keep: true },
      ...(a.delivery === "mailbox" ? [{ name: O.volumes.mail.name, path: "/var/mail", sizeMiB: 256, keep: true }] : []),
    ],
    ports: [25],
    published: a.publish ? [{ published: a.publish, target: 25, protocol: "tcp" as const }] : [],
    health: { command: ["smtpctl", "show", "status"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "10s" },
    replicas: a.replicas ?? 1,
    update: { parallelism: 1, delay: "5s", order: "stop-first" },
    resources: { memoryMiB: 64 },
    placement: a.placement ?? { labels: {}, role: "any" },
  };
};

/** OpenSMTPD relaying the blog's contact-form mail, never an open relay. */
export class Opensmtpd extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  /** Host name other workloads of the stack use to send mail. */
  readonly host: string;

  constructor(name: string, args: OpensmtpdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:opensmtpd:Opensmtpd", name, {}, opts);
    const problems = validateOpensmtpdArgs(args);
    if (problems.length) throw argumentsError("recette:opensmtpd:Opensmtpd", name, problems);
    const workload = opensmtpdWorkload(args);
    this.host = args.target.serviceHost(workload.name);
    this.serviceName = args.target.deploy(workload, this).name;
    this.registerOutputs({ serviceName: this.serviceName, host: this.host });
  }
}
