import { formatProblem, loadRecipe, RecipeError } from "../load";

export const summary = "check a recipe; print every problem as file:line:col path: message";
export const usage = "recette validate <recipe.yaml>   e.g. recette validate recipes/blog.yaml";

/** Exit 0 when valid (warnings on stderr), 1 with every problem on stderr. */
export const validateCommand = (args: string[], io: { out: (s: string) => void; err: (s: string) => void }): number => {
  const [file] = args;
  if (!file || args.length !== 1) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  try {
    const loaded = loadRecipe(file);
    for (const w of loaded.warnings) io.err(formatProblem(w));
    io.out(`${file}: valid recipe ${loaded.recipe.name} (${loaded.recipe.orchestrator.kind} on ${loaded.recipe.nodes.provider}, ${loaded.recipe.apps.length} apps)`);
    return 0;
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    for (const p of e.problems) io.err(formatProblem(p));
    const errors = e.problems.filter((p) => p.severity === "error").length;
    io.err(`${file}: ${errors} error${errors === 1 ? "" : "s"}`);
    return 1;
  }
};
