export { Cluster, validateK3sArgs, type ClusterArgs } from "./cluster";
export {
  baseReplicas,
  kubernetesProblems,
  renderAffinity,
  renderDeployment,
  renderHpa,
  renderIngress,
  renderPdb,
  renderProbes,
  renderServices,
  TRAEFIK_RULES,
  type ObjectContext,
} from "./objects";
export {
  LABELS_ANNOTATION,
  renderAgentInstall,
  renderKubeconfig,
  renderNodeLabels,
  renderServerInstall,
} from "./scripts";
export { Target, type TargetArgs } from "./target";
export * from "./local";
