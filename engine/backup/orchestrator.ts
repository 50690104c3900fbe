import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { loadRecipe } from "../load";
import { readSmallTextFile } from "../load/text";
import { PROJECT, stackFile } from "../stack-name";

/**
 * The orchestrator of a stack, from its stack file's recipe; undefined when the stack has no file here
 * or its recipe cannot be read (the Docker labels are then the only source, as on a machine that
 * holds no checkout of the stack).
 */
export const stackOrchestrator = (root: string, stack: string): { kind: "swarm" | "k3s"; recipeFile: string } | undefined => {
  const file = path.join(root, stackFile(stack));
  if (!fs.existsSync(file)) return undefined;
  try {
    const doc = (parse(readSmallTextFile(file), { schema: "core", maxAliasCount: 100 }) ?? {}) as { config?: Record<string, unknown> };
    const recipeFile = doc.config?.[`${PROJECT}:recipe`];
    if (typeof recipeFile !== "string") return undefined;
    const { recipe } = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(root, recipeFile));
    return { kind: recipe.orchestrator.kind, recipeFile };
  } catch {
    return undefined;
  }
};
