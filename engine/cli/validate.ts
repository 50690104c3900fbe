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

/**
 * `validate -s <stack> [recipe]`: the stack and its recipe (or the recipe given) in one pass, as render and
 * the program check them: unset keys with their `recette config set` command, values that do not fit, keys
 * nothing reads, the stack file's YAML errors (an unset secret is a warning: preview and up refuse it).
 */
export const validateStackCommand = (stack: string, recipe: string | undefined, json: boolean, io: Io): number => {
  // Loaded only here: a plain `validate <recipe>` never reads a stack.
  const { checkStack } = require("../stack/check") as typeof import("../stack/check");
  const { RecipeError } = require("../load") as typeof import("../load");
  const { projectRootOrHere } = require("../project") as typeof import("../project");
  let problems: Problem[];
  let model: { name: string; orchestrator: { kind: string }; nodes: { provider: string }; apps: unknown[] } | undefined;
  let file = `stack ${stack}`;
  try {
    const checked = checkStack(projectRootOrHere(), stack, recipe);
    problems = checked.warnings;
    model = checked.loaded.model;
    file = checked.read.file;
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    problems = [...e.problems];
  }
  const errors = problems.filter((p) => p.severity === "error").length;
  if (json) {
    const summary = model
      ? {
          name: model.name,
          orchestrator: model.orchestrator.kind,
          provider: model.nodes.provider,
          apps: model.apps.length,
        }
      : null;
    const warnings = problems.length - errors;
    printJson(io, { file, valid: errors === 0, recipe: summary, errors, warnings, problems });
    return errors === 0 ? 0 : 1;
  }
  const { formatProblem } = require("../load") as typeof import("../load");
  for (const p of problems) io.err(formatProblem(p));
  if (errors > 0 || !model) {
    io.err(`stack ${stack}: ${errors} error${errors === 1 ? "" : "s"}`);
    return 1;
  }
  io.out(`${file}: valid stack ${stack} (recipe ${model.name}: ${model.orchestrator.kind} on ${model.nodes.provider})`);
  return 0;
};

export const validateRun: Run = ({ args, opts }, io) => {
  const json = opts.json === true;
  if (typeof opts.stack === "string") return validateStackCommand(opts.stack, args[0], json, io);
  if (!args[0]) {
    io.err(
      "recette validate: give a recipe file, or a stack with -s <stack> (e.g. recette validate recipes/blog.yaml)",
    );
    return 2;
  }
  return validateCommand(args[0], json, io);
};
