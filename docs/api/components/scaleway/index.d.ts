export { KERNEL_MODULES, renderBootstrapScript, renderCloudInit, type CloudInitArgs } from "./cloud-init";
export { Fleet, validateFleetArgs, type FleetArgs } from "./fleet";
export { findKernel, KERNELS, kernelKeys, validateKernel, type KernelEntry, type KernelFeatures } from "./kernels";
export { CLUSTER_PORTS, renderInboundRules, type InboundRule } from "./security-group";
export { findNodeType, NODE_TYPES, type NodeType } from "./types";
