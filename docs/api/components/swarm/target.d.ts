import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { type Naming } from "../naming";
import type { DeployedWorkload, Workload, WorkloadTarget } from "../workload";
import { type SharedEdge } from "./service-spec";
export interface TargetArgs {
    naming: Naming;
    /** Docker provider talking to a manager (local socket or ssh://). */
    provider: docker.Provider;
    /** True when every node has IPVS (routing mesh usable); false selects host publishing + dnsrr. */
    mesh: pulumi.Input<boolean>;
    /** Encrypt the overlay network (IPsec between nodes). Defaults to false. */
    encryptOverlay?: boolean;
    /**
     * Stateful volumes are also `protect`ed (production stacks). They are always retained on delete. Defaults to
     * false.
     */
    protectVolumes?: boolean;
    /** What must be ready before any Docker object is created (the swarm bootstrap). Defaults to none. */
    dependsOn?: pulumi.Resource[];
    /**
     * Run each service on its image's digest, as the manager's engine pulls it (docker.RemoteImage),
     * for images in a registry. Swarm resolves a registry image's tag to a digest (and fills the
     * placement's platforms) itself: a spec naming only the tag differs from the running service at
     * every preview, and every `up` restarted every service. A tag is resolved when it is first
     * deployed; a tag moved in the registry is not followed (deploy a new tag). Leave it off for images
     * that exist only in the engines' own store (the local stack). Defaults to false.
     */
    pinImages?: boolean;
    /**
     * Another stack's Traefik to route through (a derived stack: `recette drill`, a preview environment):
     * its network and edge label, from that stack's `edge` output. Defaults to the stack's own edge.
     */
    edge?: SharedEdge;
}
/**
 * `image` at the digest of `repoDigest` (what the engine reports: repository@sha256:…), keeping the tag for people
 * reading it.
 */
export declare const pinnedImage: (image: string, repoDigest: string) => string;
/** The stack network's name; an encrypted overlay has its own, so switching creates it before the old one goes. */
export declare const networkName: (a: Pick<TargetArgs, "naming" | "encryptOverlay">) => string;
/**
 * Runs Workloads on a Docker Swarm: one attachable overlay network per stack, then per workload its
 * volumes, configs, secrets and a docker.Service.
 */
export declare class Target extends pulumi.ComponentResource implements WorkloadTarget {
    readonly kind: "swarm";
    readonly network: docker.Network;
    readonly networkName: pulumi.Output<string>;
    private readonly args;
    constructor(name: string, args: TargetArgs, opts?: pulumi.ComponentResourceOptions);
    traefikProviders(): Record<string, unknown>;
    networkCidrs(): string[];
    serviceHost(logical: string): string;
    deploy(w: Workload, parent: pulumi.Resource): DeployedWorkload;
}
