import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hostNodes, localNode } from "../../components/hosts";
import * as k3s from "../../components/k3s";
import { stackLabels, stackPrefix } from "../../components/naming";
import type { ClusterNode } from "../../components/node";
import { Preflight } from "../../components/preflight";
import { findKernel, Fleet } from "../../components/scaleway";
import * as swarm from "../../components/swarm";
import { CERT_RESOLVER, EDGE_LABEL, ENTRYPOINT } from "../../components/swarm/labels";
import type { WorkloadTarget } from "../../components/workload";
import { OS, placeDemands, recipeDemands, type Model } from "../model";
import { parseSizeMiB } from "../schema";
import { composeApps, composeEdge } from "./apps";
import type { StackContext } from "./context";
import { pinningTarget } from "./pins";

export interface StackOutputs {
  recipe: string;
  stack: string;
  urls: string[];
  nodes: Record<string, { role: string; publicAddress: pulumi.Input<string>; privateAddress: pulumi.Input<string> }>;
  /** Whether Swarm publishes through the routing mesh (false: host mode + dnsrr). */
  routingMesh?: pulumi.Output<boolean>;
  kubeconfig?: pulumi.Output<string>;
  /**
   * The shared edge other teams' programs route through (docs/reuse.md): the orchestrator, the Swarm
   * network Traefik watches (or the k3s namespace), Traefik's entry point and certificate resolver,
   * and the parent domain of the stack's first route (e.g. local.test for blog.local.test).
   */
  edge?: {
    orchestrator: "swarm" | "k3s";
    network?: pulumi.Output<string>;
    /**
     * The label (name and value) a Swarm service, or a Kubernetes Ingress in any namespace, carries to be
     * routed by this stack's Traefik.
     */
    label?: { name: string; value: string };
    namespace?: string;
    entrypoint: string;
    certResolver: string;
    domain?: string;
  };
  /** A derived stack: the stack whose nodes and edge it uses (its `edge` and `nodes` are that stack's). */
  edgeStack?: string;
  /** A preview environment's record (recette env: JSON of its name, creation and expiry), kept in the state. */
  preview?: string;
  /** The Swarm manager's Docker endpoint (a secret: it names a host and how to reach it). */
  dockerHost?: pulumi.Output<string>;
  /** The image each service runs, by workload name (at its digest when pinned): what `recette history` records. */
  images: Record<string, pulumi.Input<string>>;
}

/** The recipe's nodes, created (Scaleway) or described (hosts, local). */
export const composeNodes = (model: Model, ctx: StackContext, parent: pulumi.Resource): ClusterNode[] => {
  const n = model.nodes;
  switch (n.provider) {
    case "local":
      return [localNode(n.labels.local ?? {})];
    case "hosts":
      return hostNodes({ hosts: n.hosts, privateKey: ctx.resolve.secret(n.ssh.privateKey), labels: n.labels });
    case "scaleway":
      return new Fleet(
        "nodes",
        {
          naming: ctx.naming,
          zone: n.zone,
          type: n.type,
          kernel: n.kernel,
          ...(n.image !== "debian_bookworm" ? { image: n.image } : {}),
          managers: n.managers,
          workers: n.workers,
          orchestrator: model.orchestrator.kind,
          ...(model.orchestrator.kind === "swarm" ? { dockerVersion: model.orchestrator.version } : {}),
          rootVolumeGb: Math.ceil(parseSizeMiB(n.rootVolume) / 1024),
          privateCidr: n.privateNetwork,
          sshPublicKey: n.ssh.publicKey,
          sshPrivateKey: ctx.resolve.secret(n.ssh.privateKey),
          sshAllowFrom: n.ssh.allowFrom,
          apiAllowFrom: n.apiAllowFrom,
          labels: n.labels,
        },
        { parent },
      ).nodes;
  }
};

/** One preflight per node, with the memory the capacity model places there. */
const composePreflight = (model: Model, nodes: ClusterNode[], parent: pulumi.Resource): Preflight[] => {
  const local = { local: model.nodes.provider === "local" };
  const loads = placeDemands(model.planned, model.orchestrator.kind, recipeDemands(model), local);
  const expectedIpvs = model.nodes.provider === "scaleway" ? findKernel(model.nodes.kernel)?.features.ipvs : undefined;
  const o = model.orchestrator;
  return nodes.map((node) => {
    const load = loads.find((l) => l.node.name === node.name);
    const requiredMiB = load ? load.orchestrator + load.workloads.reduce((s, w) => s + w.mib, 0) + OS.mib : OS.mib;
    return new Preflight(
      `preflight-${node.name}`,
      {
        node,
        orchestrator: o.kind,
        routingMesh: o.kind === "swarm" ? o.routingMesh : "fallback",
        requiredMiB,
        ...(o.kind === "swarm" ? { dockerVersion: o.version, encryptedOverlay: o.encryptOverlay } : {}),
        ...(expectedIpvs !== undefined ? { expectedIpvs } : {}),
      },
      { parent },
    );
  });
};

