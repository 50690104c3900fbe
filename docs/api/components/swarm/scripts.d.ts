/** Initialises the swarm on the first manager unless the node is already in one; prints its node id. */
export declare const renderInit: (advertise: string, autolock: boolean) => string;
/** Prints the join token for a role (run on a manager; the output is a secret). */
export declare const renderJoinToken: (role: "manager" | "worker") => string;
/** Joins a node with the token in $JOIN_TOKEN unless it is already in a swarm; prints its node id. */
export declare const renderJoin: (managerAddress: string) => string;
/** Run on the leaving node: leave the swarm (its tasks are already drained). */
export declare const renderLeave: () => string;
/**
 * Run on a manager: set the node's labels exactly (removes labels the recipe no longer has). Keys
 * and values are single arguments whatever they contain; the current keys are read one per line
 * and compared as literal `case` patterns, so no key is a glob or a word list.
 */
export declare const renderLabels: (labels: Record<string, string>) => string;
/** Run on a manager when a node leaves the recipe: drain it, wait for its tasks to move, remove it. */
export declare const renderDrainAndRemove: () => string;
