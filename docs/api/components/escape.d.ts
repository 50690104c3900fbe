/**
 * The one place where a value crosses into another language: a shell script, smtpd.conf, a Traefik
 * rule. Each format has one function; it either writes the value as exactly one literal (a shell
 * word, a quoted string) or refuses it with an Error naming the value and the reason. Commands are
 * built as argument lists (`shellCommand`), the way Kamal's `lib/kamal/commands/base.rb` does.
 */
/** A JSON-like quoted form of a value, with every control character escaped: safe to print in a message. */
export declare const visible: (s: string) => string;
/** The error every refusal throws: `recette: <what> "<value>" cannot go into <format>: <why>`. */
export declare const refusal: (format: string, what: string, value: string | undefined, why: string) => Error;
/** A refusal's text without the `recette: ` prefix, for a component's argument problems (components/problems.ts). */
export declare const refusalReason: (format: string, what: string, value: string | undefined, why: string) => string;
/** Names the first control character of a value, for a refusal's reason; undefined when there is none. */
export declare const controlCharacter: (s: string) => string | undefined;
/**
 * One shell word that the shell reads back as exactly `s`. Single quotes carry every byte except NUL,
 * which no shell argument can hold: it is refused.
 */
export declare const shellQuote: (s: string, what?: string) => string;
/** A word the script itself defines (a variable expansion), written verbatim. Only `shellVar` makes one. */
export interface ShellWord {
    readonly raw: string;
}
/**
 * `"$NAME"` (or `"$1"`): the expansion of a variable the step's environment or script sets, as one
 * word; `suffix` is a literal appended to the same word (`"$k"-`).
 */
export declare const shellVar: (name: string, suffix?: string) => ShellWord;
/** Arguments as shell words, each literal quoted: a part of a command line (a continuation line). */
export declare const shellWords: (argv: (string | ShellWord)[]) => string;
/** A command line from its arguments: every literal argument quoted, so each stays one word. */
export declare const shellCommand: (argv: (string | ShellWord)[]) => string;
/** `NAME=value` for an environment prefix or an assignment, the value as one literal word. */
export declare const shellAssign: (name: string, value: string) => string;
/** Longer strings are refused: smtpd's parser has a fixed token buffer and no address is this long. */
export declare const SMTPD_MAX = 1024;
/**
 * A double-quoted smtpd.conf string. smtpd.conf has no escape that a config can rely on, so anything
 * that could end the string, the line or a table reference is refused rather than escaped.
 */
export declare const smtpdString: (s: string, what?: string) => string;
/**
 * A backtick-quoted Traefik rule string (`Host(\`…\`)`). Backtick strings have no escapes: a
 * backtick would end the string and let the rest become rule syntax, so it is refused.
 */
export declare const traefikRuleLiteral: (s: string, what?: string) => string;
/**
 * `node.labels.<key>==<value>`: a Swarm placement constraint on a node label. swarmkit splits the
 * expression at its operator and has no quoting, so a key or value outside its grammar is refused
 * here, with the value named, instead of by the manager after the stack is half deployed.
 */
export declare const swarmConstraint: (key: string, value: string) => string;
/** Plain text on one Markdown line: control characters shown escaped, Markdown's punctuation backslash-escaped. */
export declare const markdownText: (s: string) => string;
/**
 * An inline code span: delimited by more backticks than the value's longest run, so the value cannot
 * close it. In a table cell a `|` would still end the cell (GFM splits cells first), so it is escaped.
 */
export declare const markdownCode: (s: string, where?: "inline" | "table") => string;
/** A fenced block of several lines (an engine error, a recipe's problems): the fence is longer than any run inside. */
export declare const markdownBlock: (s: string) => string;