/** The base stack's outputs a derived stack reads (StackOutputs as another program sees them). */
interface BaseEdge {
  orchestrator: string;
  network?: string;
  label?: { name: string; value: string };
}

/** The base stack's edge, checked: on the derived stack's orchestrator, with its label (and on Swarm its network). */
const baseEdge = (base: pulumi.StackReference, edgeStack: string, orchestrator: "swarm" | "k3s") =>
  (base.requireOutput("edge") as pulumi.Output<BaseEdge>).apply((e) => {
    if (e.orchestrator !== orchestrator || !e.label || (orchestrator === "swarm" && !e.network))
      throw new pulumi.RunError(
        `edgeStack ${edgeStack}: its edge is on ${e.orchestrator}${e.label ? "" : " without an edge label"}, ` +
          `and this recipe runs on ${orchestrator}: a derived stack runs on a stack of its own orchestrator ` +
          "that has its own Traefik (edge.traefik in its recipe; a stack deployed by an earlier recette " +
          "needs a recette up first)",
      );
    return { network: e.network ?? "", label: e.label };
  });

/**
 * A derived stack's target: its own network, volumes and services on the base stack's Swarm, its routed
 * services on the base stack's network with the base's edge label, so that stack's Traefik routes them.
 * No nodes, preflight, swarm or Traefik of its own: the base stack manages those.
 */
const derivedSwarmTarget = (ctx: StackContext, edgeStack: string, parent: pulumi.Resource) => {
  const base = new pulumi.StackReference("edge-stack", { name: edgeStack }, { parent });
  const checked = baseEdge(base, edgeStack, "swarm");
  const provider = new docker.Provider(
    "docker",
    {
      host: base.requireOutput("dockerHost") as pulumi.Output<string>,
      sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"],
    },
    { parent },
  );
  const networkName = checked.apply((e) => e.network);
  const network = docker.getNetworkOutput({ name: networkName }, { provider, parent });
  const target = new swarm.Target(
    "swarm",
    {
      naming: ctx.naming,
      provider,
      mesh: base.getOutput("routingMesh").apply((m) => m === true),
      protectVolumes: false,
      pinImages: ctx.imageRegistry !== "local",
      edge: { networkName, networkId: network.id, label: checked.apply((e) => e.label) },
    },
    { parent },
  );
  return { target, base, shared: { dockerHost: base.requireOutput("dockerHost") as pulumi.Output<string> } };
};

/**
 * A derived stack's target on Kubernetes: its own namespace, claims and Deployments on the base stack's
 * cluster, its Ingresses labelled with the base's edge label, so that stack's Traefik routes them.
 */
const derivedK3sTarget = (model: Model, ctx: StackContext, edgeStack: string, parent: pulumi.Resource) => {
  const base = new pulumi.StackReference("edge-stack", { name: edgeStack }, { parent });
  const checked = baseEdge(base, edgeStack, "k3s");
  // The local cluster is this machine's (its kubeconfig a path); a k3s stack exports its kubeconfig (a secret).
  const kubeconfig =
    model.nodes.provider === "local" ? undefined : (base.requireOutput("kubeconfig") as pulumi.Output<string>);
  const provider = kubeconfig
    ? new k8s.Provider("k3s-provider", { kubeconfig }, { parent })
    : new k3s.LocalCluster("k3s", {}, { parent }).provider;
  const target = new k3s.Target(
    "k3s",
    {
      naming: ctx.naming,
      provider,
      protectVolumes: false,
      edgeLabel: checked.apply((e) => e.label.value),
      // A derived stack's data is scratch: destroy deletes its namespace and claims (recette drill, env down).
      scratch: true,
    },
    { parent },
  );
  return { target, base, shared: kubeconfig ? { kubeconfig: pulumi.secret(kubeconfig) } : {} };
};

/**
 * The whole environment from a validated recipe: nodes → preflight → orchestrator → edge → apps.
 * This is the only place that decides resources; `pulumi up`, `recette render` and the tests run it.
 */
export class Environment extends pulumi.ComponentResource {
  readonly outputs: StackOutputs;

