/** One thing wrong (or worth a warning) in a recipe, located in its file. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** Path inside the recipe, e.g. apps[0].pluxml.host; empty for the whole document. */
  path: string;
  message: string;
  severity: "error" | "warning";
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, "");

export const formatProblem = (p: Problem): string =>
  `${p.file}:${p.line}:${p.col} ${p.severity === "warning" ? "warning: " : ""}${p.path === "" ? "" : `${p.path}: `}${p.message}`;

/** Thrown when a recipe is invalid; carries every problem so all are reported at once. */
export class RecipeError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "RecipeError";
  }
}
