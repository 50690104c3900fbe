export { Cluster, validateK3sArgs, type ClusterArgs } from "./cluster";
export { kubernetesProblems, renderAffinity, renderDeployment, renderHpa, renderIngress, renderProbes, renderServices, TRAEFIK_RULES, type ObjectContext, } from "./objects";
export { LABELS_ANNOTATION, renderAgentInstall, renderKubeconfig, renderNodeLabels, renderServerInstall, } from "./scripts";
export { Target, type TargetArgs } from "./target";
export * from "./local";