  constructor(name: string, args: { model: Model; context: StackContext }, opts?: pulumi.ComponentResourceOptions) {
    super("recette:index:Environment", name, {}, opts);
    const { model, context: ctx } = args;
    if (ctx.edgeStack !== undefined) {
      const { target, shared } =
        model.orchestrator.kind === "swarm"
          ? derivedSwarmTarget(ctx, ctx.edgeStack, this)
          : derivedK3sTarget(model, ctx, ctx.edgeStack, this);
      const pinned = pinningTarget(target, ctx.pins ?? {});
      const { urls } = composeApps(model, pinned.target, ctx, this);
      this.outputs = {
        recipe: model.name,
        stack: ctx.naming.stack,
        urls,
        nodes: {},
        edgeStack: ctx.edgeStack,
        ...(ctx.preview !== undefined ? { preview: ctx.preview } : {}),
        ...shared,
        images: pinned.images,
      };
      this.registerOutputs({ ...this.outputs, production: false });
      return;
    }
    const nodes = composeNodes(model, ctx, this);
    const preflight = composePreflight(model, nodes, this);
    const checked = preflight.map((p) => p.step);
    const manager = nodes.find((n) => n.role === "manager")!;
    let target: WorkloadTarget;
    let routingMesh: pulumi.Output<boolean> | undefined;
    let kubeconfig: pulumi.Output<string> | undefined;
    let edge: StackOutputs["edge"];
    let sharedDockerHost: pulumi.Output<string> | undefined;
    const orchestrator = model.orchestrator;
    if (orchestrator.kind === "swarm") {
      const cluster = new swarm.Cluster(
        "swarm",
        { nodes, autolock: orchestrator.autolock, dependsOn: checked },
        { parent: this },
      );
      // The routing mesh is used only when every node has IPVS.
      routingMesh = pulumi.all(preflight.map((p) => p.mesh)).apply((all) => all.every(Boolean));
      const swarmTarget = new swarm.Target(
        "swarm",
        {
          naming: ctx.naming,
          provider: cluster.provider,
          mesh: routingMesh,
          encryptOverlay: orchestrator.encryptOverlay,
          protectVolumes: ctx.isProd,
          // recette's images come from a registry everywhere but on this machine's own engine
          pinImages: ctx.imageRegistry !== "local",
          dependsOn: cluster.ready,
        },
        { parent: this },
      );
      target = swarmTarget;
      edge = {
        orchestrator: "swarm",
        network: swarmTarget.networkName,
        label: { name: EDGE_LABEL, value: stackLabels(ctx.naming)["recette.stack"]! },
        entrypoint: ENTRYPOINT,
        certResolver: CERT_RESOLVER,
      };
      sharedDockerHost = cluster.dockerHost;
    } else if (model.nodes.provider === "local") {
      // This machine: the cluster scripts/ensure-kubernetes runs (k3s itself cannot be had here).
      const cluster = new k3s.LocalCluster("k3s", {}, { parent: this, dependsOn: checked });
      target = new k3s.Target(
        "k3s",
        { naming: ctx.naming, provider: cluster.provider, protectVolumes: ctx.isProd },
        { parent: this },
      );
      edge = {
        orchestrator: "k3s",
        namespace: stackPrefix(ctx.naming),
        label: { name: EDGE_LABEL, value: stackLabels(ctx.naming)["recette.stack"]! },
        entrypoint: ENTRYPOINT,
        certResolver: CERT_RESOLVER,
      };
    } else {
      const cluster = new k3s.Cluster(
        "k3s",
        {
          nodes,
          version: orchestrator.version,
          ...(orchestrator.datastore ? { datastore: orchestrator.datastore } : {}),
          dependsOn: checked,
        },
        { parent: this },
      );
      kubeconfig = cluster.kubeconfig;
      target = new k3s.Target(
        "k3s",
        { naming: ctx.naming, provider: cluster.provider, protectVolumes: ctx.isProd },
        { parent: this },
      );
      edge = {
        orchestrator: "k3s",
        namespace: stackPrefix(ctx.naming),
        label: { name: EDGE_LABEL, value: stackLabels(ctx.naming)["recette.stack"]! },
        entrypoint: ENTRYPOINT,
        certResolver: CERT_RESOLVER,
      };
    }
    const pinned = pinningTarget(target, ctx.pins ?? {});
    composeEdge(model, pinned.target, ctx, manager, this);
    const { urls } = composeApps(model, pinned.target, ctx, this);
    if (model.domain) edge.domain = model.domain;
    this.outputs = {
      recipe: model.name,
      stack: ctx.naming.stack,
      urls,
      nodes: Object.fromEntries(
        nodes.map((n) => [n.name, { role: n.role, publicAddress: n.publicAddress, privateAddress: n.privateAddress }]),
      ),
      ...(routingMesh ? { routingMesh } : {}),
      ...(kubeconfig ? { kubeconfig } : {}),
      edge,
      ...(sharedDockerHost ? { dockerHost: sharedDockerHost } : {}),
      images: pinned.images,
    };
    // Every output the stack exports, and `production`, which the policy pack reads here (the stack file
    // says it, and a policy sees no stack config).
    this.registerOutputs({ ...this.outputs, production: ctx.isProd });
  }
}
