import type { ErrorCode, YAMLError } from "yaml";

/**
 * What the yaml library's error codes mean, in our words; a function reads its message where one code covers several
 * cases.
 */
const WORDS: Partial<Record<ErrorCode, string | ((message: string) => string)>> = {
  BAD_INDENT: (m) =>
    /^Flow sequence/.test(m)
      ? "a [ list is not closed: end it with ] (a list that goes on to the next lines is indented more than its key)"
      : /^Flow map/.test(m)
        ? "a { mapping is not closed: end it with } (a mapping that " +
          "goes on to the next lines is indented more than its key)"
        : "the indentation does not line up: the keys of one mapping start in " +
          "the same column, and what a key holds is indented more than the key",
  MISSING_CHAR: (m) =>
    /quote/.test(m)
      ? "a quoted value is not closed: end it with the quote it starts with"
      : "something is missing here: a , between the items of a [ ] list or { } mapping, or the ] or } that closes it",
  DUPLICATE_KEY: "this key is written twice in the same mapping: keep one",
  TAB_AS_INDENT: "a tab indents this line: indent with spaces",
  MULTIPLE_DOCS: "a second document starts here (---): the file holds one",
  BLOCK_IN_FLOW: "a - list or a key: mapping inside [ ] or { }: write the value in one style",
  MULTILINE_IMPLICIT_KEY: "a key runs over more than one line (is the : after it missing, or a quote not closed?)",
  BAD_DQ_ESCAPE:
    "an escape between double quotes that YAML does not know: write \\\\ for a backslash, or use single quotes",
  BLOCK_AS_IMPLICIT_KEY:
    "two keys on one line (a: b: c): put the inner mapping on its own indented lines, or quote the value",
  MULTIPLE_ANCHORS: "a value with two anchors (&name): keep one",
  MULTIPLE_TAGS: "a value with two tags (!name): remove them, plain values need none",
  BAD_SCALAR_START: "a value cannot start with this character (@ and ` are reserved): put the value in quotes",
  KEY_OVER_1024_CHARS: "a key longer than 1024 characters: shorten it",
  UNEXPECTED_TOKEN: "a character that has no place here (a stray ], } or :?)",
  BAD_DIRECTIVE: "a line starting with % that YAML does not know: remove it",
  BAD_ALIAS: "an alias (*name) with no anchor (&name) written before it",
  NON_STRING_KEY: "a key that is a list or a mapping: keys are plain names",
};

/** A YAML syntax error in our words (never the library's own), or a plain sentence for a code not mapped here. */
export const yamlErrorWords = (e: Pick<YAMLError, "code" | "message">): string => {
  const words = WORDS[e.code];
  if (words === undefined) return "not valid YAML here (check the indentation, the quotes and the brackets)";
  return typeof words === "string" ? words : words(e.message);
};
