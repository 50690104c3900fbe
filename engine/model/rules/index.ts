import { NODE_PORTS, type OrchestratorKind, portKey } from "../../../components/cluster-facts";
import type { Model } from "../model";
import { publishedPorts } from "./apps";
import {
  checkAutoscale,
  checkHealth,
  checkMailLinks,
  checkMemory,
  checkNames,
  checkPlacement,
  checkPorts,
  checkRoutes,
  checkSmtp,
  checkTraefikReplicas,
} from "./apps";
import {
  checkAcmeCa,
  checkApiExposure,
  checkK3sMemory,
  checkK3sTopology,
  checkKernel,
  checkNodes,
  checkNodeType,
  checkPrivateNetwork,
  checkSwarmQuorum,
} from "./cluster";
import { error, type Finding, type Rule } from "./finding";
import { checkPhysicalNames } from "./names";

export { CLUSTER_RANGES } from "./cluster";
export type { Finding, Rule } from "./finding";

/**
 * Ports the nodes themselves listen on (components/cluster-facts.ts): a published service there would
 * break SSH or the cluster. `tcp/2377` → "Swarm's cluster management".
 */
export const RESERVED_PORTS: Record<OrchestratorKind, Record<string, string>> = {
  swarm: Object.fromEntries(NODE_PORTS.swarm.map((p) => [portKey(p), p.what])),
  k3s: Object.fromEntries(NODE_PORTS.k3s.map((p) => [portKey(p), p.what])),
};

export const checkReservedPorts: Rule = (m) => {
  const reserved = { ...RESERVED_PORTS[m.orchestrator.kind] };
  const where = Object.fromEntries(Object.entries(reserved).map(([k, v]) => [k, `${v} on the nodes`]));
  if (m.nodes.provider === "hosts") for (const h of m.nodes.hosts) where[`tcp/${h.port}`] ??= `SSH on host ${h.name}`;
  return publishedPorts(m)
    .filter((c) => where[c.key])
    .map((c) => error(c.path, `port ${c.key} is ${where[c.key]} (pick another published port)`));
};

/** Every rule, in the order their findings are reported. */
export const RULES: readonly Rule[] = [
  checkNodeType,
  checkKernel,
  checkSwarmQuorum,
  checkK3sTopology,
  checkK3sMemory,
  checkAutoscale,
  checkTraefikReplicas,
  checkAcmeCa,
  checkRoutes,
  checkPorts,
  checkNames,
  checkMailLinks,
  checkSmtp,
  checkPlacement,
  checkHealth,
  checkMemory,
  checkReservedPorts,
  checkPrivateNetwork,
  checkApiExposure,
  checkNodes,
  checkPhysicalNames,
];

/** The cross-field rules on a model: every finding, errors and warnings. */
export const validateModel = (model: Model): Finding[] => RULES.flatMap((rule) => rule(model));
