import * as z from "zod";
import { K3S_API } from "../../components/cluster-facts";
import { address, cidr, fieldOf, count, labelKey, labelValue, name, posixUser, size, sshPublicKey } from "./formats";
import { ConfigRef, secret } from "./refs";

const labels = z
  .record(
    name(),
    z
      .record(labelKey(), labelValue())
      .refine((o) => Object.keys(o).length <= 50, { error: "at most 50 labels per node" }),
  )
  .refine((o) => Object.keys(o).length <= 100, { error: "at most 100 labelled nodes" })
  .default({})
  .describe("Node labels by node name (e.g. { worker-1: { disk: ssd } }); `placement` in apps selects on them.");

const Scaleway = z
  .object({
    provider: z.literal("scaleway"),
    zone: z
      .enum([
        "fr-par-1",
        "fr-par-2",
        "fr-par-3",
        "nl-ams-1",
        "nl-ams-2",
        "nl-ams-3",
        "pl-waw-1",
        "pl-waw-2",
        "pl-waw-3",
      ])
      .default("fr-par-1")
      .describe("Scaleway availability zone. Defaults to fr-par-1."),
    type: z
      .string()
      .default("DEV1-S")
      .describe("Commercial type (DEV1-S: 2 vCPU, 2 GiB). Its RAM feeds the capacity model. Defaults to DEV1-S."),
    kernel: z
      .string()
      .default("default")
      .describe(
        "Kernel catalogue entry (docs/kernels.md). `default` boots " +
          "the image's own kernel (bootType local). Defaults to default.",
      ),
    image: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a Scaleway image label (e.g. debian_bookworm)`,
      })
      .default("debian_bookworm")
      .describe("Scaleway image label. Defaults to debian_bookworm (the kernel entry may override it)."),
    managers: count(1, 7, "managers")
      .default(1)
      .describe("Swarm managers or k3s servers (1 to 7). Swarm needs an odd number. Defaults to 1."),
    workers: count(0, 100, "workers").default(0).describe("Swarm workers or k3s agents (0 to 100). Defaults to 0."),
    rootVolume: size("10Ti").default("20Gi").describe("Root volume size. Defaults to 20Gi."),
    privateNetwork: cidr()
      .default("172.16.16.0/24")
      .describe(
        "Private network (VPC) subnet for cluster traffic; must not overlap k3s " +
          "pod/service CIDRs (10.42/16, 10.43/16). Defaults to 172.16.16.0/24.",
      ),
    ssh: z
      .object({
        publicKey: z
          .union([sshPublicKey(), ConfigRef])
          .describe("SSH public key installed for root (usually { config: sshPublicKey })."),
        privateKey: secret("SSH private key recette uses to bootstrap the nodes.").default({ secret: "sshPrivateKey" }),
        allowFrom: cidr().default("0.0.0.0/0").describe("CIDR allowed to reach port 22. Defaults to 0.0.0.0/0."),
      })
      .strict()
      .describe("SSH access to the nodes."),
    apiAllowFrom: z
      .array(z.union([cidr(), ConfigRef]))
      .max(20)
      .default([])
      .describe(
        `k3s only, and required there: CIDRs allowed to reach the Kubernetes API (${K3S_API.port}) on the servers' ` +
          "public addresses, i.e. where `pulumi up` runs (your office, your CI runner). The API is never opened to " +
          "the internet by default; the kubeconfig points at the first server's public address. Defaults to none.",
      ),
    labels,
  })
  .strict();

const Host = z
  .object({
    name: name().describe("Node name, used in labels and physical names."),
    address: address().describe("Address recette connects to over SSH."),
    privateAddress: address().optional().describe("Address cluster traffic uses. Defaults to address."),
    user: posixUser().default("root").describe("SSH user. Defaults to root."),
    port: z.number().int().min(1).max(65535).default(22).describe("SSH port. Defaults to 22."),
    role: z.enum(["manager", "worker"]).describe("manager (k3s: server) or worker (k3s: agent)."),
    memory: size("4Ti")
      .optional()
      .describe("RAM of the host for the capacity model (e.g. 2Gi). Unknown hosts are not checked."),
  })
  .strict();

const Hosts = z
  .object({
    provider: z.literal("hosts"),
    hosts: z
      .array(Host)
      .min(1, { error: "list at least one host" })
      .max(100, { error: "at most 100 hosts" })
      .describe("Existing servers reached over SSH."),
    ssh: z
      .object({ privateKey: secret("SSH private key for every host.").default({ secret: "sshPrivateKey" }) })
      .strict()
      .default({ privateKey: { secret: "sshPrivateKey" } })
      .describe("SSH credentials."),
    labels,
  })
  .strict();

const Local = z
  .object({
    provider: z.literal("local"),
    memory: size("4Ti")
      .optional()
      .describe("RAM to assume for the capacity model (e.g. 2Gi to mimic a DEV1-S). Defaults to this machine's."),
    labels,
  })
  .strict();

export const Nodes = z
  .discriminatedUnion("provider", [Scaleway, Hosts, Local], {
    error: (iss) => `provider ${JSON.stringify(fieldOf(iss.input, "provider"))} is not one of scaleway | hosts | local`,
  })
  .describe("Where the cluster runs: new Scaleway instances, existing hosts over SSH, or this machine.");

export type Nodes = z.infer<typeof Nodes>;
export type HostEntry = z.infer<typeof Host>;
