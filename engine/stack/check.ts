import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { formatProblem, loadRecipe, RecipeError, type Loaded, type Problem } from "../load";
import { readSmallTextFile } from "../load/text";
import { resolveModel, type StackValues } from "../model";
import { projectRootOrHere } from "../project";
import { stackFile, validateStackName } from "./name";
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
  /**
   * How a secret the stack does not set and a key nothing reads count. validate and render: a warning and an
   * error. up and preview (deployProblems): an error (every secret must be set) and a warning, as the program
   * itself counts them (scripts set keys for recipes other than the stack's).
   */
  policy: { missingSecrets: "warning" | "error"; unknownKeys: "warning" | "error" } = {
    missingSecrets: "warning",
    unknownKeys: "error",
  },
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
        `stack ${stack}'s recipe is ${own}, not ${recipeOverride}: ` +
        "its values are checked against a recipe that is not " +
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
      ...policy,
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

/**
 * Whether the project's Pulumi.yaml gives a stack key a value (a config default: `key: value`, or `key:` with a
 * `default` or `value`), not only its type and description.
 */
const projectDefaults = (root: string): boolean => {
  try {
    const doc = parseYaml(readSmallTextFile(path.join(root, "Pulumi.yaml")), { maxAliasCount: 100 }) as {
      config?: unknown;
    };
    if (typeof doc?.config !== "object" || doc.config === null) return false;
    return Object.values(doc.config).some((v) => typeof v !== "object" || v === null || "default" in v || "value" in v);
  } catch {
    return false;
  }
};

/**
 * What `recette up` and `preview` check before the engine starts: every problem of the stack and its recipe,
 * with each secret the stack does not set as an error. Nothing (an empty list) when the stack's file is not
 * here or names no recipe: such a program is not a recipe, and the engine reports its own problems.
 */
export const deployProblems = (root: string, stack: string): readonly Problem[] => {
  if (validateStackName(stack) !== undefined || !fs.existsSync(path.join(root, stackFile(stack)))) return [];
  let read: StackRead;
  try {
    read = readStack(root, stack);
  } catch (e) {
    if (e instanceof StackError) return e.problems;
    throw e;
  }
  if (read.config[`${read.project}:recipe`] === undefined) return [];
  // Values the stack file does not hold may come from elsewhere: Pulumi.yaml's config defaults, or a Pulumi
  // ESC environment the stack imports. Only the program, under the engine, sees them all: it reports then.
  if (/^environment\s*:/m.test(readSmallTextFile(path.join(root, stackFile(stack)))) || projectDefaults(root))
    return [];
  try {
    checkStack(root, stack, undefined, { missingSecrets: "error", unknownKeys: "warning" });
    return [];
  } catch (e) {
    if (e instanceof RecipeError) return e.problems;
    throw e;
  }
};
