import * as pulumi from "@pulumi/pulumi";
import { type ClusterNode } from "../node";
import { type ArgProblem } from "../problems";
export interface ClusterArgs {
    /** Nodes in recipe order; the first manager initialises the swarm. Needs an odd number of managers. */
    nodes: ClusterNode[];
    /** Swarm autolock: managers need the unlock key after a restart. Defaults to false. */
    autolock?: boolean;
    /** Resources that must finish first (the preflight steps). */
    dependsOn?: pulumi.Resource[];
}
/** Every problem with the arguments (the same check recipe validation runs, in components/swarm/validate.ts). */
export declare const validateClusterArgs: (args: ClusterArgs) => ArgProblem[];
/**
 * A Docker Swarm bootstrapped on the nodes: `swarm init` on the first manager, joins for the rest,
 * node labels for placement; a node removed from the recipe is drained and removed. A joined node that
 * left by hand (`docker swarm leave`) is seen by the next refresh (its Membership, membership.ts) and
 * joins again, labelled, at the next `up --refresh`.
 * Leaving the swarm on destroy is deliberate only for nodes this stack joined: the first manager keeps
 * its swarm, which other stacks on the same engine may use, and a node that was already in the swarm
 * (another stack of the same hosts joined it) stays for that stack.
 */
export declare class Cluster extends pulumi.ComponentResource {
    /** Swarm node ids by node name. */
    readonly nodeIds: Record<string, pulumi.Output<string>>;
    readonly managerToken: pulumi.Output<string>;
    readonly workerToken: pulumi.Output<string>;
    /** Resources that finish when every node has joined and is labelled. */
    readonly ready: pulumi.Resource[];
    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions);
}
