/** Initialises the swarm on the first manager unless the node is already in one; prints its node id. */
export declare const renderInit: (advertise: string, autolock: boolean) => string;
/** Prints the join token for a role (run on a manager; the output is a secret). */
export declare const renderJoinToken: (role: "manager" | "worker") => string;
/**
 * Joins a node with the token in $JOIN_TOKEN unless it is already in a swarm. Prints its node id, then
 * `joined` when this step made it join, `adopted` when it was in a swarm already (another stack of the
 * same hosts joined it): only a node a stack joined leaves when that stack goes (see parseJoin).
 * Run again (an update: the node's Membership found it had left, see membership.ts), it joins the node
 * again and keeps what its previous run printed ($PULUMI_COMMAND_STDOUT): who joined it first does not change.
 */
export declare const renderJoin: (managerAddress: string) => string;
/** The node id and membership a join step printed; a step from before `adopted` existed joined its node. */
export declare const parseJoin: (stdout: string) => {
    nodeId: string;
    membership: "joined" | "adopted";
};
/** Run on the leaving node: leave the swarm (its tasks are already drained), unless this stack adopted it. */
export declare const renderLeave: () => string;
/**
 * Run on a manager: set the node's labels exactly (removes labels the recipe no longer has). Keys
 * and values are single arguments whatever they contain; the current keys are read one per line
 * and compared as literal `case` patterns, so no key is a glob or a word list.
 */
export declare const renderLabels: (labels: Record<string, string>) => string;
/**
 * Run on a manager when a node leaves the recipe: drain it, wait for its tasks to move, remove it (not a node
 * $MEMBERSHIP says this stack adopted).
 */
export declare const renderDrainAndRemove: () => string;
/**
 * Run on the lead manager after a node (re)joins: a node that left and joined again has a new id, and
 * Swarm keeps its old one listed, down. Removes every down node at the node's address ($ADVERTISE_ADDR)
 * but $NODE_ID (a manager is demoted first): they are this host's former identities.
 */
export declare const renderForgetFormerIds: () => string;
