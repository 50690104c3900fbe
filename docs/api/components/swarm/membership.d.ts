import * as pulumi from "@pulumi/pulumi";
/**
 * What a joined node says of its own Swarm membership, read again at every refresh: the drift check
 * for a node that left by hand (`docker swarm leave`). A `command.remote.Command` cannot see it (its
 * refresh changes nothing), so this small dynamic resource sits before the node's join step:
 *
 * - create records the desired state, `active`, and a generation the join step's environment carries;
 * - read (refresh) asks the node over SSH, as the operator's SSH reaches it (the agent, exactly as the
 *   Docker provider reaches the manager): `docker info --format {{.Swarm.LocalNodeState}}`;
 * - diff proposes to replace it when the node reports `inactive` (it left). The replacement has a new
 *   generation, so the join step is updated: its script runs again and joins the node (keeping who
 *   joined it first, see renderJoin), and the labels follow the new node id.
 *
 * A node that does not answer (its engine or the network down) keeps the state it had: a refresh
 * reports what it saw, never a guess. Read-only: nothing here changes a node.
 */
export interface MembershipArgs {
    /** `user@address` the operator's SSH reaches the node at. */
    sshTarget: pulumi.Input<string>;
    sshPort: pulumi.Input<number>;
}
/** The node's own view of its membership (no interpolation: a constant command). */
export declare const MEMBERSHIP_PROBE = "docker info --format '{{.Swarm.LocalNodeState}}'";
/** The state a joined node must report. */
export declare const JOINED = "active";
/** When a refreshed Membership must be replaced (its node left): the dynamic provider's diff. */
export declare const membershipDiff: (olds: Record<string, unknown>, news: Record<string, unknown>) => pulumi.dynamic.DiffResult;
export declare const membershipProvider: pulumi.dynamic.ResourceProvider;
/** One joined node's membership (see above). `generation` changes when the node must join again. */
export declare class Membership extends pulumi.dynamic.Resource {
    readonly state: pulumi.Output<string>;
    readonly generation: pulumi.Output<string>;
    constructor(name: string, args: MembershipArgs, opts?: pulumi.CustomResourceOptions);
}
