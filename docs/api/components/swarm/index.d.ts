export { Cluster, validateClusterArgs, type ClusterArgs } from "./cluster";
export { CERT_RESOLVER, EDGE_LABEL, ENTRYPOINT, renderEdgeConstraint, renderRouteLabels, renderRule, toLabelList } from "./labels";
export { renderConstraints, renderEndpointSpec, renderHealthcheck, renderServiceSpec, type ServiceContext } from "./service-spec";
export { Target, type TargetArgs } from "./target";
