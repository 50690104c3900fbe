import * as pulumi from "@pulumi/pulumi";
import type { ClusterNode } from "../node";
export interface HostSpec {
    name: string;
    address: string;
    privateAddress?: string;
    user: string;
    port: number;
    role: "manager" | "worker";
}
export interface HostsArgs {
    hosts: HostSpec[];
    /** SSH private key (a Pulumi secret). */
    privateKey: pulumi.Input<string>;
    /** Labels by node name. */
    labels: Record<string, Record<string, string>>;
}
/**
 * Bring-your-own servers: existing hosts reached over SSH. Creates nothing; it only describes the
 * nodes so the same cluster components run on them.
 */
export declare const hostNodes: (args: HostsArgs) => ClusterNode[];
