import * as pulumi from "@pulumi/pulumi";
import type { ClusterNode } from "../node";
import { type Workload, type WorkloadTarget } from "../workload";
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
export declare const pebbleDirectory: (target: WorkloadTarget) => string;
/**
 * The DNS server Pebble asks for the names it validates: Docker's embedded DNS on Swarm (Traefik
 * carries the hosts as network aliases); on Kubernetes the cluster DNS at its conventional address
 * (10.43.0.10 on k3s and on the local cluster, whose DNS answers the local test zone with the node's
 * address, where Traefik's LoadBalancer Service listens).
 */
export declare const pebbleDnsServer: (target: WorkloadTarget) => "127.0.0.11:53" | "10.43.0.10:53";
/**
 * Pebble, Let's Encrypt's test CA, for the `local` environment only. It validates HTTP-01 for real:
 * it resolves the blog's host through Docker's embedded DNS (where Traefik carries the host as a
 * network alias) and fetches the challenge on port 80.
 */
export declare const pebbleWorkload: (a: PebbleArgs) => Workload;
/**
 * Waits (up to 3 minutes) until a task of the Swarm service is healthy, wherever it runs: run on a
 * manager. A task with a health check stays `Starting` until its container is healthy, then `Running`.
 */
export declare const renderWaitHealthy: (service: string) => string;
export declare class Pebble extends pulumi.ComponentResource {
    readonly directory: string;
    /** The CA that signs Pebble's own HTTPS listener, for LEGO_CA_CERTIFICATES in Traefik. */
    readonly caCertificate: pulumi.Output<string>;
    constructor(name: string, args: PebbleArgs, opts?: pulumi.ComponentResourceOptions);
}
