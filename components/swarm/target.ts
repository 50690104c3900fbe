import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { contentName, physicalName, stackGateway, stackLabels, stackSubnet, type Naming } from "../naming";
import type { DeployedWorkload, Workload, WorkloadTarget } from "../workload";
import { fileLogical, networkLogical, secretLogical, volumeLogical } from "../workload-names";
import { renderEdgeConstraint, toLabelList } from "./labels";
import { renderServiceSpec, type SharedEdge, TRAEFIK_REFRESH_SECONDS } from "./service-spec";
import { validateSwarmWorkload } from "./validate";
import { argumentsError } from "../problems";

export interface TargetArgs {
  naming: Naming;
  /** Docker provider talking to a manager (local socket or ssh://). */
  provider: docker.Provider;
  /** True when every node has IPVS (routing mesh usable); false selects host publishing + dnsrr. */
  mesh: pulumi.Input<boolean>;
  /** Encrypt the overlay network (IPsec between nodes). Defaults to false. */
  encryptOverlay?: boolean;
  /**
   * Stateful volumes are also `protect`ed (production stacks). They are always retained on delete. Defaults to
   * false.
   */
  protectVolumes?: boolean;
  /** What must be ready before any Docker object is created (the swarm bootstrap). Defaults to none. */
  dependsOn?: pulumi.Resource[];
  /**
   * Run each service on its image's digest, as the manager's engine pulls it (docker.RemoteImage),
   * for images in a registry. Swarm resolves a registry image's tag to a digest (and fills the
   * placement's platforms) itself: a spec naming only the tag differs from the running service at
   * every preview, and every `up` restarted every service. A tag is resolved when it is first
   * deployed; a tag moved in the registry is not followed (deploy a new tag). Leave it off for images
   * that exist only in the engines' own store (the local stack). Defaults to false.
   */
  pinImages?: boolean;
  /**
   * Another stack's Traefik to route through (a derived stack: `recette drill`, a preview environment):
   * its network and edge label, from that stack's `edge` output. Defaults to the stack's own edge.
   */
  edge?: SharedEdge;
}

/**
 * `image` at the digest of `repoDigest` (what the engine reports: repository@sha256:…), keeping the tag for people
 * reading it.
 */
export const pinnedImage = (image: string, repoDigest: string): string => {
  const at = repoDigest.lastIndexOf("@");
  if (at < 0 || !/^sha256:[0-9a-f]{64}$/.test(repoDigest.slice(at + 1)))
    throw new Error(
      `recette: the engine reported no digest for ${image} ` +
        `(repo digest ${JSON.stringify(repoDigest)}): is it in a registry?`,
    );
  return `${image.replace(/@.*$/, "")}@${repoDigest.slice(at + 1)}`;
};

/** The stack network's name; an encrypted overlay has its own, so switching creates it before the old one goes. */
export const networkName = (a: Pick<TargetArgs, "naming" | "encryptOverlay">) =>
  physicalName(a.naming, networkLogical(a.encryptOverlay === true));

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * Runs Workloads on a Docker Swarm: one attachable overlay network per stack, then per workload its
 * volumes, configs, secrets and a docker.Service.
 */
export class Target extends pulumi.ComponentResource implements WorkloadTarget {
  readonly kind = "swarm" as const;
  readonly network: docker.Network;
  readonly networkName: pulumi.Output<string>;
  private readonly args: TargetArgs;

  constructor(name: string, args: TargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:swarm:Target", name, {}, opts);
    this.args = args;
    this.network = new docker.Network(
      `${name}-network`,
      {
        name: networkName(args),
        driver: "overlay",
        attachable: true,
        ipamConfigs: [{ subnet: stackSubnet(args.naming), gateway: stackGateway(args.naming) }],
        ...(args.encryptOverlay ? { options: { encrypted: "true" } } : {}),
        labels: toLabelList(stackLabels(args.naming)),
      },
      // Docker adds its own options (the overlay's vxlanid_list) that would otherwise replace the network on every
      // run. Encryption is carried by the name instead: toggling it creates the new network, moves the services, then
      // deletes the old one.
      { parent: this, provider: args.provider, dependsOn: args.dependsOn ?? [], ignoreChanges: ["options"] },
    );
    this.networkName = this.network.name;
    this.registerOutputs({ networkName: this.networkName });
  }

  traefikProviders(): Record<string, unknown> {
    return {
      swarm: {
        endpoint: "unix:///var/run/docker.sock",
        exposedByDefault: false,
        network: networkName(this.args),
        // Tasks are discovered by polling: a short period lets a rolling update's new task receive
        // traffic soon, and a stopping task drains for as long as Traefik may still route to it
        // (DRAIN_SECONDS, service-spec.ts).
        refreshSeconds: TRAEFIK_REFRESH_SECONDS,
        // Only this stack's services, and services of other programs that ask for this stack's edge
        // (label recette.edge, docs/reuse.md): two stacks on one engine never route each other's hosts.
        constraints: renderEdgeConstraint(stackLabels(this.args.naming)["recette.stack"]!),
      },
    };
  }

