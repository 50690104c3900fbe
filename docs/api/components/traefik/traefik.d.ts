import * as pulumi from "@pulumi/pulumi";
import { type Workload, type WorkloadTarget } from "../workload";
import { type ArgProblem } from "../problems";
export interface TraefikArgs {
    target: WorkloadTarget;
    image: string;
    /** ACME account e-mail. */
    email: pulumi.Input<string>;
    /** ACME directory URL (see resolveCaServer). */
    caServer: string;
    /** HTTP-01 or TLS-ALPN-01. Defaults to http. */
    challenge?: "http" | "tls";
    /** Minimum TLS version. Defaults to 1.2. */
    minTls?: "1.2" | "1.3";
    /** Dashboard host and htpasswd lines (a secret). Off when undefined. */
    dashboard?: {
        host: string;
        users: pulumi.Input<string>;
    };
    /** Must be 1: acme.json cannot be shared between replicas. Defaults to 1. */
    replicas?: number;
    /** Host names that resolve to Traefik on the stack network (local ACME validation). Defaults to none. */
    aliases?: string[];
    /** Node ports for HTTP and HTTPS. Defaults to 80 and 443. */
    ports?: {
        http: number;
        https: number;
    };
    /** Wait between publishing an ACME challenge and its validation (see TraefikConfigArgs). Defaults to none. */
    challengeDelay?: string;
    /** Extra CA certificate (PEM) Traefik trusts for the ACME directory, e.g. the local Pebble CA. */
    acmeCaCertificate?: pulumi.Input<string>;
}
/** Every problem with the arguments (the same check recipe validation runs, in components/traefik/validate.ts). */
export declare const validateTraefikArgs: (a: TraefikArgs) => ArgProblem[];
/**
 * The Traefik Workload: static and dynamic config files, acme.json on a kept volume, ports 80/443. Its
 * volumes, secrets and files are named in TRAEFIK_OBJECTS (objects.ts), whose `when` conditions are the
 * tests made here (components/objects.test.ts and engine/model/rules/names.test.ts build every option).
 */
export declare const traefikWorkload: (a: TraefikArgs) => Workload;
/** Traefik v3 as the edge router with ACME certificates, on Swarm or k3s. */
export declare class Traefik extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions);
}
