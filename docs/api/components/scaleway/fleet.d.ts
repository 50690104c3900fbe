import * as pulumi from "@pulumi/pulumi";
import { type Naming } from "../naming";
import type { ClusterNode } from "../node";
export interface FleetArgs {
    naming: Naming;
    zone: string;
    /** Commercial type, e.g. DEV1-S. */
    type: string;
    /** Kernel catalogue key. Defaults to default (bootType local, the image's kernel). */
    kernel?: string;
    /** Image label. Defaults to the kernel entry's image. */
    image?: string;
    managers: number;
    workers: number;
    orchestrator: "swarm" | "k3s";
    dockerVersion?: string;
    rootVolumeGb: number;
    privateCidr: string;
    sshPublicKey: pulumi.Input<string>;
    /** Private key recette uses to bootstrap the nodes (a secret). */
    sshPrivateKey: pulumi.Input<string>;
    /** CIDR allowed on port 22. Defaults to 0.0.0.0/0. */
    sshAllowFrom?: string;
    /**
     * k3s: CIDRs allowed to reach the Kubernetes API (6443) on public addresses. Defaults to none (private network only).
     */
    apiAllowFrom?: string[];
    labels: Record<string, Record<string, string>>;
}
/** The same kernel rule as recipe validation, so a recipe that validates is one the Fleet can boot. */
export declare const validateFleetArgs: (a: FleetArgs) => string | undefined;
/** Scaleway regions are zones without their number: fr-par-1 → fr-par. */
export declare const regionOf: (zone: string) => string;
/**
 * Scaleway instances for a cluster: one security group and private network for the fleet; per node a
 * flexible IP, the instance (booting a catalogue kernel), a private NIC and cloud-init user data.
 */
export declare class Fleet extends pulumi.ComponentResource {
    readonly nodes: ClusterNode[];
    readonly publicIps: Record<string, pulumi.Output<string>>;
    readonly privateIps: Record<string, pulumi.Output<string>>;
    constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions);
}
