import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterNode, type OrchestratorCluster } from "../node";
import { type ArgProblem } from "../problems";
export interface ClusterArgs {
    nodes: ClusterNode[];
    /** Pinned k3s release, e.g. v1.31.4+k3s1. */
    version: string;
    /** Defaults to etcd with 3+ servers, sqlite otherwise. */
    datastore?: "sqlite" | "etcd";
    /** Resources that must finish first (the preflight steps). */
    dependsOn?: pulumi.Resource[];
}
/** Every problem with the arguments (the same check recipe validation runs, in components/k3s/validate.ts). */
export declare const validateK3sArgs: (a: ClusterArgs) => ArgProblem[];
/**
 * A k3s cluster: servers first (one at a time), then agents (one at a time), so a changed version
 * pin upgrades in that order. Traefik is disabled: recette deploys its own, the same as on Swarm.
 *
 * Like swarm.Cluster, it owns the provider its Targets use (`provider`, ready once every node is installed and
 * labelled) and exports how a client reaches it, as a secret (`kubeconfig`; Swarm: `dockerHost`).
 */
export declare class Cluster extends pulumi.ComponentResource implements OrchestratorCluster<k8s.Provider> {
    /** Kubernetes provider on the cluster, for k3s.Target; it waits for `ready`. */
    readonly provider: k8s.Provider;
    /** The admin kubeconfig, reaching the first server at its public address (a secret). */
    readonly kubeconfig: pulumi.Output<string>;
    /** Resources that finish when every node is installed and labelled. */
    readonly ready: pulumi.Resource[];
    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions);
}
