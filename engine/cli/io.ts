import { formatProblem, loadRecipe, RecipeError, type Loaded } from "../load";

export type Io = { out: (s: string) => void; err: (s: string) => void };

/**
 * The shared shape of commands that take one recipe: usage check, load (warnings on stderr), run;
 * an invalid recipe prints every problem and exits 1.
 */
export const withRecipe = (args: string[], usage: string, io: Io, run: (loaded: Loaded, file: string) => void, onInvalid?: (errors: number, file: string) => void): number => {
  const [file] = args;
  if (!file || args.length !== 1) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  try {
    const loaded = loadRecipe(file);
    for (const w of loaded.warnings) io.err(formatProblem(w));
    run(loaded, file);
    return 0;
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    for (const p of e.problems) io.err(formatProblem(p));
    onInvalid?.(e.problems.filter((p) => p.severity === "error").length, file);
    return 1;
  }
};
