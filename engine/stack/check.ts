import * as path from "node:path";
import { formatProblem, loadRecipe, RecipeError, type Loaded, type Problem } from "../load";
import { resolveModel, type StackValues } from "../model";
import { projectRootOrHere } from "../project";
import { readStack, StackError, type StackRead } from "./read";
import { stackSettings } from "./settings";

// Kept apart from engine/render (which loads Pulumi): `recette validate` can check a stack this way in
// the time it takes to read two files.

/** The recipe's file as problems name it: relative to the project when it is inside. */
const recipeFileOf = (root: string, loaded: Loaded | undefined): string =>
  loaded ? path.relative(root, loaded.file) || loaded.file : "";

/** A read stack file as the model's resolver reads it. */
export const stackValuesOf = (read: StackRead): StackValues => ({
  project: read.project,
  stack: read.stack,
  file: read.file,
  get: (key) => read.config[`${read.project}:${key}`],
  isSecret: (key) => read.secure.includes(`${read.project}:${key}`),
  keys: () =>
    Object.keys(read.config).flatMap((k) =>
      k.startsWith(`${read.project}:`) ? [k.slice(read.project.length + 1)] : [],
    ),
  at: (key) => read.at(key),
});

/**
 * Every problem of a stack and its recipe, in one pass, before anything runs: the stack file's, the
 * recipe's, and those of the stack's values against the recipe (unset keys, values that do not fit,
 * keys nothing reads). A secret the stack does not set is a warning: render runs without secrets.
 * Throws a RecipeError with all of them; returns the loaded recipe, its file and the warnings.
 */
export const checkStack = (
  root: string,
  stack: string,
  recipeOverride?: string,
): { loaded: Loaded; recipeFile: string; read: StackRead; warnings: Problem[] } => {
  const problems: Problem[] = [];
  let read: StackRead | undefined;
  try {
    read = readStack(root, stack);
  } catch (e) {
    if (!(e instanceof StackError)) throw e;
    problems.push(...e.problems);
  }
  const recipeFile = recipeOverride ?? (read ? read.config[`${read.project}:recipe`] : undefined);
  if (read && recipeFile === undefined)
    problems.push({
      file: read.file,
      line: 0,
      col: 0,
      path: `${read.project}:recipe`,
      message: `is not set: the stack names no recipe (run: recette config set recipe recipes/<name>.yaml -s ${stack})`,
      severity: "error",
    });
  // Another recipe than the stack's own: said first, and its values are not advised away for it.
  const own = read?.config[`${read.project}:recipe`];
  const abs = (file: string) => path.resolve(root, file);
  const foreign = read && recipeOverride !== undefined && own !== undefined && abs(own) !== abs(recipeOverride);
  const first: Problem[] = [];
  if (read && foreign)
    first.push({
      file: read.file,
      ...read.at("recipe"),
      path: `${read.project}:recipe`,
      message:
        `stack ${stack}'s recipe is ${own}, not ${recipeOverride}: its values are checked against a recipe that is not ` +
        `its own (to check the stack as it deploys: recette validate -s ${stack})`,
      severity: "warning",
    });
  let loaded: Loaded | undefined;
  if (recipeFile !== undefined) {
    try {
      loaded = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(root, recipeFile));
    } catch (e) {
      if (!(e instanceof RecipeError)) throw e;
      problems.push(...e.problems);
    }
  }
  let warnings: Problem[] = [];
  if (read) {
    // What the program itself refuses (production, image registry), decided by the function it calls.
    const { config } = read;
    const settings = stackSettings(read.project, stack, loaded?.model.nodes.provider, (key) => config[key]);
    for (const p of settings.problems ?? []) {
      const at = p.in === "stack" ? read.at(p.path) : loaded ? loaded.at(p.recipePath) : { line: 0, col: 0 };
      const file = p.in === "stack" ? read.file : recipeFileOf(root, loaded);
      problems.push({ file, ...at, path: p.path, message: p.message, severity: "error" });
    }
  }
  if (loaded && read) {
    const file = recipeFileOf(root, loaded);
    const resolved = resolveModel(loaded, stackValuesOf(read), file, {
      missingSecrets: "warning",
      unknownKeys: "error",
      ...(foreign ? { ownRecipe: own } : {}),
    });
    problems.push(...resolved.problems);
    warnings = resolved.warnings;
  }
  // Warnings go with the errors: one pass shows everything the stack still needs.
  if (problems.length > 0 || !loaded || !read || recipeFile === undefined)
    throw new RecipeError([...first, ...problems, ...warnings]);
  return { loaded, recipeFile, read, warnings: [...first, ...warnings] };
};

/**
 * `recette validate <recipe> -s <stack>`'s logic, apart from argument parsing (the CLI wires it): prints
 * every problem of the stack and the recipe (warnings included) and returns the exit code, 0 or 1.
 */
export const validateStack = (
  stack: string,
  io: { out: (s: string) => void; err: (s: string) => void },
  /** recipe: a file to check instead of the stack's own, absolute or relative to the project root. */
  opts: { recipe?: string; root?: string } = {},
): number => {
  try {
    const { warnings } = checkStack(opts.root ?? projectRootOrHere(), stack, opts.recipe);
    for (const w of warnings) io.err(formatProblem(w));
    return 0;
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    for (const p of e.problems) io.err(formatProblem(p));
    return 1;
  }
};
