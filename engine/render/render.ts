import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { collectRefs } from "../compose";
import { loadRecipe, RecipeError, type Loaded, type Problem } from "../load";
import { resolveModel, type StackValues } from "../model";
import { ROOT, runProgram } from "../program";
import { listStacks, PROJECT } from "../stack/name";
import { readStack, StackError, type StackRead } from "../stack/read";
import { renderArtifacts, type Artifact } from "./artifacts";
import { installRecorder, SECRET, type Registration } from "./mocks";

export { listStacks, PROJECT };

export interface RenderOptions {
  /** Repository root (stacks/ and recipes/ live there). */
  root: string;
  stack: string;
  /** Recipe file; defaults to the stack's `recette:recipe`. */
  recipe?: string;
}

export interface Rendered {
  registrations: Registration[];
  artifacts: Artifact[];
  outputs: Record<string, unknown>;
  /** What is worth a look but does not stop a render (a secret the stack does not set yet, a rule's warning). */
  warnings: Problem[];
}

/** The stack's config as Pulumi would read it; `secure:` values become "[secret]" (render never decrypts). */
export const readStackConfig = (
  root: string,
  stack: string,
): { config: Record<string, string>; secretKeys: string[] } => {
  const { config, secure } = readStack(root, stack);
  return { config: { ...config }, secretKeys: [...secure] };
};

/** A read stack file as the model's resolver reads it. */
export const stackValuesOf = (read: StackRead): StackValues => ({
  stack: read.stack,
  file: read.file,
  get: (key) => read.config[`${PROJECT}:${key}`],
  isSecret: (key) => read.secure.includes(`${PROJECT}:${key}`),
  keys: () =>
    Object.keys(read.config).flatMap((k) => (k.startsWith(`${PROJECT}:`) ? [k.slice(PROJECT.length + 1)] : [])),
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
  const recipeFile = recipeOverride ?? read?.config[`${PROJECT}:recipe`];
  if (read && recipeFile === undefined)
    problems.push({
      file: read.file,
      line: 0,
      col: 0,
      path: `${PROJECT}:recipe`,
      message: `is not set: the stack names no recipe (run: pulumi config set recipe recipes/<name>.yaml -s ${stack})`,
      severity: "error",
    });
  let loaded: Loaded | undefined;
  if (recipeFile !== undefined) {
    try {
      loaded = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(ROOT, recipeFile));
    } catch (e) {
      if (!(e instanceof RecipeError)) throw e;
      problems.push(...e.problems);
    }
  }
  let warnings: Problem[] = [];
  if (loaded && read) {
    const file = path.relative(ROOT, loaded.file) || loaded.file;
    const resolved = resolveModel(loaded, stackValuesOf(read), file, {
      missingSecrets: "warning",
      unknownKeys: "error",
    });
    problems.push(...resolved.problems);
    warnings = resolved.warnings;
  }
  // Warnings go with the errors: one pass shows everything the stack still needs.
  if (problems.length > 0 || !loaded || !read || recipeFile === undefined)
    throw new RecipeError([...problems, ...warnings]);
  return { loaded, recipeFile, read, warnings };
};

/**
 * Runs the real Pulumi program under mocks and returns what it declares. Secrets the stack would
 * hold encrypted are given a placeholder, marked secret, so they show as "[secret]" everywhere.
 */
export const renderStack = async (opts: RenderOptions): Promise<Rendered> => {
  // The program resolves relative recipe paths against the repository (engine/program.ts).
  const override = opts.recipe
    ? ((abs, rel) => (rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel))(
        path.resolve(opts.recipe),
        path.relative(ROOT, path.resolve(opts.recipe)),
      )
    : undefined;
  const { loaded, recipeFile, read, warnings } = checkStack(opts.root, opts.stack, override);
  const config: Record<string, string> = { ...read.config, [`${PROJECT}:recipe`]: recipeFile };
  const secretKeys = [...read.secure];
  const recipe = loaded.recipe;
  for (const ref of collectRefs(recipe).filter((r) => r.kind === "secret")) {
    const full = `${PROJECT}:${ref.key}`;
    if (!(full in config)) {
      config[full] = SECRET;
      secretKeys.push(full);
    }
  }
  const recorder = installRecorder(PROJECT, opts.stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const outputs = runProgram();
  const resolved = await new Promise<Record<string, unknown>>((resolve) =>
    pulumi.output(outputs).apply((o) => resolve(o as Record<string, unknown>)),
  );
  await recorder.settle();
  return {
    registrations: recorder.registrations,
    artifacts: renderArtifacts(recorder.registrations),
    outputs: resolved,
    warnings,
  };
};
