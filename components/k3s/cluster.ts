import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { runStep, type ClusterNode, type OrchestratorCluster } from "../node";
import {
  renderAgentInstall,
  renderKubeconfig,
  nodeLabelProblems,
  renderNodeLabels,
  renderServerInstall,
  renderUninstall,
} from "./scripts";
import { argumentsError, type ArgProblem } from "../problems";
import { validateK3sTopology } from "./validate";

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
export const validateK3sArgs = (a: ClusterArgs): ArgProblem[] => validateK3sTopology(a);

/**
 * A k3s cluster: servers first (one at a time), then agents (one at a time), so a changed version
 * pin upgrades in that order. Traefik is disabled: recette deploys its own, the same as on Swarm.
 *
 * Like swarm.Cluster, it owns the provider its Targets use (`provider`, ready once every node is installed and
 * labelled) and exports how a client reaches it, as a secret (`kubeconfig`; Swarm: `dockerHost`).
 */
export class Cluster extends pulumi.ComponentResource implements OrchestratorCluster<k8s.Provider> {
  /** Kubernetes provider on the cluster, for k3s.Target; it waits for `ready`. */
  readonly provider: k8s.Provider;
  /** The admin kubeconfig, reaching the first server at its public address (a secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Resources that finish when every node is installed and labelled. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:k3s:Cluster", name, {}, opts);
    // A label Kubernetes would refuse stops the cluster before any resource exists, with the rest.
    const problems = [
      ...validateK3sArgs(args),
      ...args.nodes.flatMap((node, i) =>
        nodeLabelProblems(node.labels).map((reason) => ({
          propertyPath: `nodes[${i}].labels`,
          reason: `node ${node.name}: ${reason}`,
        })),
      ),
    ];
    if (problems.length) throw argumentsError("recette:k3s:Cluster", name, problems);
    const labelScripts = args.nodes.map((node) => renderNodeLabels(node.labels));
    const servers = args.nodes.filter((n) => n.role === "manager");
    const agents = args.nodes.filter((n) => n.role === "worker");
    const datastore = args.datastore ?? (servers.length >= 3 ? "etcd" : "sqlite");
    const token = new random.RandomPassword(`${name}-token`, { length: 48, special: false }, { parent: this });
    const first = servers[0]!;

    const steps: pulumi.Resource[] = [];
    let previous: pulumi.Resource[] = args.dependsOn ?? [];
    const install = (node: ClusterNode, script: pulumi.Input<string>, role: "server" | "agent") => {
      const step = runStep(
        node,
        `k3s-${role}`,
        {
          create: script,
          delete: renderUninstall(role),
          environment: {
            K3S_TOKEN: pulumi.secret(token.result),
            NODE_IP: node.privateAddress,
            PUBLIC_IP: node.publicAddress,
          },
          triggers: [args.version],
          timeoutSeconds: 600,
        },
        { parent: this, name: `${name}-${node.name}-${role}`, dependsOn: previous },
      );
      steps.push(step);
      previous = [step];
    };
    servers.forEach((node, i) => {
      install(
        node,
        pulumi
          .output(first.privateAddress)
          .apply((joinAddress) =>
            renderServerInstall({ version: args.version, first: i === 0, datastore, joinAddress, labels: node.labels }),
          ),
        "server",
      );
    });
    agents.forEach((node) => {
      const join = pulumi.output(first.privateAddress).apply((a) => renderAgentInstall(args.version, a, node.labels));
      install(node, join, "agent");
    });

    // Labels registered at install time stay as they were: this step, on the first server, keeps every
    // node's labels equal to the recipe's (placement labels become required node affinity).
    const installs = [...steps];
    args.nodes.forEach((node, i) => {
      steps.push(
        runStep(
          first,
          "k3s-labels",
          {
            create: labelScripts[i]!,
            environment: { NODE_IP: node.privateAddress },
            triggers: [JSON.stringify(node.labels)],
          },
          { parent: this, name: `${name}-${node.name}-labels`, about: node.name, dependsOn: installs },
        ),
      );
    });

    const kubeconfig = runStep(
      first,
      "k3s-kubeconfig",
      { create: renderKubeconfig(), environment: { PUBLIC_IP: first.publicAddress }, triggers: [args.version] },
      { parent: this, name: `${name}-kubeconfig`, dependsOn: steps.slice(0, 1), secretOutputs: true },
    );
    this.kubeconfig = pulumi.secret(kubeconfig.stdout);
    this.provider = new k8s.Provider(
      `${name}-provider`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: steps },
    );
    this.ready = steps;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
