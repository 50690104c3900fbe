export { hostNodes, type HostsArgs, type HostSpec } from "./hosts";
export { localNode } from "./local";
