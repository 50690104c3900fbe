import * as fs from "node:fs";
import * as path from "node:path";
import { resolveConfig, type StackValues } from "../../engine/compose/stack-values";
import { formatProblem, loadRecipe, RecipeError } from "../../engine/load";
import { parseStackConfig } from "../../engine/render";
import { ROOT } from "../helpers";

export const CASES = path.join(__dirname, "cases");

/** The case recipes of one family (cases/<family>/<case>.yaml), each with its .expected beside it. */
export const casesOf = (family: string): string[] =>
  fs
    .readdirSync(path.join(CASES, family))
    .filter((f) => f.endsWith(".yaml") && !f.endsWith(".stack.yaml"))
    .sort()
    .map((f) => path.join(CASES, family, f));

/**
 * What recette says about a case: the loader's problems, then (when the case has a .stack.yaml) the
 * stack values' problems, exactly as `recette validate` / `pulumi up` print them.
 */
export const caseOutput = (file: string): string[] => {
  const rel = path.relative(ROOT, file);
  let loaded;
  try {
    loaded = loadRecipe(rel);
  } catch (e) {
    if (e instanceof RecipeError) return e.problems.map(formatProblem);
    throw e;
  }
  const stackFile = file.replace(/\.yaml$/, ".stack.yaml");
  const lines = loaded.warnings.map(formatProblem);
  if (!fs.existsSync(stackFile)) return lines;
  const { config, secretKeys } = parseStackConfig(fs.readFileSync(stackFile, "utf8"), "recette");
  const values: StackValues = {
    stack: "hostile",
    file: "stacks/Pulumi.hostile.yaml",
    get: (key) => config[`recette:${key}`],
    isSecret: (key) => secretKeys.includes(`recette:${key}`),
  };
  const { problems, warnings } = resolveConfig(loaded, values, rel);
  return [...lines, ...problems.map(formatProblem), ...warnings.map(formatProblem)];
};

export const expectedOf = (file: string): string[] =>
  fs
    .readFileSync(file.replace(/\.yaml$/, ".expected"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
