import * as pulumi from "@pulumi/pulumi";
import { runStep, type ClusterNode } from "../node";
import {
  parsePreflight,
  renderPreflightScript,
  shouldUseMesh,
  type PreflightChecks,
  type PreflightReport,
} from "./script";

export interface PreflightArgs extends Omit<PreflightChecks, "node"> {
  node: ClusterNode;
  /** IPVS as the kernel catalogue promises it (Scaleway), used before the node has answered. */
  expectedIpvs?: boolean;
}

/**
 * Checks a node before the orchestrator is bootstrapped: IPVS, VXLAN, cgroups, memory, Docker.
 * A missing requirement fails the deployment with a message naming the node and the fix.
 */
export class Preflight extends pulumi.ComponentResource {
  /** The node's report; unknown during a first preview. */
  readonly report: pulumi.Output<PreflightReport | undefined>;
  /** Whether Swarm may use the routing mesh on this node. */
  readonly mesh: pulumi.Output<boolean>;
  readonly step: pulumi.Resource;

  constructor(name: string, args: PreflightArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:preflight:Preflight", name, {}, opts);
    const { node, expectedIpvs, ...checks } = args;
    const script = renderPreflightScript({ ...checks, node: node.name });
    const step = runStep(
      node,
      "preflight",
      { create: script, triggers: [script], timeoutSeconds: 60 },
      { parent: this, name: `${name}-check` },
    );
    this.step = step;
    this.report = step.stdout.apply(parsePreflight);
    this.mesh = this.report.apply((r) => shouldUseMesh(r, expectedIpvs, checks.routingMesh));
    this.registerOutputs({ report: this.report, mesh: this.mesh });
  }
}
