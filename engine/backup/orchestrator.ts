import * as fs from "node:fs";
import * as path from "node:path";
import { loadRecipe } from "../load";
import { stackFile } from "../stack/name";
import { readStack, type StackRead } from "../stack/read";

/**
 * The stack file (stacks/Pulumi.<stack>.yaml) read as every command reads it, or undefined when it is
 * not here (a machine that holds no checkout of the stack). A file that is here but cannot be read or
 * parsed is reported (a StackError), never mistaken for an absent one.
 */
const stackHere = (root: string, stack: string): StackRead | undefined =>
  fs.existsSync(path.join(root, stackFile(stack))) ? readStack(root, stack) : undefined;

/**
 * The orchestrator of a stack, from its stack file's recipe; undefined when the stack has no file here
 * or names no recipe (the Docker labels are then the only source). A stack file or recipe that cannot
 * be read throws its problems (StackError, RecipeError): a k3s stack must never be taken for Swarm.
 */
export const stackOrchestrator = (
  root: string,
  stack: string,
): { kind: "swarm" | "k3s"; recipeFile: string; localNodes: boolean } | undefined => {
  const read = stackHere(root, stack);
  const recipeFile = read?.config[`${read.project}:recipe`];
  if (recipeFile === undefined) return undefined;
  const { model } = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(root, recipeFile));
  return { kind: model.orchestrator.kind, recipeFile, localNodes: model.nodes.provider === "local" };
};

/**
 * The registry a stack's nodes pull recette's images from (stack config `imageRegistry`), or
 * undefined when its stack file is not here or names none (images are then this machine's own).
 */
export const stackImageRegistry = (root: string, stack: string): string | undefined => {
  const read = stackHere(root, stack);
  const registry = read?.config[`${read.project}:imageRegistry`];
  return registry !== undefined && registry !== "local" ? registry : undefined;
};
