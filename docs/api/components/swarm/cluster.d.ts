import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterNode, type OrchestratorCluster } from "../node";
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
/** The Docker endpoint of a manager: the local socket, or ssh:// (the operator's key, loaded in ssh-agent). */
export declare const dockerHost: (node: ClusterNode) => pulumi.Input<string>;
/**
 * A Docker Swarm bootstrapped on the nodes: `swarm init` on the first manager, joins for the rest,
 * node labels for placement; a node removed from the recipe is drained and removed. A joined node that
 * left by hand (`docker swarm leave`) is seen by the next refresh (its Membership, membership.ts) and
 * joins again, labelled, at the next `up --refresh`.
 * Leaving the swarm on destroy is deliberate only for nodes this stack joined: the first manager keeps
 * its swarm, which other stacks on the same engine may use, and a node that was already in the swarm
 * (another stack of the same hosts joined it) stays for that stack.
 *
 * Like k3s.Cluster, it owns the provider its Targets use (`provider`, ready once every node has joined and is
 * labelled) and exports how a client reaches it, as a secret (`dockerHost`; k3s: `kubeconfig`).
 */
export declare class Cluster extends pulumi.ComponentResource implements OrchestratorCluster<docker.Provider> {
    /** Docker provider on the first manager, for swarm.Target; it waits for `ready`. */
    readonly provider: docker.Provider;
    /** The first manager's Docker endpoint (a secret: it names a host and how to reach it). */
    readonly dockerHost: pulumi.Output<string>;
    /** Swarm node ids by node name. */
    readonly nodeIds: Record<string, pulumi.Output<string>>;
    readonly managerToken: pulumi.Output<string>;
    readonly workerToken: pulumi.Output<string>;
    /** Resources that finish when every node has joined and is labelled. */
    readonly ready: pulumi.Resource[];
    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions);
}
