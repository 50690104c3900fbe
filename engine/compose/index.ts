export { Environment, type StackOutputs } from "./compose";
export type { StackContext } from "./context";
export { collectRefs, configResolver, type RefUse, type Resolver } from "./refs";
