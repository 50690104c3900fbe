import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { shellCommand, shellVar, visible } from "./escape";

/** A machine the orchestrator runs on, whatever created it (Scaleway, an existing host, this machine). */
export interface ClusterNode {
  /** Node name from the recipe: manager-1, worker-2, or a host's name; `local` for this machine. */
  name: string;
  role: "manager" | "worker";
  labels: Record<string, string>;
  /** SSH connection; undefined means this machine (local commands, local Docker socket). */
  connection?: command.types.input.remote.ConnectionArgs;
  /** Address cluster traffic uses (private network). */
  privateAddress: pulumi.Input<string>;
  /** Address clients and the Docker/Kubernetes providers use. */
  publicAddress: pulumi.Input<string>;
  /** Resources that must exist before anything runs on the node (the instance, its NIC). */
  dependsOn: pulumi.Resource[];
}

/**
 * What every cluster component exposes, the same way: swarm.Cluster, k3s.Cluster and k3s.LocalCluster each own
 * the provider their Targets use, and say what must finish before a workload can be deployed. How a client
 * reaches the cluster is each one's own secret output (`dockerHost`, `kubeconfig`; a path for the local one).
 */
export interface OrchestratorCluster<P extends pulumi.ProviderResource> {
  /** The provider a Target on this cluster uses (docker.Provider or k8s.Provider); it waits for `ready`. */
  readonly provider: P;
  /** Resources that finish when the cluster can run workloads (every node joined or installed, and labelled). */
  readonly ready: pulumi.Resource[];
}

export interface StepArgs {
  /** Bash script run when the step is created (and when `triggers` change). */
  create: pulumi.Input<string>;
  /** Bash script run when the step is deleted. */
  delete?: pulumi.Input<string>;
  environment?: Record<string, pulumi.Input<string>>;
  triggers?: pulumi.Input<unknown>[];
  /** Seconds before the step is killed and fails naming the node and step. Defaults to 300. */
  timeoutSeconds?: number;
}

/**
 * Wraps a script so a hang becomes a failure that names the node and the step (bootstrap hanging on
 * SSH or on a join is the complaint users of similar tools make most).
 */
export const renderStep = (node: string, step: string, script: string, timeoutSeconds: number): string => {
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(
      `recette: node ${visible(node)}: step ${visible(step)}: ` +
        `timeout ${timeoutSeconds} is not a positive number of seconds`,
    );
  const failure = `recette: node ${node}: step ${step} failed or timed out after ${timeoutSeconds}s`;
  const timed = shellCommand(["timeout", String(timeoutSeconds), "bash", "-euo", "pipefail", "-c", shellVar("1")]);
  return [
    "set -euo pipefail",
    `recette_step() {`,
    `  if ! ${timed}; then`,
    `    ${shellCommand(["echo", failure])} >&2`,
    "    exit 1",
    "  fi",
    "}",
    "# shellcheck disable=SC2016 # the step's script is passed verbatim, expanded by the inner shell",
    shellCommand(["recette_step", script]),
  ].join("\n");
};

export interface StepOptions extends pulumi.CustomResourceOptions {
  /**
   * The step's resource name, derived from its component's: `<component>-<node>-<what>`, e.g.
   * `swarm-worker-1-join`. The name it had before (`<node>-<step>`) is kept as an alias, so a stack
   * deployed then sees the same resource.
   */
  name: string;
  /** The node the step is about when it runs on another one (node labels run on the first manager, for each node). */
  about?: string;
  /** The step's stdout is a secret (a join token, a kubeconfig). */
  secretOutputs?: boolean;
}

/** How a step names its node in its failure message: the node, or `<node>-for-<about>` for a step about another. */
export const stepNodeLabel = (node: ClusterNode, about?: string): string =>
  about === undefined ? node.name : `${node.name}-for-${about}`;

/**
 * Runs a step on a node: `local.Command` for this machine, `remote.Command` over SSH otherwise, named
 * `opts.name` under its component.
 */
export const runStep = (
  node: ClusterNode,
  step: string,
  args: StepArgs,
  opts: StepOptions,
): command.local.Command | command.remote.Command => {
  const { name, about, secretOutputs, ...resourceOpts } = opts;
  const timeout = args.timeoutSeconds ?? 300;
  const label = stepNodeLabel(node, about);
  const wrap = (s: pulumi.Input<string> | undefined) =>
    s === undefined ? undefined : pulumi.output(s).apply((script) => renderStep(label, step, script, timeout));
  // Steps were named `<node label>-<step>` under the same parent before their names derived from the component's.
  const former = `${label}-${step}`;
  const common = {
    create: wrap(args.create)!,
    delete: wrap(args.delete),
    environment: args.environment,
    triggers: args.triggers,
  };
  const options: pulumi.CustomResourceOptions = {
    ...resourceOpts,
    dependsOn: [...node.dependsOn, ...toArray(resourceOpts.dependsOn)],
    customTimeouts: { create: `${timeout + 60}s`, update: `${timeout + 60}s`, delete: `${timeout + 60}s` },
    ...(secretOutputs ? { additionalSecretOutputs: ["stdout"] } : {}),
    ...(former !== name ? { aliases: [{ name: former }, ...(resourceOpts.aliases ?? [])] } : {}),
  };
  if (!node.connection) {
    return new command.local.Command(name, { ...common, interpreter: ["/bin/bash", "-c"] }, options);
  }
  return new command.remote.Command(name, { ...common, connection: node.connection }, options);
};

const toArray = (
  d: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined,
): pulumi.Input<pulumi.Resource>[] =>
  d === undefined ? [] : Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
