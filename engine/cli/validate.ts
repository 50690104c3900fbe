import { withRecipe, type Io } from "./io";

export const summary = "check a recipe; print every problem as file:line:col path: message";
export const usage = "recette validate <recipe.yaml>   e.g. recette validate recipes/blog.yaml";

/** Exit 0 when valid (warnings on stderr), 1 with every problem on stderr. */
export const validateCommand = (args: string[], io: Io): number =>
  withRecipe(
    args,
    usage,
    io,
    ({ recipe }, file) =>
      io.out(`${file}: valid recipe ${recipe.name} (${recipe.orchestrator.kind} on ${recipe.nodes.provider}, ${recipe.apps.length} apps)`),
    (errors, file) => io.err(`${file}: ${errors} error${errors === 1 ? "" : "s"}`),
  );
