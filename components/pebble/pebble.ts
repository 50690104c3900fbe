import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";

export interface PebbleArgs {
  target: WorkloadTarget;
  image: string;
}

/** Pebble's ACME directory inside the stack network. */
export const pebbleDirectory = (target: WorkloadTarget) => `https://${target.serviceHost("pebble")}:14000/dir`;

/**
 * Pebble, Let's Encrypt's test CA, for the `local` environment only. It validates HTTP-01 for real:
 * it resolves the blog's host through Docker's embedded DNS (where Traefik carries the host as a
 * network alias) and fetches the challenge on port 80.
 */
export const pebbleWorkload = (a: PebbleArgs): Workload => ({
  ...workloadDefaults(),
  name: "pebble",
  image: a.image,
  args: ["pebble", "-config", "/etc/pebble/pebble-config.json", "-dnsserver", "127.0.0.11:53"],
  // Keep the test CA honest: no nonce rejection noise, and never skip validation.
  // The listener certificate must name the service as Traefik reaches it (the image issues it at start).
  env: { PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_VA_NOSLEEP: "1", PEBBLE_EXTRA_NAMES: a.target.serviceHost("pebble") },
  ports: [14000, 15000],
  replicas: 1,
  update: { parallelism: 1, delay: "0s", order: "stop-first" },
  resources: { memoryMiB: 128 },
});

export class Pebble extends pulumi.ComponentResource {
  readonly directory: string;
  /** The CA that signs Pebble's own HTTPS listener, for LEGO_CA_CERTIFICATES in Traefik. */
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: PebbleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:pebble:Pebble", name, {}, opts);
    args.target.deploy(pebbleWorkload(args), this);
    this.directory = pebbleDirectory(args.target);
    // Read from the image itself, so the certificate always matches the Pebble that runs.
    const ca = new command.local.Command(
      `${name}-ca`,
      { create: `docker run --rm --entrypoint cat ${args.image} /etc/pebble/ca.pem`, triggers: [args.image] },
      { parent: this },
    );
    this.caCertificate = ca.stdout.apply((s) => `${s.trim()}\n`);
    this.registerOutputs({ directory: this.directory });
  }
}
