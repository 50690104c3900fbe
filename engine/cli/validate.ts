import type { Recipe } from "../schema";
import type { Run } from "./define";
import { loadOutcome, printJson, withRecipe, type Io } from "./io";
import type { Problem } from "../load";

export const summary = "check a recipe; print every problem as file:line:col path: message";
export const usage = "recette validate <recipe.yaml>   e.g. recette validate recipes/blog.yaml";

/** `validate --json`'s document (docs/cli.md): the same facts as the text output, every problem included. */
export interface ValidateReport {
  file: string;
  valid: boolean;
  recipe: { name: string; orchestrator: string; provider: string; apps: number } | null;
  errors: number;
  warnings: number;
  problems: Problem[];
}

export const validateReport = (file: string, outcome: ReturnType<typeof loadOutcome>): ValidateReport => {
  const problems = outcome.ok ? [...outcome.loaded.warnings] : [...outcome.problems];
  const r: Recipe | undefined = outcome.ok ? outcome.loaded.recipe : undefined;
  return {
    file,
    valid: outcome.ok,
    recipe: r
      ? { name: r.name, orchestrator: r.orchestrator.kind, provider: r.nodes.provider, apps: r.apps.length }
      : null,
    errors: problems.filter((p) => p.severity === "error").length,
    warnings: problems.filter((p) => p.severity === "warning").length,
    problems,
  };
};

/** Exit 0 when valid (warnings on stderr), 1 with every problem on stderr; --json: the report on stdout. */
export const validateCommand = (file: string, json: boolean, io: Io): number => {
  if (json) {
    const report = validateReport(file, loadOutcome(file));
    printJson(io, report);
    return report.valid ? 0 : 1;
  }
  return withRecipe(
    file,
    io,
    ({ recipe }) =>
      io.out(
        `${file}: valid recipe ${recipe.name} ` +
          `(${recipe.orchestrator.kind} on ${recipe.nodes.provider}, ${recipe.apps.length} apps)`,
      ),
    (errors) => io.err(`${file}: ${errors} error${errors === 1 ? "" : "s"}`),
  );
};

export const validateRun: Run = ({ args, opts }, io) => validateCommand(args[0] ?? "", opts.json === true, io);
