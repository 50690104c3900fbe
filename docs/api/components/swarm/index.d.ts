export { Cluster, dockerHost, validateClusterArgs, type ClusterArgs } from "./cluster";
export { CERT_RESOLVER, EDGE_LABEL, ENTRYPOINT, renderEdgeConstraint, renderRouteLabels, renderRule, toLabelList, } from "./labels";
export { DRAIN_SECONDS, renderConstraints, renderEndpointSpec, renderEnv, renderHealthcheck, renderServiceSpec, TRAEFIK_REFRESH_SECONDS, type ServiceContext, type SharedEdge, } from "./service-spec";
export { pinnedImage, Target, type TargetArgs } from "./target";
