import * as pulumi from "@pulumi/pulumi";
import { type ClusterNode } from "../node";
import { type PreflightChecks, type PreflightReport } from "./script";
export interface PreflightArgs extends Omit<PreflightChecks, "node"> {
    node: ClusterNode;
    /** IPVS as the kernel catalogue promises it (Scaleway), used before the node has answered. */
    expectedIpvs?: boolean;
}
/**
 * Checks a node before the orchestrator is bootstrapped: IPVS, VXLAN, cgroups, memory, Docker.
 * A missing requirement fails the deployment with a message naming the node and the fix.
 */
export declare class Preflight extends pulumi.ComponentResource {
    /** The node's report; unknown during a first preview. */
    readonly report: pulumi.Output<PreflightReport | undefined>;
    /** Whether Swarm may use the routing mesh on this node. */
    readonly mesh: pulumi.Output<boolean>;
    readonly step: pulumi.Resource;
    constructor(name: string, args: PreflightArgs, opts?: pulumi.ComponentResourceOptions);
}
