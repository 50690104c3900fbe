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
export const MEMBERSHIP_PROBE = "docker info --format '{{.Swarm.LocalNodeState}}'";
/** The state a joined node must report. */
export const JOINED = "active";

/** When a refreshed Membership must be replaced (its node left): the dynamic provider's diff. */
export const membershipDiff = (
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.DiffResult => {
  if (olds.state === "inactive") return { changes: true, replaces: ["state"], deleteBeforeReplace: true };
  const moved = ["sshTarget", "sshPort"].filter((k) => olds[k] !== news[k]);
  return moved.length ? { changes: true } : { changes: false };
};

export const membershipProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return {
      id: `${inputs.sshTarget}:${inputs.sshPort}`,
      outs: { ...inputs, state: JOINED, generation: `${Date.now()}` },
    };
  },
  async read(id, props) {
    // required here: the provider is serialized with its code, and a captured module would not be
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    const p = props as Record<string, unknown>;
    const r = spawnSync(
      "ssh",
      [
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=accept-new",
        "-o",
        "ConnectTimeout=15",
        "-p",
        String(p.sshPort),
        "--",
        String(p.sshTarget),
        MEMBERSHIP_PROBE,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    const seen = r.status === 0 ? r.stdout.trim() : "";
    return { id, props: { ...p, ...(/^[a-z]+$/.test(seen) ? { state: seen } : {}) } };
  },
  async diff(_id, olds, news) {
    return membershipDiff(olds, news);
  },
  async update(_id, olds, news) {
    return { outs: { ...olds, ...news } };
  },
};

/** One joined node's membership (see above). `generation` changes when the node must join again. */
export class Membership extends pulumi.dynamic.Resource {
  declare readonly state: pulumi.Output<string>;
  declare readonly generation: pulumi.Output<string>;

  constructor(name: string, args: MembershipArgs, opts?: pulumi.CustomResourceOptions) {
    super(membershipProvider, name, { ...args, state: JOINED, generation: undefined }, opts, "swarm", "Membership");
  }
}
