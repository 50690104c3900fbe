/**
 * The one place where a value crosses into another language: a shell script, smtpd.conf, a Traefik
 * rule. Each format has one function; it either writes the value as exactly one literal (a shell
 * word, a quoted string) or refuses it with an Error naming the value and the reason. Commands are
 * built as argument lists (`shellCommand`), the way Kamal's `lib/kamal/commands/base.rb` does.
 */

/** Characters that would print as something else (or change the terminal) when written raw. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A JSON-like quoted form of a value, with every control character escaped: safe to print in a message. */
export const visible = (s: string): string =>
  JSON.stringify(s).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The error every refusal throws: `recette: <what> "<value>" cannot go into <format>: <why>`. */
export const refusal = (format: string, what: string, value: string | undefined, why: string): Error =>
  new Error(`recette: ${refusalReason(format, what, value, why)}`);

/** A refusal's text without the `recette: ` prefix, for a component's argument problems (components/problems.ts). */
export const refusalReason = (format: string, what: string, value: string | undefined, why: string): string =>
  `${what}${value === undefined ? "" : ` ${visible(value)}`} cannot go into ${format}: ${why}`;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Names the first control character of a value, for a refusal's reason; undefined when there is none. */
export const controlCharacter = (s: string): string | undefined => {
  const c = CONTROL.exec(s)?.[0];
  if (c === undefined) return undefined;
  const names: Record<string, string> = {
    "\n": "a newline",
    "\r": "a carriage return",
    "\t": "a tab",
    "\0": "a NUL byte",
    "\u001b": "an escape (ESC)",
  };
  return names[c] ?? `the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
};

// ---------------------------------------------------------------------------------------------- shell

/** Words made only of these characters need no quotes (Python's shlex.quote set). */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word that the shell reads back as exactly `s`. Single quotes carry every byte except NUL,
 * which no shell argument can hold: it is refused.
 */
export const shellQuote = (s: string, what = "value"): string => {
  if (s.includes("\0"))
    throw refusal("a shell script", what, s, "it contains a NUL byte, which no shell argument can carry");
  if (SHELL_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
};

/** A word the script itself defines (a variable expansion), written verbatim. Only `shellVar` makes one. */
export interface ShellWord {
  readonly raw: string;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `"$NAME"` (or `"$1"`): the expansion of a variable the step's environment or script sets, as one
 * word; `suffix` is a literal appended to the same word (`"$k"-`).
 */
export const shellVar = (name: string, suffix = ""): ShellWord => {
  if (!SHELL_NAME.test(name) && !/^[1-9]$/.test(name))
    throw refusal("a shell script", "variable name", name, "it is not a shell variable name");
  return { raw: `"$${name}"${suffix === "" ? "" : shellQuote(suffix)}` };
};

/** Arguments as shell words, each literal quoted: a part of a command line (a continuation line). */
export const shellWords = (argv: (string | ShellWord)[]): string =>
  argv.map((a) => (typeof a === "string" ? shellQuote(a, "argument") : a.raw)).join(" ");

/** A command line from its arguments: every literal argument quoted, so each stays one word. */
export const shellCommand = (argv: (string | ShellWord)[]): string => {
  const first = argv[0];
  if (first === undefined) throw new Error("recette: an empty command");
  const words = shellWords(argv);
  // An unquoted `a=b` in command position would be an assignment, not the command.
  return typeof first === "string" && first.includes("=") && !words.startsWith("'")
    ? `'${first}'${words.slice(first.length)}`
    : words;
};

/** `NAME=value` for an environment prefix or an assignment, the value as one literal word. */
export const shellAssign = (name: string, value: string): string => {
  if (!SHELL_NAME.test(name)) throw refusal("a shell script", "variable name", name, "it is not a shell variable name");
  return `${name}=${shellQuote(value, name)}`;
};

// ------------------------------------------------------------------------------------------ smtpd.conf

/** Longer strings are refused: smtpd's parser has a fixed token buffer and no address is this long. */
export const SMTPD_MAX = 1024;

/**
 * A double-quoted smtpd.conf string. smtpd.conf has no escape that a config can rely on, so anything
 * that could end the string, the line or a table reference is refused rather than escaped.
 */
export const smtpdString = (s: string, what = "value"): string => {
  const format = "smtpd.conf";
  if (s === "") throw refusal(format, what, s, "it is empty");
  if (s.length > SMTPD_MAX)
    throw refusal(format, what, `${s.slice(0, 40)}…`, `it is longer than ${SMTPD_MAX} characters`);
  const control = controlCharacter(s);
  if (control) throw refusal(format, what, s, `it contains ${control}`);
  const bad = /["\\<>]/.exec(s)?.[0];
  if (bad)
    throw refusal(format, what, s, `it contains ${JSON.stringify(bad)}, which a quoted smtpd.conf string cannot carry`);
  return `"${s}"`;
};

// ------------------------------------------------------------------------------------------ Traefik

/**
 * A backtick-quoted Traefik rule string (`Host(\`…\`)`). Backtick strings have no escapes: a
 * backtick would end the string and let the rest become rule syntax, so it is refused.
 */
export const traefikRuleLiteral = (s: string, what = "value"): string => {
  const format = "a Traefik rule";
  if (s === "") throw refusal(format, what, s, "it is empty");
  const control = controlCharacter(s);
  if (control) throw refusal(format, what, s, `it contains ${control}`);
  if (s.includes("`")) throw refusal(format, what, s, "it contains a backtick, which ends a Traefik rule string");
  return `\`${s}\``;
};

// ------------------------------------------------------------------------------- Swarm constraints

// swarmkit's own grammar (manager/constraint/constraint.go): what it would refuse at deploy time.
const CONSTRAINT_KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const CONSTRAINT_VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

/**
 * `node.labels.<key>==<value>`: a Swarm placement constraint on a node label. swarmkit splits the
 * expression at its operator and has no quoting, so a key or value outside its grammar is refused
 * here, with the value named, instead of by the manager after the stack is half deployed.
 */
export const swarmConstraint = (key: string, value: string): string => {
  const format = "a Swarm placement constraint";
  if (!CONSTRAINT_KEY.test(`node.labels.${key}`))
    throw refusal(format, "label key", key, "swarmkit accepts letters, digits, '-', '_' and '.'");
  if (!CONSTRAINT_VALUE.test(value) || value.trim() !== value)
    throw refusal(
      format,
      `value of label ${key}`,
      value,
      "swarmkit accepts letters, digits, blanks inside and :-_.*()?+[]\\^$|/",
    );
  return `node.labels.${key}==${value}`;
};

// -------------------------------------------------------------------------------------- Markdown
// The preview summaries (recette preview, posted on pull requests) quote resource names, property
// paths, policy messages and engine errors: text a recipe or a provider chose. In Markdown such text
// could open a link, an image, raw HTML or a table cell, so it only enters through these functions.

const longestBackticks = (s: string): number => Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
const oneLine = (s: string): string =>
  s.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Plain text on one Markdown line: control characters shown escaped, Markdown's punctuation backslash-escaped. */
export const markdownText = (s: string): string => oneLine(s).replace(/[\\`*_[\]<>|~&#!]/g, "\\$&");

/**
 * An inline code span: delimited by more backticks than the value's longest run, so the value cannot
 * close it. In a table cell a `|` would still end the cell (GFM splits cells first), so it is escaped.
 */
export const markdownCode = (s: string, where: "inline" | "table" = "inline"): string => {
  const fence = "`".repeat(longestBackticks(s) + 1);
  let body = oneLine(s);
  if (where === "table") body = body.replace(/\|/g, "\\|");
  const pad = body.startsWith("`") || body.endsWith("`") || body === "" ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
};

/** A fenced block of several lines (an engine error, a recipe's problems): the fence is longer than any run inside. */
export const markdownBlock = (s: string): string => {
  const fence = "`".repeat(Math.max(3, longestBackticks(s) + 1));
  const body = s
    .split("\n")
    .map((l) => oneLine(l))
    .join("\n");
  return `${fence}text\n${body}\n${fence}`;
};
