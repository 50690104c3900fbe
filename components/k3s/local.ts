import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { OrchestratorCluster } from "../node";

/** Where scripts/ensure-kubernetes keeps the local cluster's admin kubeconfig (its default state directory). */
export const LOCAL_KUBECONFIG = "/var/lib/recette-k8s/pki/kubeconfig/super-admin.conf";

export interface LocalClusterArgs {
  /** Path of the cluster's kubeconfig. Defaults to $KUBECONFIG, then LOCAL_KUBECONFIG. */
  kubeconfigPath?: string;
}

/** The kubeconfig path a LocalCluster uses: the argument, then $KUBECONFIG, then ensure-kubernetes's default. */
export const localKubeconfigPath = (a: LocalClusterArgs, env: NodeJS.ProcessEnv = process.env): string =>
  a.kubeconfigPath ?? (env.KUBECONFIG || LOCAL_KUBECONFIG);

/**
 * The k3s target on `nodes.provider: local`: the one-node Kubernetes cluster scripts/ensure-kubernetes
 * builds and runs on this machine (upstream Kubernetes, not k3s: `npm run local:up -- --stack local-k3s`
 * starts it). Nothing is installed by this component: it only points a provider at that cluster.
 * On Scaleway and hosts nodes, Cluster installs real k3s instead.
 */
export class LocalCluster extends pulumi.ComponentResource implements OrchestratorCluster<k8s.Provider> {
  /** Kubernetes provider on the local cluster, for k3s.Target. */
  readonly provider: k8s.Provider;
  /** Nothing to wait for: the cluster is running before recette starts (scripts/ensure-kubernetes). */
  readonly ready: pulumi.Resource[] = [];
  /** The kubeconfig the provider reads (a path: the admin's key stays out of the state). */
  readonly kubeconfigPath: string;

  constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:k3s:LocalCluster", name, {}, opts);
    this.kubeconfigPath = localKubeconfigPath(args);
    // A path, not the file's content: the admin's client key stays out of the state.
    this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: this.kubeconfigPath }, { parent: this });
    this.registerOutputs({ kubeconfigPath: this.kubeconfigPath });
  }
}
