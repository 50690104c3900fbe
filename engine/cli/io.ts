import { formatProblem, loadRecipe, RecipeError, type Loaded, type Problem } from "../load";

export type { Io } from "./define";
import type { Io } from "./define";

/** What loading a recipe gave: the recipe and its warnings, or every problem. */
export type Outcome = { ok: true; loaded: Loaded } | { ok: false; problems: readonly Problem[] };

export const loadOutcome = (file: string): Outcome => {
  try {
    return { ok: true, loaded: loadRecipe(file) };
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    return { ok: false, problems: e.problems };
  }
};

/**
 * The shared shape of commands that take one recipe: load (warnings on stderr), run; an invalid recipe
 * prints every problem and exits 1.
 */
export const withRecipe = (
  file: string,
  io: Io,
  run: (loaded: Loaded, file: string) => void,
  onInvalid?: (errors: number, file: string) => void,
): number => {
  const outcome = loadOutcome(file);
  if (!outcome.ok) {
    for (const p of outcome.problems) io.err(formatProblem(p));
    onInvalid?.(outcome.problems.filter((p) => p.severity === "error").length, file);
    return 1;
  }
  for (const w of outcome.loaded.warnings) io.err(formatProblem(w));
  run(outcome.loaded, file);
  return 0;
};

/** One JSON document on stdout, indented for people, parsed the same by programs. */
export const printJson = (io: Io, doc: unknown): void => io.out(JSON.stringify(doc, null, 2));
