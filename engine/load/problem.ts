import { escapeControls } from "./text";

/** One thing wrong (or worth a warning) in a recipe, located in its file. */
export interface Problem {
  file: string;
  /** 1-based; 0 when the problem is about a whole value (a stack config key), not a place in a file. */
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

/** One problem on one line; user text is escaped so it can neither forge a line nor reach the terminal raw. */
export const formatProblem = (p: Problem): string =>
  escapeControls(
    `${p.file}${p.line > 0 ? `:${p.line}:${p.col}` : ""} ` +
      `${p.severity === "warning" ? "warning: " : ""}${p.path === "" ? "" : `${p.path}: `}${p.message}`,
  );

/** Thrown when a recipe is invalid; carries every problem so all are reported at once. */
export class RecipeError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "RecipeError";
  }
}
