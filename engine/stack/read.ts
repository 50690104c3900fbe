import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isPair, isScalar } from "yaml";
import { byPosition, dedupe, readFailure } from "../load/load";
import { Positions } from "../load/positions";
import { RecipeError, type Problem } from "../load/problem";
import { MAX_FILE_BYTES, readSmallTextFile } from "../load/text";
import { parseYaml } from "../load/yaml";
import { fieldOf } from "../schema/formats";
import { projectNameOr } from "../project";
import { listStacks, missingStackFile, stackFile, validateStackName } from "./name";

/** What render shows in place of a value the stack holds encrypted (render never decrypts). */
export const SECRET_PLACEHOLDER = "[secret]";

/** A stack file's configuration as Pulumi hands it to the program, with where each key is written. */
export interface StackConfig {
  /** Full keys (`recette:acmeEmail`) to their values; `secure:` values are SECRET_PLACEHOLDER. */
  config: Record<string, string>;
  /** The full keys the stack holds encrypted (`secure:` values). */
  secure: string[];
  /** Line and column of a full key in the file (1:1 when it is not written there). */
  at(key: string): { line: number; col: number };
}

/** Everything `readStack` knows about a stack. */
export interface StackRead extends StackConfig {
  /** The Pulumi project (Pulumi.yaml's name): the namespace of the stack's keys. */
  project: string;
  stack: string;
  /** stacks/Pulumi.<stack>.yaml, relative to the project root. */
  file: string;
}

/** Thrown when a stack file cannot be read or parsed; carries every problem, each located in the file. */
export class StackError extends RecipeError {}

const problem = (file: string, line: number, col: number, message: string, key = ""): Problem => ({
  file,
  line,
  col,
  path: key,
  message,
  severity: "error",
});

/** A key as Pulumi reads it: `acmeEmail` in a stack file of the project `blog` means `blog:acmeEmail`. */
const fullKey = (project: string, key: string): string => (key.includes(":") ? key : `${project}:${key}`);

/**
 * Parses a stack file's text with the recipe loader's limits (size, aliases, control characters).
 * Broken YAML, an alias bomb or a `config` that is not a mapping throws a StackError naming line:col.
 */
export const parseStack = (text: string, file: string, project: string): StackConfig => {
  if (text.length > MAX_FILE_BYTES)
    throw new StackError([
      problem(file, 1, 1, `${text.length} characters is too large for a stack file (at most ${MAX_FILE_BYTES})`),
    ]);
  const { doc, lines, data, fatal, values } = parseYaml(text, file);
  if (data === undefined || values.length > 0) throw new StackError(dedupe([...fatal, ...values]).sort(byPosition));
  const positions = new Positions(doc, lines);
  const top = doc.contents;
  if (data !== null && !isMap(top))
    throw new StackError([problem(file, 1, 1, "a stack file is a YAML mapping with a config: section (see stacks/)")]);
  const section = isMap(top)
    ? top.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === "config")
    : undefined;
  const node = section?.value ?? null;
  if (node !== null && !isMap(node)) {
    const pos = positions.at(["config"]);
    throw new StackError([
      problem(
        file,
        pos.line,
        pos.col,
        "config: is a mapping of keys to values (e.g. recette:acmeEmail: ops@example.org)",
      ),
    ]);
  }
  const config: Record<string, string> = {};
  const secure: string[] = [];
  const where = new Map<string, { line: number; col: number }>();
  for (const pair of isMap(node) ? node.items : []) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = fullKey(project, String(pair.key.value));
    where.set(key, positions.at(["config", String(pair.key.value)], true));
    const value = fieldOf(fieldOf(data, "config"), String(pair.key.value));
    const encrypted = value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
    if (encrypted) {
      config[key] = SECRET_PLACEHOLDER;
      secure.push(key);
    } else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, secure, at: (key) => where.get(fullKey(project, key)) ?? { line: 1, col: 1 } };
};

/**
 * Reads stacks/Pulumi.<stack>.yaml under `root`: the one way every command and script reads a stack
 * (render, backup, delivery, `recette stack-info`). A refused name, a missing or unreadable file or
 * broken YAML throws a StackError whose problems say where and how to fix it.
 */
export const readStack = (root: string, stack: string, project = projectNameOr(root, "recette")): StackRead => {
  const bad = validateStackName(stack);
  const known = listStacks(root);
  if (bad)
    throw new StackError([problem("--stack", 0, 0, known.length > 0 ? `${bad} (stacks: ${known.join(", ")})` : bad)]);
  const file = stackFile(stack);
  const abs = path.join(root, file);
  if (!fs.existsSync(abs)) throw new StackError([problem(file, 0, 0, missingStackFile(root, stack))]);
  let text: string;
  try {
    text = readSmallTextFile(abs);
  } catch (e) {
    throw new StackError([problem(file, 0, 0, readFailure(e).replace("recipe file", "stack file"))]);
  }
  return { project, stack, file, ...parseStack(text, file, project) };
};
