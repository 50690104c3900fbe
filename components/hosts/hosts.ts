import * as pulumi from "@pulumi/pulumi";
import type { ClusterNode } from "../node";

export interface HostSpec {
  name: string;
  address: string;
  privateAddress?: string;
  user: string;
  port: number;
  role: "manager" | "worker";
}

export interface HostsArgs {
  hosts: HostSpec[];
  /** SSH private key (a Pulumi secret). */
  privateKey: pulumi.Input<string>;
  /** Labels by node name. */
  labels: Record<string, Record<string, string>>;
}

/**
 * Bring-your-own servers: existing hosts reached over SSH. Creates nothing; it only describes the
 * nodes so the same cluster components run on them.
 */
export const hostNodes = (args: HostsArgs): ClusterNode[] =>
  args.hosts.map((h) => ({
    name: h.name,
    role: h.role,
    labels: args.labels[h.name] ?? {},
    connection: {
      host: h.address,
      user: h.user,
      port: h.port,
      privateKey: pulumi.secret(args.privateKey),
      // Fail fast and name the host instead of hanging on an unreachable address.
      dialErrorLimit: 5,
      perDialTimeout: 10,
    },
    privateAddress: h.privateAddress ?? h.address,
    publicAddress: h.address,
    dependsOn: [],
  }));
