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
      `recette: node ${visible(node)}: step ${visible(step)}: timeout ${timeoutSeconds} is not a positive number of seconds`,
    );
  const failure = `recette: node ${node}: step ${step} failed or timed out after ${timeoutSeconds}s`;
  return [
    "set -euo pipefail",
    `recette_step() {`,
    `  if ! ${shellCommand(["timeout", String(timeoutSeconds), "bash", "-euo", "pipefail", "-c", shellVar("1")])}; then`,
    `    ${shellCommand(["echo", failure])} >&2`,
    "    exit 1",
    "  fi",
    "}",
    "# shellcheck disable=SC2016 # the step's script is passed verbatim, expanded by the inner shell",
    shellCommand(["recette_step", script]),
  ].join("\n");
};

/** Runs a step on a node: `local.Command` for this machine, `remote.Command` over SSH otherwise. */
export const runStep = (
  node: ClusterNode,
  step: string,
  args: StepArgs,
  opts: pulumi.CustomResourceOptions & { secretOutputs?: boolean },
): command.local.Command | command.remote.Command => {
  const timeout = args.timeoutSeconds ?? 300;
  const wrap = (s: pulumi.Input<string> | undefined) =>
    s === undefined ? undefined : pulumi.output(s).apply((script) => renderStep(node.name, step, script, timeout));
  const name = `${node.name}-${step}`;
  const { secretOutputs, ...resourceOpts } = opts;
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
