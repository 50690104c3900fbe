import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Naming } from "../naming";
import type { DeployedWorkload, Workload, WorkloadTarget } from "../workload";
export interface TargetArgs {
    naming: Naming;
    provider: k8s.Provider;
    /** PVC storage class. Defaults to local-path (k3s's provisioner). */
    storageClass?: string;
    /**
     * Stateful claims are also `protect`ed (production stacks). They are always retained on delete. Defaults to
     * false.
     */
    protectVolumes?: boolean;
    /** k3s pod network, from which the relay accepts mail. Defaults to 10.42.0.0/16 (k3s's default). */
    podCidr?: string;
    /**
     * Another stack's Traefik to route through (a derived stack: `recette drill`): the `recette.edge` label
     * value its Ingresses carry, that stack's `edge.label.value` output. Defaults to this stack's own.
     */
    edgeLabel?: pulumi.Input<string>;
    /**
     * The stack's data is scratch (a derived stack: a restore drill, a preview environment): its namespace and
     * every claim are deleted with the stack, instead of kept. Defaults to false.
     */
    scratch?: boolean;
}
/**
 * Runs Workloads on Kubernetes (k3s): a Namespace per stack, then Deployments, Services, PVCs, Ingresses,
 * HPAs and (for replicated Deployments) PodDisruptionBudgets.
 */
export declare class Target extends pulumi.ComponentResource implements WorkloadTarget {
    readonly kind: "k3s";
    readonly namespace: k8s.core.v1.Namespace;
    private readonly args;
    constructor(name: string, args: TargetArgs, opts?: pulumi.ComponentResourceOptions);
    /**
     * Traefik routes the Ingresses labelled `recette.edge=<this stack>`, in every namespace: its own stack's, and
     * those of stacks derived from it (a restore drill's scratch stack has a namespace of its own), as Swarm's
     * edge label does (docs/reuse.md). Its ClusterRole already reads Ingresses and Services cluster-wide.
     */
    traefikProviders(): Record<string, unknown>;
    networkCidrs(): string[];
    serviceHost(logical: string): string;
    deploy(w: Workload, parent: pulumi.Resource): DeployedWorkload;
}
