export { Cluster, validateClusterArgs, type ClusterArgs } from "./cluster";
export { CERT_RESOLVER, EDGE_LABEL, ENTRYPOINT, renderEdgeConstraint, renderRouteLabels, renderRule, toLabelList } from "./labels";
export { renderConstraints, renderEndpointSpec, renderHealthcheck, renderServiceSpec, type ServiceContext } from "./service-spec";
export { pinnedImage, Target, type TargetArgs } from "./target";
