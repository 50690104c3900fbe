import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { loadRecipe } from "../load";
import { readSmallTextFile } from "../load/text";
import { projectNameOr } from "../project";
import { stackFile } from "../stack-name";

/** The stack file's `config` (stacks/Pulumi.<stack>.yaml), or undefined when it is not here or cannot be read. */
const stackConfig = (root: string, stack: string): Record<string, unknown> | undefined => {
  const file = path.join(root, stackFile(stack));
  if (!fs.existsSync(file)) return undefined;
  try {
    return ((parse(readSmallTextFile(file), { schema: "core", maxAliasCount: 100 }) ?? {}) as { config?: Record<string, unknown> }).config;
  } catch {
    return undefined;
  }
};

/**
 * The orchestrator of a stack, from its stack file's recipe; undefined when the stack has no file here
 * or its recipe cannot be read (the Docker labels are then the only source, as on a machine that
 * holds no checkout of the stack).
 */
export const stackOrchestrator = (root: string, stack: string): { kind: "swarm" | "k3s"; recipeFile: string; localNodes: boolean } | undefined => {
  const recipeFile = stackConfig(root, stack)?.[`${projectNameOr(root, "recette")}:recipe`];
  if (typeof recipeFile !== "string") return undefined;
  try {
    const { recipe } = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(root, recipeFile));
    return { kind: recipe.orchestrator.kind, recipeFile, localNodes: recipe.nodes.provider === "local" };
  } catch {
    return undefined;
  }
};

/**
 * The registry a stack's nodes pull recette's images from (stack config `imageRegistry`), or
 * undefined when its stack file is not here or names none (images are then this machine's own).
 */
export const stackImageRegistry = (root: string, stack: string): string | undefined => {
  const registry = stackConfig(root, stack)?.[`${projectNameOr(root, "recette")}:imageRegistry`];
  return typeof registry === "string" && registry !== "local" ? registry : undefined;
};
