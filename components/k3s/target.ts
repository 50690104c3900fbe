import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { K3S_POD_NETWORK } from "../cluster-facts";
import { visible } from "../escape";
import { kubernetesLabelValueProblem } from "../formats";
import { physicalName, stackLabels, stackPrefix, type Naming } from "../naming";
import { EDGE_LABEL } from "../swarm/labels";
import type { DeployedWorkload, Workload, WorkloadTarget } from "../workload";
import { kubernetesObjectName, volumeLogical } from "../workload-names";
import {
  fileKeyOf,
  kubernetesProblems,
  renderDeployment,
  renderHpa,
  renderIngress,
  renderPdb,
  renderServices,
  TRAEFIK_RULES,
  type ObjectContext,
} from "./objects";

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

const k8sLabels = (n: Naming, workload: string) => {
  const l = stackLabels(n);
  return { "recette.stack": l["recette.stack"]!, "recette.recipe": l["recette.recipe"]!, "recette.workload": workload };
};

/**
 * Runs Workloads on Kubernetes (k3s): a Namespace per stack, then Deployments, Services, PVCs, Ingresses,
 * HPAs and (for replicated Deployments) PodDisruptionBudgets.
 */
export class Target extends pulumi.ComponentResource implements WorkloadTarget {
  readonly kind = "k3s" as const;
  readonly namespace: k8s.core.v1.Namespace;
  private readonly args: TargetArgs;

