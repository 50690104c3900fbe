import * as pulumi from "@pulumi/pulumi";
import * as scaleway from "@pulumiverse/scaleway";
import { physicalName, stackLabels, type Naming } from "../naming";
import type { ClusterNode } from "../node";
import { renderCloudInit } from "./cloud-init";
import { findKernel, validateKernel } from "./kernels";
import { renderInboundRules } from "./security-group";

export interface FleetArgs {
  naming: Naming;
  zone: string;
  /** Commercial type, e.g. DEV1-S. */
  type: string;
  /** Kernel catalogue key. Defaults to default (bootType local, the image's kernel). */
  kernel?: string;
  /** Image label. Defaults to the kernel entry's image. */
  image?: string;
  managers: number;
  workers: number;
  orchestrator: "swarm" | "k3s";
  dockerVersion?: string;
  rootVolumeGb: number;
  privateCidr: string;
  sshPublicKey: pulumi.Input<string>;
  /** Private key recette uses to bootstrap the nodes (a secret). */
  sshPrivateKey: pulumi.Input<string>;
  /** CIDR allowed on port 22. Defaults to 0.0.0.0/0. */
  sshAllowFrom?: string;
  /**
   * k3s: CIDRs allowed to reach the Kubernetes API (6443) on public addresses. Defaults to none (private network only).
   */
  apiAllowFrom?: string[];
  labels: Record<string, Record<string, string>>;
}

/** The same kernel rule as recipe validation, so a recipe that validates is one the Fleet can boot. */
export const validateFleetArgs = (a: FleetArgs): string | undefined =>
  validateKernel(a.kernel ?? "default", a.orchestrator);

/** Scaleway regions are zones without their number: fr-par-1 → fr-par. */
export const regionOf = (zone: string): string => zone.replace(/-\d+$/, "");

const tags = (n: Naming) => Object.entries(stackLabels(n)).map(([k, v]) => `${k}=${v}`);

/**
 * Scaleway instances for a cluster: one security group and private network for the fleet; per node a
 * flexible IP, the instance (booting a catalogue kernel), a private NIC and cloud-init user data.
 */
export class Fleet extends pulumi.ComponentResource {
  readonly nodes: ClusterNode[];
  readonly publicIps: Record<string, pulumi.Output<string>>;
  readonly privateIps: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:scaleway:Fleet", name, {}, opts);
    const problem = validateFleetArgs(args);
    if (problem) throw new Error(`recette:scaleway:Fleet ${name}: ${problem}`);
    const kernel = findKernel(args.kernel ?? "default")!;
    const { naming, zone } = args;
    const parent = { parent: this };

    const group = new scaleway.instance.SecurityGroup(
      `${name}-sg`,
      {
        name: physicalName(naming, "nodes"),
        zone,
        inboundDefaultPolicy: "drop",
        outboundDefaultPolicy: "accept",
        stateful: true,
        inboundRules: renderInboundRules(
          args.orchestrator,
          args.sshAllowFrom ?? "0.0.0.0/0",
          args.privateCidr,
          args.apiAllowFrom ?? [],
        ),
        tags: tags(naming),
      },
      parent,
    );
    const network = new scaleway.network.PrivateNetwork(
      `${name}-pn`,
      // Private networks are regional: the one the zone belongs to, not the provider's default region.
      {
        name: physicalName(naming, "private"),
        region: regionOf(zone),
        ipv4Subnet: { subnet: args.privateCidr },
        tags: tags(naming),
      },
      parent,
    );
    const key = new scaleway.iam.SshKey(
      `${name}-key`,
      { name: physicalName(naming, "bootstrap"), publicKey: args.sshPublicKey },
      parent,
    );

    const plan = [
      ...Array.from({ length: args.managers }, (_, i) => ({ name: `manager-${i + 1}`, role: "manager" as const })),
      ...Array.from({ length: args.workers }, (_, i) => ({ name: `worker-${i + 1}`, role: "worker" as const })),
    ];
    this.publicIps = {};
    this.privateIps = {};
    this.nodes = plan.map(({ name: node, role }) => {
      const hostname = physicalName(naming, node);
      // Each node's resources were named after the node alone before their names derived from the Fleet's.
      const formerly = (old: string) => ({ ...parent, aliases: [{ name: old }] });
      const ip = new scaleway.instance.Ip(`${name}-${node}-ip`, { zone, tags: tags(naming) }, formerly(`${node}-ip`));
      // validateKernel admits only bootType local entries: Scaleway retired bootscripts.
      const boot = {
        bootType: "local",
        image: args.image ?? (kernel.boot.bootType === "local" ? kernel.boot.image : "debian_bookworm"),
      };
      const server = new scaleway.instance.Server(
        `${name}-${node}`,
        {
          name: hostname,
          zone,
          type: args.type,
          ...boot,
          ipId: ip.id,
          securityGroupId: group.id,
          rootVolume: { sizeInGb: args.rootVolumeGb, deleteOnTermination: true },
          userData: {
            "cloud-init": renderCloudInit({
              orchestrator: args.orchestrator,
              dockerVersion: args.dockerVersion,
              hostname,
            }),
          },
          tags: [...tags(naming), `recette.role=${role}`],
        },
        // cloud-init runs at first boot only: a changed template must not silently rebuild a node.
        { ...formerly(node), dependsOn: [key], ignoreChanges: ["userData"] },
      );
      const nic = new scaleway.instance.PrivateNic(
        `${name}-${node}-nic`,
        { zone, serverId: server.id, privateNetworkId: network.id, tags: tags(naming) },
        formerly(`${node}-nic`),
      );
      const privateIp = nic.privateIps.apply(
        (ips) => ips.find((i) => /^\d+\.\d+\.\d+\.\d+$/.test(i.address))?.address ?? "",
      );
      this.publicIps[node] = ip.address;
      this.privateIps[node] = privateIp;
      return {
        name: node,
        role,
        labels: args.labels[node] ?? {},
        connection: {
          host: ip.address,
          user: "root",
          privateKey: pulumi.secret(args.sshPrivateKey),
          dialErrorLimit: 30,
          perDialTimeout: 10,
        },
        privateAddress: privateIp,
        publicAddress: ip.address,
        dependsOn: [server, nic],
      };
    });
    this.registerOutputs({ publicIps: this.publicIps, privateIps: this.privateIps });
  }
}
