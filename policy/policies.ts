import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as rules from "./rules";

/** Every policy is mandatory: a violation fails `pulumi preview` and `pulumi up`, naming the policy. */
const perResource = (
  name: string,
  description: string,
  rule: (r: rules.Res) => string[],
): ResourceValidationPolicy => ({
  name,
  description,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const m of rule({ type: args.type, name: args.name, urn: args.urn, props: args.props, opts: args.opts }))
      report(m);
  },
});

const asRes = (r: PolicyResource): rules.Res => ({
  type: r.type,
  name: r.name,
  urn: r.urn,
  props: r.props,
  opts: r.opts,
});

const perStack = (name: string, description: string, rule: (rs: rules.Res[]) => string[]): StackValidationPolicy => ({
  name,
  description,
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const m of rule(args.resources.map(asRes))) report(m);
  },
});

export const policies = [
  perResource(
    "swarm-kernel-known-bad",
    "Nodes do not boot a kernel the catalogue knows is bad for Swarm (no IPVS) or a retired bootscript.",
    rules.badKernel,
  ),
  perStack(
    "swarm-mesh-needs-ipvs",
    "Swarm publishes through the routing mesh only when every " +
      "node's preflight found IPVS; otherwise routingMesh: fallback.",
    rules.meshWithoutIpvs,
  ),
  perResource(
    "traefik-one-replica-with-file-acme",
    "Traefik keeps acme.json in a file: one replica only.",
    rules.traefikReplicas,
  ),
  perStack(
    "acme-ca-per-environment",
    "Let's Encrypt production on production stacks only, never staging there.",
    rules.acmeCa,
  ),
  perStack(
    "prod-data-protected",
    "On production stacks, volumes and claims that keep data are protected (no replace or delete).",
    rules.prodDataProtected,
  ),
  perResource(
    "no-secrets-in-plain-env",
    "Secrets are files (Docker/Kubernetes secrets), never plain environment variables.",
    rules.secretsInEnv,
  ),
  perResource(
    "security-group-public-ports",
    "Security groups accept from anywhere only on 22, 80 and 443.",
    rules.openPorts,
  ),
  perStack("k3s-memory-floor", "k3s does not run on nodes under its memory floor.", rules.k3sMemoryFloor),
];