  constructor(name: string, args: TargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:k3s:Target", name, {}, opts);
    const recipe = kubernetesLabelValueProblem(args.naming.recipe);
    if (recipe)
      throw new Error(
        `recette:k3s:Target ${name}: recipe name ${visible(args.naming.recipe)} (the recette.recipe label): ${recipe}`,
      );
    this.args = args;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: stackPrefix(args.naming),
          // A derived stack's namespace names the stack whose Traefik routes it: recette finds it is its own so.
          labels: {
            ...stackLabels(args.naming),
            ...(args.edgeLabel !== undefined ? { [EDGE_LABEL]: args.edgeLabel } : {}),
          },
        },
      },
      // Kept on destroy: deleting a namespace deletes every claim in it, and the claims that hold data
      // (retainOnDelete) must outlive the stack as Swarm's kept volumes do. A scratch stack's goes with it.
      { parent: this, provider: args.provider, retainOnDelete: args.scratch !== true },
    );
    this.registerOutputs({ namespace: this.namespace.metadata.name });
  }

  /**
   * Traefik routes the Ingresses labelled `recette.edge=<this stack>`, in every namespace: its own stack's, and
   * those of stacks derived from it (a restore drill's scratch stack has a namespace of its own), as Swarm's
   * edge label does (docs/reuse.md). Its ClusterRole already reads Ingresses and Services cluster-wide.
   */
  traefikProviders(): Record<string, unknown> {
    return { kubernetesIngress: { labelSelector: `${EDGE_LABEL}=${stackPrefix(this.args.naming)}` } };
  }

  networkCidrs(): string[] {
    return [this.args.podCidr ?? K3S_POD_NETWORK.cidr];
  }

  serviceHost(logical: string): string {
    return physicalName(this.args.naming, logical);
  }

  deploy(w: Workload, parent: pulumi.Resource): DeployedWorkload {
    const problems = kubernetesProblems(w);
    if (problems.length)
      throw new Error(
        `recette:k3s:Target: workload ${visible(w.name)} cannot run on Kubernetes: ${problems.join("; ")}`,
      );
    const { naming, provider } = this.args;
    const ns = stackPrefix(naming);
    const opts = { parent, provider, dependsOn: [this.namespace] };
    const name = physicalName(naming, w.name);
    const labels = k8sLabels(naming, w.name);
    const resources: pulumi.Resource[] = [];
    const ctx: ObjectContext = {
      namespace: ns,
      name,
      labels,
      claims: {},
      ...(this.args.edgeLabel !== undefined ? { edgeLabel: this.args.edgeLabel } : {}),
    };

    for (const v of w.volumes) {
      const claim = physicalName(naming, volumeLogical(w, v));
      ctx.claims[v.name] = claim;
      resources.push(
        new k8s.core.v1.PersistentVolumeClaim(
          `${w.name}-${v.name}`,
          {
            metadata: { name: claim, namespace: ns, labels: { ...labels, "recette.keep": String(v.keep) } },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: this.args.storageClass ?? "local-path",
              resources: { requests: { storage: `${v.sizeMiB}Mi` } },
            },
          },
          // The claim holds the data that must survive: kept on destroy, protected in prod.
          {
            ...opts,
            retainOnDelete: v.keep && this.args.scratch !== true,
            protect: v.keep && this.args.protectVolumes === true,
          },
        ),
      );
    }
    if (w.files.length) {
      ctx.configMap = kubernetesObjectName(name, "files");
      resources.push(
        new k8s.core.v1.ConfigMap(
          `${w.name}-files`,
          {
            metadata: { name: ctx.configMap, namespace: ns, labels: { ...labels, "recette.files": w.name } },
            data: Object.fromEntries(w.files.map((f) => [fileKeyOf(f.name), f.content])),
          },
          opts,
        ),
      );
    }
    if (w.secrets.length) {
      ctx.secret = kubernetesObjectName(name, "secrets");
      // Its keeper is stored encrypted; the hex id is not secret, so the Deployment stays readable in previews.
      const version = new random.RandomId(
        `${w.name}-secrets-version`,
        {
          byteLength: 4,
          keepers: {
            content: pulumi.secret(
              pulumi.all(w.secrets.map((x) => pulumi.output(x.content))).apply((all) => all.join("\0")),
            ),
          },
        },
        { parent },
      );
      ctx.secretVersion = version.hex;
      resources.push(version);
      resources.push(
        new k8s.core.v1.Secret(
          `${w.name}-secrets`,
          {
            metadata: { name: ctx.secret, namespace: ns, labels },
            stringData: Object.fromEntries(w.secrets.map((s) => [fileKeyOf(s.name), pulumi.secret(s.content)])),
          },
          opts,
        ),
      );
    }
    if (w.readsOrchestrator) {
      ctx.serviceAccount = name;
      const sa = new k8s.core.v1.ServiceAccount(`${w.name}-sa`, { metadata: { name, namespace: ns, labels } }, opts);
      const role = new k8s.rbac.v1.ClusterRole(
        `${w.name}-role`,
        { metadata: { name, labels }, rules: TRAEFIK_RULES },
        opts,
      );
      const binding = new k8s.rbac.v1.ClusterRoleBinding(
        `${w.name}-binding`,
        {
          metadata: { name, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
          subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        { ...opts, dependsOn: [this.namespace, sa, role] },
      );
      resources.push(sa, role, binding);
    }
    const deployment = new k8s.apps.v1.Deployment(w.name, renderDeployment(w, ctx), {
      ...opts,
      dependsOn: [this.namespace, ...resources],
    });
    resources.push(deployment);
    for (const svc of renderServices(w, ctx)) {
      resources.push(
        new k8s.core.v1.Service(
          svc.name === name ? `${w.name}-service` : `${w.name}-published`,
          { metadata: svc.metadata, spec: svc.spec },
          opts,
        ),
      );
    }
    const ingress = renderIngress(w, ctx);
    if (ingress) resources.push(new k8s.networking.v1.Ingress(`${w.name}-ingress`, ingress, opts));
    const hpa = renderHpa(w, ctx);
    if (hpa) resources.push(new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${w.name}-hpa`, hpa, opts));
    const pdb = renderPdb(w, ctx);
    if (pdb) resources.push(new k8s.policy.v1.PodDisruptionBudget(`${w.name}-pdb`, pdb, opts));
    return { name: deployment.metadata.name, image: w.image, resources };
  }
}
