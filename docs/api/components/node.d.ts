import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
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
export declare const renderStep: (node: string, step: string, script: string, timeoutSeconds: number) => string;
/** Runs a step on a node: `local.Command` for this machine, `remote.Command` over SSH otherwise. */
export declare const runStep: (node: ClusterNode, step: string, args: StepArgs, opts: pulumi.CustomResourceOptions & {
    secretOutputs?: boolean;
}) => command.local.Command | command.remote.Command;
