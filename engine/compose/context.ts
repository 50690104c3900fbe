import type { Naming } from "../../components/naming";
import type { Resolver } from "./refs";

/** Where and with what the recipe is composed: everything that comes from the stack, not the recipe. */
export interface StackContext {
  naming: Naming;
  /** The recipe file as given in the stack config, for messages. */
  recipeFile: string;
  /** Production (the stack file's `recette:production: true`): Let's Encrypt's production CA, protected volumes. */
  isProd: boolean;
  resolve: Resolver;
  /** `local`: images built by scripts/build-images; otherwise the registry holding recette's images. */
  imageRegistry: string;
  /** Images `recette rollback` pinned, by workload name (engine/compose/pins.ts). Defaults to none. */
  pins?: Record<string, string>;
  /**
   * The fully qualified stack whose nodes and Traefik this one uses (stack key `edgeStack`): a derived stack,
   * such as `recette drill`'s scratch stack or a preview environment (engine/model/derive.ts). Defaults to none.
   */
  edgeStack?: string;
  /**
   * A preview environment's record (stack key `preview`, set by recette env), exported so it outlives the stack
   * file.
   */
  preview?: string;
}
