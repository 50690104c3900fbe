import { isAlias, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { formatPath, type Problem } from "./problem";
import { codePoint, CONTROL } from "./text";
import { yamlErrorWords } from "./yaml-words";

/**
 * The only tags a recipe may write explicitly: YAML's core types. Others (!Ref, !!js/function, !!binary) are refused.
 */
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
export const yamlProblems = (
  doc: Document,
  lines: LineCounter,
  file: string,
): { fatal: Problem[]; values: Problem[] } => {
  const at = (offset: number, message: string, path: PropertyKey[] = []): Problem => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, col: pos.col, path: formatPath(path), message, severity: "error" };
  };
  // Unresolved tags are reported below, with their path, for every non-core tag.
  const fatal = [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")].map((e) =>
    at(e.pos[0], `YAML: ${yamlErrorWords(e)}`),
  );
  const problems: Problem[] = [];
  let aliases = 0;
  visit(doc, (_key, node, ancestors) => {
    if (isAlias(node) && ++aliases === MAX_ALIASES + 1)
      fatal.push(
        at(node.range?.[0] ?? 0, `YAML: more than ${MAX_ALIASES} aliases (*name); write the values out instead`),
      );
    if (!isNode(node)) return;
    if (node.tag && !CORE_TAGS.has(node.tag))
      problems.push(
        at(
          node.range?.[0] ?? 0,
          `YAML: the tag ${JSON.stringify(node.tag.replace("tag:yaml.org,2002:", "!!"))} ` +
            "is not allowed (recipes hold plain values: remove the tag)",
          pathOf(ancestors, node),
        ),
      );
    if (isScalar(node) && typeof node.value === "string") {
      const bad = CONTROL.exec(node.value);
      const isKey =
        isPair(ancestors[ancestors.length - 1]) && (ancestors[ancestors.length - 1] as { key: unknown }).key === node;
      if (bad)
        problems.push(
          at(
            node.range?.[0] ?? 0,
            `${isKey ? "the key " : ""}contains the control character ` +
              `${codePoint(bad[0])} (only printable text, tabs and newlines are allowed)`,
            pathOf(ancestors, node),
          ),
        );
    }
  });
  return { fatal, values: problems };
};

export interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  /** The document's data; undefined when a fatal problem (syntax, alias bomb) leaves none. */
  data: unknown;
  /** Problems that leave no data to check. */
  fatal: Problem[];
  /** Problems of single values (tags, control characters), reported with the schema's own. */
  values: Problem[];
}

/**
 * Parses YAML text with the limits every file recette reads is held to (recipes, stack files): core
 * types only, unique keys, no merge keys, at most MAX_ALIASES aliases and no alias that expands out of
 * proportion, no control characters.
 */
export const parseYaml = (text: string, file: string): ParsedYaml => {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    schema: "core",
    merge: false,
  });
  const { fatal, values } = yamlProblems(doc, lines, file);
  if (fatal.length > 0) return { doc, lines, data: undefined, fatal, values };
  try {
    return { doc, lines, data: doc.toJS({ maxAliasCount: MAX_ALIASES }), fatal, values };
  } catch (e) {
    // The yaml library stops alias expansion that grows out of proportion ("billion laughs").
    let first = 0;
    visit(doc, {
      Alias: (_k, n) => {
        first ||= n.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lines.linePos(first);
    const why =
      e instanceof ReferenceError ? "aliases expand out of proportion to the text (an alias bomb)" : String(e);
    const bomb: Problem = {
      file,
      line: pos.line,
      col: pos.col,
      path: "",
      message: `YAML: ${why}; write the values out instead`,
      severity: "error",
    };
    return { doc, lines, data: undefined, fatal: [bomb], values: [] };
  }
};