  networkCidrs(): string[] {
    return [stackSubnet(this.args.naming)];
  }

  serviceHost(logical: string): string {
    return physicalName(this.args.naming, logical);
  }

  deploy(w: Workload, parent: pulumi.Resource): DeployedWorkload {
    const problems = validateSwarmWorkload(w);
    if (problems.length) throw argumentsError("recette:swarm:Target", w.name, problems);
    const { naming, provider } = this.args;
    const opts = { parent, provider, dependsOn: [this.network] };
    const labels = { ...stackLabels(naming), "recette.workload": w.name };
    const resources: pulumi.Resource[] = [];

    const volumes = w.volumes.map((v) => {
      const volumeLabels = { ...labels, "recette.keep": String(v.keep) };
      const volume = new docker.Volume(
        `${w.name}-${v.name}`,
        { name: physicalName(naming, volumeLogical(w, v)), labels: toLabelList(volumeLabels) },
        // Kept volumes hold the data that must survive (PluXml's data/, acme.json): destroy leaves them
        // in place, and prod also protects them so no preview can replace them unnoticed.
        { ...opts, retainOnDelete: v.keep, protect: v.keep && this.args.protectVolumes === true },
      );
      resources.push(volume);
      return {
        source: physicalName(naming, volumeLogical(w, v)),
        target: v.path,
        labels: volumeLabels,
        resource: volume,
      };
    });

    const configs = w.files.map((f) => {
      const content = pulumi.output(f.content);
      const config = new docker.ServiceConfig(
        `${w.name}-${f.name}`,
        {
          // Swarm configs are immutable: new content gets a new name, created before the old one goes.
          name: content.apply((c) => contentName(naming, fileLogical(w, f), c)),
          data: content.apply(b64),
          labels: toLabelList({ ...labels, "recette.file": `${w.name}/${f.name}` }),
        },
        opts,
      );
      resources.push(config);
      return { id: config.id, name: config.name, path: f.path, mode: f.mode ?? 0o444, resource: config };
    });

    const secrets = w.secrets.map((s) => {
      const content = pulumi.secret(pulumi.output(s.content));
      // The suffix changes when the secret does (Swarm secrets are immutable) without putting any
      // digest of the secret in a name: the keeper is stored encrypted in the state.
      const suffix = new random.RandomId(
        `${w.name}-${s.name}-suffix`,
        { byteLength: 4, keepers: { content } },
        { parent },
      );
      const secret = new docker.Secret(
        `${w.name}-${s.name}`,
        {
          name: suffix.hex.apply((h) => physicalName(naming, `${secretLogical(w, s)}-${h}`)),
          data: content.apply(b64),
          labels: toLabelList({ ...labels, "recette.secret": `${w.name}/${s.name}` }),
        },
        opts,
      );
      resources.push(suffix, secret);
      return { id: secret.id, name: secret.name, path: s.path, mode: s.mode ?? 0o400, resource: secret };
    });

    const serviceName = physicalName(naming, w.name);
    // An image already given by digest is pinned as it is.
    const image =
      this.args.pinImages && !w.image.includes("@")
        ? new docker.RemoteImage(`${w.name}-image`, { name: w.image, keepLocally: true }, opts).repoDigest.apply((d) =>
            pinnedImage(w.image, d),
          )
        : w.image;
    const spec = renderServiceSpec(w, {
      serviceName,
      image,
      networkName: this.networkName,
      networkId: this.network.id,
      mesh: this.args.mesh,
      labels,
      volumes,
      configs,
      secrets,
      ...(this.args.edge ? { edge: this.args.edge } : {}),
    });
    const service = new docker.Service(w.name, spec, {
      ...opts,
      // The service's name is fixed (naming.ts), so a replacement (the provider replaces a service whose
      // networks or aliases change, e.g. Traefik when a route's host is added) cannot create the new one
      // first: Swarm refuses the name while the old one exists, and `up` failed.
      deleteBeforeReplace: true,
      // Swarm fills the platforms from the image's manifest; recette never sets them.
      ignoreChanges: ["taskSpec.placement.platforms"],
      dependsOn: [
        this.network,
        ...volumes.map((v) => v.resource),
        ...configs.map((c) => c.resource),
        ...secrets.map((s) => s.resource),
      ],
    });
    resources.push(service);
    return { name: service.name, image, resources };
  }
}
