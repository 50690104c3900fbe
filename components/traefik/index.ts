export {
  LETS_ENCRYPT,
  renderDynamicConfig,
  renderStaticConfig,
  resolveCaServer,
  type TraefikConfigArgs,
} from "./config";
export { Traefik, traefikWorkload, validateTraefikArgs, type TraefikArgs } from "./traefik";
export { TRAEFIK_OBJECTS, type TraefikSettings } from "./objects";
