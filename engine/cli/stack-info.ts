import * as path from "node:path";
import { formatProblem, loadRecipe, RecipeError } from "../load";
import { escapeControls } from "../load/text";
import { projectRootOrHere } from "../project";
import { productionOf } from "../stack/name";
import { readStack } from "../stack/read";
import type { Io, Run } from "./define";

/** What `recette stack-info --json` prints: one JSON document (scripts read it instead of parsing YAML). */
export interface StackInfo {
  stack: string;
  /** stacks/Pulumi.<stack>.yaml */
  file: string;
  /** The recipe file the stack names (`recette:recipe`), as written there. */
  recipe: string;
  orchestrator: "swarm" | "k3s";
  provider: "scaleway" | "hosts" | "local";
  production: boolean;
  /** The registry recette's images come from (`recette:imageRegistry`), when the stack sets one. */
  imageRegistry?: string;
  /** The keys the stack holds encrypted (names only, never values). */
  secure: string[];
}

/** Reads a stack and its recipe, with the same limits and messages as every command; throws their problems. */
export const readStackInfo = (stack: string, root = projectRootOrHere()): StackInfo => {
  const read = readStack(root, stack);
  const recipe = read.config[`${read.project}:recipe`];
  if (recipe === undefined) {
    const fix = `recette config set recipe recipes/<name>.yaml -s ${stack}`;
    throw new RecipeError([
      {
        file: read.file,
        line: 0,
        col: 0,
        path: `${read.project}:recipe`,
        message: `is not set: the stack names no recipe (run: ${fix})`,
        severity: "error",
      },
    ]);
  }
  const { model } = loadRecipe(path.isAbsolute(recipe) ? recipe : path.join(root, recipe));
  const registry = read.config[`${read.project}:imageRegistry`];
  const production = productionOf(read.project, stack, (key) => read.config[key]);
  if (production.problem !== undefined) {
    const { path: key, message } = production.problem;
    throw new RecipeError([{ file: read.file, ...read.at(key), path: key, message, severity: "error" }]);
  }
  return {
    stack,
    file: read.file,
    recipe,
    orchestrator: model.orchestrator.kind,
    provider: model.nodes.provider,
    production: production.production,
    ...(registry !== undefined ? { imageRegistry: registry } : {}),
    secure: read.secure,
  };
};

/** The command's logic, apart from its argument parsing: exit 0 with the answer, 1 with every problem. */
export const stackInfo = (stack: string, io: Io, opts: { json?: boolean; root?: string } = {}): number => {
  let info: StackInfo;
  try {
    info = readStackInfo(stack, opts.root);
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    for (const p of e.problems) io.err(formatProblem(p));
    return 1;
  }
  if (opts.json) io.out(JSON.stringify(info, null, 2));
  else
    io.out(
      Object.entries(info)
        .map(([k, v]) => `${k}: ${escapeControls(Array.isArray(v) ? v.join(", ") || "-" : String(v))}`)
        .join("\n"),
    );
  return 0;
};

/** `recette stack-info -s <stack> [--json]`, wired by engine/cli/defs/stack-info.ts. */
export const stackInfoRun: Run = ({ opts }, io) => stackInfo(String(opts.stack), io, { json: opts.json === true });
