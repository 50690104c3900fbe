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
export declare const renderStep: (node: string, step: string, script: string, timeoutSeconds: number) => string;
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
export declare const stepNodeLabel: (node: ClusterNode, about?: string) => string;
/**
 * Runs a step on a node: `local.Command` for this machine, `remote.Command` over SSH otherwise, named
 * `opts.name` under its component.
 */
export declare const runStep: (node: ClusterNode, step: string, args: StepArgs, opts: StepOptions) => command.local.Command | command.remote.Command;
