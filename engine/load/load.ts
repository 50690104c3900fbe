import { isAlias, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { recipeJsonSchema } from "../schema/json-schema";
import { Recipe } from "../schema";
import { buildModel, type Model } from "../model/model";
import { validateModel } from "../model/rules";
import { translate } from "./issues";
import { Positions } from "./positions";
import { formatPath, RecipeError, type Problem } from "./problem";
import { codePoint, CONTROL, FileRefused, MAX_FILE_BYTES, readSmallTextFile } from "./text";

export interface Loaded {
  /** The recipe as written, after the schema (its `{ config: key }` references still unresolved). */
  recipe: Recipe;
  /** The typed model of the recipe alone: references stand as placeholders until a stack resolves them. */
  model: Model;
  /** Warnings worth printing; errors never reach here (they throw). */
  warnings: Problem[];
  file: string;
  /** Line and column of a path in the recipe file (for problems found later, e.g. unset stack config). */
  at: (path: PropertyKey[]) => { line: number; col: number };
}

const byPosition = (a: Problem, b: Problem) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path);

/** The only tags a recipe may write explicitly: YAML's core types. Others (!Ref, !!js/function, !!binary) are refused. */
const CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));
const MAX_ALIASES = 100;

/** The recipe path of a node from the ancestors `visit` gives (pairs name keys, sequences give indexes). */
const pathOf = (ancestors: readonly unknown[], node: unknown): PropertyKey[] => {
  const chain = [...ancestors.slice(1), node];
  const out: PropertyKey[] = [];
  chain.forEach((n, i) => {
    if (isPair(n) && isScalar(n.key)) out.push(String(n.key.value));
    if (isSeq(n) && chain[i + 1] !== undefined) out.push(n.items.indexOf(chain[i + 1] as never));
  });
  return out;
};

/**
 * Problems the YAML layer finds before any schema. Syntax errors and alias bombs are `fatal` (there
 * is no data to check further); unknown tags and control characters are reported with the schema's
 * own problems, all at once.
 */
const yamlProblems = (doc: Document, lines: LineCounter, file: string): { fatal: Problem[]; values: Problem[] } => {
  const at = (offset: number, message: string, path: PropertyKey[] = []): Problem => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, col: pos.col, path: formatPath(path), message, severity: "error" };
  };
  // Unresolved tags are reported below, with their path, for every non-core tag.
  const fatal = [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")].map((e) => at(e.pos[0], `YAML: ${e.message.split("\n")[0]}`));
  const problems: Problem[] = [];
  let aliases = 0;
  visit(doc, (_key, node, ancestors) => {
    if (isAlias(node) && ++aliases === MAX_ALIASES + 1)
      fatal.push(at(node.range?.[0] ?? 0, `YAML: more than ${MAX_ALIASES} aliases (*name); write the values out instead`));
    if (!isNode(node)) return;
    if (node.tag && !CORE_TAGS.has(node.tag))
      problems.push(
        at(node.range?.[0] ?? 0, `YAML: the tag ${JSON.stringify(node.tag.replace("tag:yaml.org,2002:", "!!"))} is not allowed (recipes hold plain values: remove the tag)`, pathOf(ancestors, node)),
      );
    if (isScalar(node) && typeof node.value === "string") {
      const bad = CONTROL.exec(node.value);
      const isKey = isPair(ancestors[ancestors.length - 1]) && (ancestors[ancestors.length - 1] as { key: unknown }).key === node;
      if (bad)
        problems.push(
          at(
            node.range?.[0] ?? 0,
            `${isKey ? "the key " : ""}contains the control character ${codePoint(bad[0])} (only printable text, tabs and newlines are allowed)`,
            pathOf(ancestors, node),
          ),
        );
    }
  });
  return { fatal, values: problems };
};

/**
 * Parses and validates recipe text. Every problem is collected (YAML syntax, shape, cross-field rules)
 * and thrown together as a RecipeError, before anything else happens.
 */
export const parseRecipe = (text: string, file: string): Loaded => {
  if (text.length > MAX_FILE_BYTES) {
    throw new RecipeError([{ file, line: 1, col: 1, path: "", message: `${text.length} characters is too large for a recipe (at most ${MAX_FILE_BYTES})`, severity: "error" }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, schema: "core", merge: false });
  const early = yamlProblems(doc, lines, file);
  if (early.fatal.length > 0) throw new RecipeError(dedupe([...early.fatal, ...early.values]).sort(byPosition));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // The yaml library stops alias expansion that grows out of proportion ("billion laughs").
    let first = 0;
    visit(doc, { Alias: (_k, n) => ((first ||= n.range?.[0] ?? 0), visit.BREAK) });
    const pos = lines.linePos(first);
    const why = e instanceof ReferenceError ? "aliases expand out of proportion to the text (an alias bomb)" : String(e);
    throw new RecipeError([{ file, line: pos.line, col: pos.col, path: "", message: `YAML: ${why}; write the values out instead`, severity: "error" }]);
  }
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
  if (!parsed.success || early.values.length > 0) {
    // A value already refused for its characters or tag is not reported a second time by the schema.
    const flagged = new Set(early.values.map((p) => p.path));
    const problems = (parsed.error?.issues ?? [])
      .flatMap((issue) => translate(issue, recipeJsonSchema(), data))
      .map((l) => locate(l.path, l.atKey, l.message, "error"))
      .filter((p) => !flagged.has(p.path));
    throw new RecipeError(dedupe([...early.values, ...problems]).sort(byPosition));
  }
  const model = buildModel(parsed.data);
  const findings = validateModel(model).map((f) => locate(f.path, false, f.message, f.severity));
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new RecipeError(findings.sort(byPosition));
  return { recipe: parsed.data, model, warnings: findings.sort(byPosition), file, at: (path) => positions.at(path) };
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
