import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { K3S_CLUSTER_DNS } from "../cluster-facts";
import { shellCommand, shellQuote } from "../escape";
import type { ClusterNode } from "../node";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";
import { PEBBLE_OBJECTS } from "./objects";

export interface PebbleArgs {
  target: WorkloadTarget;
  image: string;
  /**
   * A Swarm manager, where the readiness wait asks Swarm about Pebble's task (over SSH when the node
   * has a connection). Defaults to this machine.
   */
  manager?: ClusterNode;
}

/** Pebble's ACME directory inside the stack network. */
export const pebbleDirectory = (target: WorkloadTarget) =>
  `https://${target.serviceHost(PEBBLE_OBJECTS.name)}:14000/dir`;

/**
 * The DNS server Pebble asks for the names it validates: Docker's embedded DNS on Swarm (Traefik
 * carries the hosts as network aliases); on Kubernetes the cluster DNS at its conventional address
 * (10.43.0.10 on k3s and on the local cluster, whose DNS answers the local test zone with the node's
 * address, where Traefik's LoadBalancer Service listens).
 */
export const pebbleDnsServer = (target: WorkloadTarget) =>
  target.kind === "swarm" ? "127.0.0.11:53" : `${K3S_CLUSTER_DNS}:53`;

/**
 * Pebble, Let's Encrypt's test CA, for the `local` environment only. It validates HTTP-01 for real:
 * it resolves the blog's host through Docker's embedded DNS (where Traefik carries the host as a
 * network alias) and fetches the challenge on port 80.
 */
export const pebbleWorkload = (a: PebbleArgs): Workload => ({
  ...workloadDefaults(),
  name: PEBBLE_OBJECTS.name,
  image: a.image,
  args: ["pebble", "-config", "/etc/pebble/pebble-config.json", "-dnsserver", pebbleDnsServer(a.target)],
  // Keep the test CA honest: no nonce rejection noise, and never skip validation.
  // The listener certificate must name the service as Traefik reaches it (the image issues it at start).
  env: {
    PEBBLE_WFE_NONCEREJECT: "0",
    PEBBLE_VA_NOSLEEP: "1",
    PEBBLE_EXTRA_NAMES: a.target.serviceHost(PEBBLE_OBJECTS.name),
  },
  ports: [14000, 15000],
  // Healthy once the ACME directory's port accepts connections (the image has bash, no curl).
  health: {
    command: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/14000"],
    interval: "2s",
    timeout: "2s",
    retries: 30,
    startPeriod: "2s",
  },
  replicas: 1,
  update: { parallelism: 1, delay: "0s", order: "stop-first" },
  resources: { memoryMiB: 128 },
});

/**
 * Waits (up to 3 minutes) until a task of the Swarm service is healthy, wherever it runs: run on a
 * manager. A task with a health check stays `Starting` until its container is healthy, then `Running`.
 */
export const renderWaitHealthy = (service: string): string => {
  const tasks = shellCommand([
    "docker",
    "service",
    "ps",
    "--filter",
    "desired-state=running",
    "--format",
    "{{.CurrentState}}",
    service,
  ]);
  return [
    "for _ in $(seq 1 90); do",
    `  if ${tasks} 2>/dev/null | grep -q '^Running'; then exit 0; fi`,
    "  sleep 2",
    "done",
    `echo ${shellQuote(`recette: ${service} is not healthy after 180 s (see: docker service ps ${service})`)} >&2`,
    "exit 1",
  ].join("\n");
};

export class Pebble extends pulumi.ComponentResource {
  readonly directory: string;
  /** The CA that signs Pebble's own HTTPS listener, for LEGO_CA_CERTIFICATES in Traefik. */
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: PebbleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:pebble:Pebble", name, {}, opts);
    const deployed = args.target.deploy(pebbleWorkload(args), this);
    this.directory = pebbleDirectory(args.target);
    // Read from the image itself, so the certificate always matches the Pebble that runs.
    const ca = new command.local.Command(
      `${name}-ca`,
      {
        create: shellCommand(["docker", "run", "--rm", "--entrypoint", "cat", args.image, "/etc/pebble/ca.pem"]),
        triggers: [args.image],
      },
      { parent: this },
    );
    // Traefik asks for its certificates once, at start: if Pebble is not answering yet, it does not ask
    // again until its configuration changes. Callers depend on this component, so they start after it.
    if (args.target.kind === "swarm") {
      const wait = { create: deployed.name.apply(renderWaitHealthy), triggers: [args.image] };
      const waitOpts = { parent: this, dependsOn: deployed.resources, customTimeouts: { create: "5m", update: "5m" } };
      const connection = args.manager?.connection;
      if (connection) new command.remote.Command(`${name}-ready`, { ...wait, connection }, waitOpts);
      else new command.local.Command(`${name}-ready`, wait, waitOpts);
    }
    this.caCertificate = ca.stdout.apply((s) => `${s.trim()}\n`);
    this.registerOutputs({ directory: this.directory, caCertificate: this.caCertificate });
  }
}
