import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { runStep, type ClusterNode, type OrchestratorCluster } from "../node";
import { Membership } from "./membership";
import {
  parseJoin,
  renderDrainAndRemove,
  renderForgetFormerIds,
  renderInit,
  renderJoin,
  renderJoinToken,
  renderLabels,
  renderLeave,
} from "./scripts";
import { argumentsError, type ArgProblem } from "../problems";
import { validateSwarmNodes } from "./validate";

export interface ClusterArgs {
  /** Nodes in recipe order; the first manager initialises the swarm. Needs an odd number of managers. */
  nodes: ClusterNode[];
  /** Swarm autolock: managers need the unlock key after a restart. Defaults to false. */
  autolock?: boolean;
  /** Resources that must finish first (the preflight steps). */
  dependsOn?: pulumi.Resource[];
}

/** Every problem with the arguments (the same check recipe validation runs, in components/swarm/validate.ts). */
export const validateClusterArgs = (args: ClusterArgs): ArgProblem[] => validateSwarmNodes(args.nodes);

/** The Docker endpoint of a manager: the local socket, or ssh:// (the operator's key, loaded in ssh-agent). */
export const dockerHost = (node: ClusterNode): pulumi.Input<string> =>
  node.connection
    ? pulumi.interpolate`ssh://${node.connection.user ?? "root"}@${node.publicAddress}`
    : "unix:///var/run/docker.sock";

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
export class Cluster extends pulumi.ComponentResource implements OrchestratorCluster<docker.Provider> {
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

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:swarm:Cluster", name, {}, opts);
    const problems = validateClusterArgs(args);
    if (problems.length) throw argumentsError("recette:swarm:Cluster", name, problems);

    const [first, ...others] = [
      ...args.nodes.filter((n) => n.role === "manager"),
      ...args.nodes.filter((n) => n.role === "worker"),
    ];
    const lead = first!;
    const childOpts = { parent: this, dependsOn: args.dependsOn ?? [] };
    const init = runStep(
      lead,
      "swarm-init",
      { create: pulumi.output(lead.privateAddress).apply((a) => renderInit(a, args.autolock ?? false)) },
      { ...childOpts, name: `${name}-${lead.name}-init` },
    );
    const token = (role: "manager" | "worker") =>
      runStep(
        lead,
        `swarm-token-${role}`,
        { create: renderJoinToken(role) },
        { ...childOpts, name: `${name}-${lead.name}-token-${role}`, dependsOn: [init], secretOutputs: true },
      ).stdout.apply((s) => s.trim());
    this.managerToken = pulumi.secret(token("manager"));
    this.workerToken = pulumi.secret(token("worker"));

    this.nodeIds = { [lead.name]: init.stdout.apply((s) => s.trim()) };
    this.ready = [init];
    for (const node of others) {
      // Over SSH only: a node on this machine's own engine is the lead, never joined.
      const member = node.connection
        ? new Membership(
            `${name}-${node.name}-member`,
            {
              sshTarget: pulumi.interpolate`${node.connection.user ?? "root"}@${node.connection.host}`,
              sshPort: pulumi.output(node.connection.port ?? 22),
            },
            { parent: this, aliases: [{ name: `${node.name}-swarm-member` }] },
          )
        : undefined;
      const join = runStep(
        node,
        "swarm-join",
        {
          create: pulumi.output(lead.privateAddress).apply(renderJoin),
          delete: renderLeave(),
          environment: {
            JOIN_TOKEN: node.role === "manager" ? this.managerToken : this.workerToken,
            ADVERTISE_ADDR: node.privateAddress,
            // a new generation (the node left) runs the join again
            ...(member ? { MEMBERSHIP_GENERATION: member.generation } : {}),
          },
        },
        { ...childOpts, name: `${name}-${node.name}-join`, dependsOn: [init] },
      );
      const joined = join.stdout.apply(parseJoin);
      const nodeId = joined.apply((j) => j.nodeId);
      this.nodeIds[node.name] = nodeId;
      // Runs on the lead manager: forgets the node's former ids once it (re)joined; removing the node from the
      // recipe drains it before it leaves.
      const membership = runStep(
        lead,
        "swarm-membership",
        {
          create: renderForgetFormerIds(),
          delete: renderDrainAndRemove(),
          environment: {
            NODE_ID: nodeId,
            MEMBERSHIP: joined.apply((j) => j.membership),
            ADVERTISE_ADDR: node.privateAddress,
          },
        },
        { ...childOpts, name: `${name}-${node.name}-membership`, about: node.name, dependsOn: [join] },
      );
      this.ready.push(join, membership);
    }
    for (const node of args.nodes) {
      const labels = runStep(
        lead,
        "swarm-labels",
        {
          create: renderLabels(node.labels),
          environment: { NODE_ID: this.nodeIds[node.name]! },
          triggers: [JSON.stringify(node.labels)],
        },
        { ...childOpts, name: `${name}-${node.name}-labels`, about: node.name, dependsOn: this.ready },
      );
      this.ready.push(labels);
    }
    this.dockerHost = pulumi.secret(pulumi.output(dockerHost(lead)));
    this.provider = new docker.Provider(
      `${name}-provider`,
      { host: dockerHost(lead), sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"] },
      // Made by the Environment, as `docker` beside the cluster, before the cluster owned it.
      {
        parent: this,
        dependsOn: this.ready,
        ...(opts?.parent ? { aliases: [{ name: "docker", parent: opts.parent }] } : {}),
      },
    );
    this.registerOutputs({
      dockerHost: this.dockerHost,
      nodeIds: this.nodeIds,
      managerToken: this.managerToken,
      workerToken: this.workerToken,
    });
  }
}
