/**
 * The idempotent shell steps of a Swarm bootstrap. Each checks `docker info` state first, so a
 * re-run of `pulumi up` (or a step re-created by a trigger) changes nothing that is already right.
 */
import { SWARM_MANAGEMENT } from "../cluster-facts";
import { refusal, shellCommand, shellQuote, shellVar } from "../escape";
import { swarmLabelKeyProblem } from "../formats";

const state = "docker info --format '{{.Swarm.LocalNodeState}}'";

/** Initialises the swarm on the first manager unless the node is already in one; prints its node id. */
export const renderInit = (advertise: string, autolock: boolean): string => {
  const init = shellCommand([
    "docker",
    "swarm",
    "init",
    "--advertise-addr",
    advertise,
    ...(autolock ? ["--autolock"] : []),
  ]);
  return [
    `if [ "$(${state})" != active ]; then`,
    // Two stacks starting on one engine at once: the one whose init lost the race finds the swarm active.
    `  ${init} >/dev/null ||`,
    `    [ "$(${state})" = active ] || exit 1`,
    "fi",
    "docker info --format '{{.Swarm.NodeID}}'",
  ].join("\n");
};

/** Prints the join token for a role (run on a manager; the output is a secret). */
export const renderJoinToken = (role: "manager" | "worker"): string =>
  shellCommand(["docker", "swarm", "join-token", "-q", role]);

/**
 * Joins a node with the token in $JOIN_TOKEN unless it is already in a swarm. Prints its node id, then
 * `joined` when this step made it join, `adopted` when it was in a swarm already (another stack of the
 * same hosts joined it): only a node a stack joined leaves when that stack goes (see parseJoin).
 * Run again (an update: the node's Membership found it had left, see membership.ts), it joins the node
 * again and keeps what its previous run printed ($PULUMI_COMMAND_STDOUT): who joined it first does not change.
 */
export const renderJoin = (managerAddress: string): string => {
  const manager = `${managerAddress}:${SWARM_MANAGEMENT.port}`;
  const options = ["--token", shellVar("JOIN_TOKEN"), "--advertise-addr", shellVar("ADVERTISE_ADDR")];
  // `--` ends the options: the address is the one operand whatever it starts with.
  const join = shellCommand(["docker", "swarm", "join", ...options, "--", manager]);
  return [
    'previous="${PULUMI_COMMAND_STDOUT:-}"',
    "membership=adopted",
    'case "$previous" in "") ;; *adopted*) membership=adopted ;; *) membership=joined ;; esac',
    `if [ "$(${state})" != active ]; then`,
    `  ${join} >/dev/null`,
    '  [ -n "$previous" ] || membership=joined',
    "fi",
    "docker info --format '{{.Swarm.NodeID}}'",
    'echo "$membership"',
  ].join("\n");
};

/** The node id and membership a join step printed; a step from before `adopted` existed joined its node. */
export const parseJoin = (stdout: string): { nodeId: string; membership: "joined" | "adopted" } => {
  const [nodeId = "", membership] = stdout
    .trim()
    .split("\n")
    .map((l) => l.trim());
  return { nodeId, membership: membership === "adopted" ? "adopted" : "joined" };
};

/** A node another stack joined stays in the swarm when this one goes (the step's own create output says which). */
const adoptedStays = (variable: string) => `case "\${${variable}:-}" in *adopted*) exit 0 ;; esac`;

/** Run on the leaving node: leave the swarm (its tasks are already drained), unless this stack adopted it. */
export const renderLeave = (): string =>
  [adoptedStays("PULUMI_COMMAND_STDOUT"), `if [ "$(${state})" = active ]; then docker swarm leave --force; fi`].join(
    "\n",
  );

/**
 * Run on a manager: set the node's labels exactly (removes labels the recipe no longer has). Keys
 * and values are single arguments whatever they contain; the current keys are read one per line
 * and compared as literal `case` patterns, so no key is a glob or a word list.
 */
export const renderLabels = (labels: Record<string, string>): string => {
  const keys = Object.keys(labels).sort();
  for (const k of keys) {
    const problem = swarmLabelKeyProblem(k);
    if (problem) throw refusal("a Swarm node label", "label key", k, problem);
  }
  const labelRm = shellCommand(["docker", "node", "update", "--label-rm", shellVar("k"), shellVar("NODE_ID")]);
  const remove = `${labelRm} >/dev/null`;
  const labelAdds = keys.flatMap((k) => ["--label-add", `${k}=${labels[k]}`]);
  return [
    "current=$(docker node inspect --format '{{range $k, $v := .Spec.Labels}}{{println $k}}{{end}}' \"$NODE_ID\")",
    "while IFS= read -r k; do",
    '  [ -n "$k" ] || continue',
    keys.length
      ? `  case "$k" in ${keys.map((k) => shellQuote(k, "label key")).join("|")}) ;; *) ${remove} ;; esac`
      : `  ${remove}`,
    'done <<< "$current"',
    keys.length
      ? `${shellCommand(["docker", "node", "update", ...labelAdds, shellVar("NODE_ID")])} >/dev/null`
      : "true",
  ].join("\n");
};

/**
 * Run on a manager when a node leaves the recipe: drain it, wait for its tasks to move, remove it (not a node
 * $MEMBERSHIP says this stack adopted).
 */
export const renderDrainAndRemove = (): string =>
  [
    adoptedStays("MEMBERSHIP"),
    'if docker node inspect "$NODE_ID" >/dev/null 2>&1; then',
    '  docker node update --availability drain "$NODE_ID" >/dev/null',
    "  # A manager must leave the Raft group before it can be removed.",
    '  if [ "$(docker node inspect "$NODE_ID" --format \'{{.Spec.Role}}\')" = manager ]; then ' +
      'docker node demote "$NODE_ID" >/dev/null; fi',
    "  for _ in $(seq 1 30); do",
    '    [ -z "$(docker node ps "$NODE_ID" --filter desired-state=running -q)" ] && break',
    "    sleep 2",
    "  done",
    '  docker node rm --force "$NODE_ID" >/dev/null',
    "fi",
  ].join("\n");

/**
 * Run on the lead manager after a node (re)joins: a node that left and joined again has a new id, and
 * Swarm keeps its old one listed, down. Removes every down node at the node's address ($ADVERTISE_ADDR)
 * but $NODE_ID (a manager is demoted first): they are this host's former identities.
 */
export const renderForgetFormerIds = (): string =>
  [
    "for id in $(docker node ls -q); do",
    '  [ "$id" != "$NODE_ID" ] || continue',
    '  [ "$(docker node inspect --format \'{{.Status.State}} {{.Status.Addr}}\' "$id")" = ' +
      '"down $ADVERTISE_ADDR" ] || continue',
    '  if [ "$(docker node inspect --format \'{{.Spec.Role}}\' "$id")" = manager ]; then ' +
      'docker node demote "$id" >/dev/null; fi',
    '  docker node rm --force "$id" >/dev/null',
    "done",
  ].join("\n");
