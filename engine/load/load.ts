import { createHash } from "node:crypto";
import { recipeJsonSchema } from "../schema/json-schema";
import { Recipe } from "../schema";
import { buildModel, type Model } from "../model/model";
import { validateModel } from "../model/rules";
import { mergeTypos, translate } from "./issues";
import { Positions } from "./positions";
import { formatPath, RecipeError, type Problem } from "./problem";
import { FileRefused, MAX_FILE_BYTES, readSmallTextFile } from "./text";
import { parseYaml } from "./yaml";

export interface Loaded {
  /** The recipe as written, after the schema (its `{ config: key }` references still unresolved). */
  recipe: Recipe;
  /** The typed model of the recipe alone: references stand as placeholders until a stack resolves them. */
  model: Model;
  /** Warnings worth printing; errors never reach here (they throw). */
  warnings: Problem[];
  file: string;
  /** sha256 (hex) of the recipe's text: what a `recette rollback` pin is tied to. */
  sha256: string;
  /** Line and column of a path in the recipe file (for problems found later, e.g. unset stack config). */
  at: (path: PropertyKey[]) => { line: number; col: number };
}

export const byPosition = (a: Problem, b: Problem) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path);

/**
 * Parses and validates recipe text. Every problem is collected (YAML syntax, shape, cross-field rules)
 * and thrown together as a RecipeError, before anything else happens.
 */
export const parseRecipe = (text: string, file: string): Loaded => {
  if (text.length > MAX_FILE_BYTES) {
    throw new RecipeError([
      {
        file,
        line: 1,
        col: 1,
        path: "",
        message: `${text.length} characters is too large for a recipe (at most ${MAX_FILE_BYTES})`,
        severity: "error",
      },
    ]);
  }
  const { doc, lines, data, fatal, values } = parseYaml(text, file);
  if (data === undefined) throw new RecipeError(dedupe([...fatal, ...values]).sort(byPosition));
  const positions = new Positions(doc, lines);
  const locate = (path: PropertyKey[], atKey: boolean, message: string, severity: Problem["severity"]): Problem => ({
    file,
    ...positions.at(path, atKey),
    path: formatPath(path),
    message,
    severity,
  });
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new RecipeError([
      locate([], false, "a recipe is a YAML mapping with name, nodes, orchestrator, edge and apps", "error"),
    ]);
  }
  // jitless: a recipe is parsed once or twice per process, and zod's compiled fast path costs more to build
  // than it saves on one document (`recette validate` measured ~10 ms faster without it).
  const parsed = Recipe.safeParse(data, { reportInput: true, jitless: true });
  if (!parsed.success || values.length > 0) {
    // A value already refused for its characters or tag is not reported a second time by the schema.
    const flagged = new Set(values.map((p) => p.path));
    const problems = mergeTypos(
      (parsed.error?.issues ?? []).flatMap((issue) => translate(issue, recipeJsonSchema(), data)),
    )
      .map((l) => locate(l.path, l.atKey, l.message, "error"))
      .filter((p) => !flagged.has(p.path));
    throw new RecipeError(dedupe([...values, ...problems]).sort(byPosition));
  }
  const model = buildModel(parsed.data);
  const findings = validateModel(model).map((f) => locate(f.path, false, f.message, f.severity));
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new RecipeError(findings.sort(byPosition));
  return {
    recipe: parsed.data,
    model,
    warnings: findings.sort(byPosition),
    file,
    sha256: createHash("sha256").update(text).digest("hex"),
    at: (path) => positions.at(path),
  };
};

export const dedupe = (problems: Problem[]): Problem[] => {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Why a file cannot be read, in words a user can act on. */
export const readFailure = (e: unknown): string => {
  if (e instanceof FileRefused) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file (check the path; recipes live in recipes/)";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "a directory, not a recipe file (give the path of a .yaml file)";
  return `cannot be read (${code ?? String(e)})`;
};

/** Reads and validates a recipe file; `file` is reported as given (e.g. recipes/blog.yaml). */
export const loadRecipe = (file: string): Loaded => {
  let text: string;
  try {
    text = readSmallTextFile(file);
  } catch (e) {
    throw new RecipeError([{ file, line: 1, col: 1, path: "", message: readFailure(e), severity: "error" }]);
  }
  return parseRecipe(text, file);
};
