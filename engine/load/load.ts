import * as fs from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { recipeJsonSchema } from "../schema/json-schema";
import { Recipe } from "../schema";
import { validateRecipe } from "../rules";
import { translate } from "./issues";
import { Positions } from "./positions";
import { formatPath, RecipeError, type Problem } from "./problem";

export interface Loaded {
  recipe: Recipe;
  /** Warnings worth printing; errors never reach here (they throw). */
  warnings: Problem[];
  file: string;
  /** Line and column of a path in the recipe file (for problems found later, e.g. unset stack config). */
  at: (path: PropertyKey[]) => { line: number; col: number };
}

const byPosition = (a: Problem, b: Problem) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path);

/**
 * Parses and validates recipe text. Every problem is collected (YAML syntax, shape, cross-field rules)
 * and thrown together as a RecipeError, before anything else happens.
 */
export const parseRecipe = (text: string, file: string): Loaded => {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RecipeError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: "", message: `YAML: ${e.message.split("\n")[0]}`, severity: "error" as const };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const positions = new Positions(doc, lines);
  const locate = (path: PropertyKey[], atKey: boolean, message: string, severity: Problem["severity"]): Problem => ({
    file,
    ...positions.at(path, atKey),
    path: formatPath(path),
    message,
    severity,
  });
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new RecipeError([locate([], false, "a recipe is a YAML mapping with name, nodes, orchestrator, edge and apps", "error")]);
  }
  const parsed = Recipe.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .flatMap((issue) => translate(issue, recipeJsonSchema(), data))
      .map((l) => locate(l.path, l.atKey, l.message, "error"));
    throw new RecipeError(dedupe(problems).sort(byPosition));
  }
  const findings = validateRecipe(parsed.data).map((f) => locate(f.path, false, f.message, f.severity));
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new RecipeError(findings.sort(byPosition));
  return { recipe: parsed.data, warnings: findings.sort(byPosition), file, at: (path) => positions.at(path) };
};

const dedupe = (problems: Problem[]): Problem[] => {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Reads and validates a recipe file; `file` is reported as given (e.g. recipes/blog.yaml). */
export const loadRecipe = (file: string): Loaded => {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file (check the path; recipes live in recipes/)" : String(e);
    throw new RecipeError([{ file, line: 1, col: 1, path: "", message: reason, severity: "error" }]);
  }
  return parseRecipe(text, file);
};
