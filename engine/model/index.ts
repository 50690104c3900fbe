export { OS, ORCHESTRATOR, placeDemands, WORKLOAD, type Demand, type NodeLoad } from "./capacity";
export { nodesFor, recipeDemands } from "./demands";
export * from "./model";
export { resolveModel, type StackValues } from "./resolve";
export { RESERVED_PORTS, validateModel, type Finding } from "./rules";
export { planNodes, type PlannedNode } from "./topology";
