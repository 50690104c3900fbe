import { collectRefs, type RefUse } from "../compose/refs";
import type { Loaded, Problem } from "../load";
import { translate } from "../load/issues";
import { formatPath } from "../load/problem";
import { Recipe } from "../schema";
import { recipeJsonSchema } from "../schema/json-schema";
import { buildModel, type Model } from "./model";
import { validateModel } from "./rules";

/** What the stack's configuration holds, as the Pulumi program (or render) reads it. */
export interface StackValues {
  stack: string;
  /** The stack file as users know it, e.g. stacks/Pulumi.local.yaml. */
  file: string;
  /** The value of a project key (without `recette:`), or undefined when unset. */
  get(key: string): string | undefined;
  /** Whether the stack holds the key encrypted (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
}

const isRecord = (v: unknown): v is Record<PropertyKey, unknown> => v !== null && typeof v === "object";

/** A copy of `root` with the value at `path` replaced (plain JSON data: objects and arrays). */
const replaceAt = (root: unknown, path: readonly PropertyKey[], value: unknown): unknown => {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(root)) return root.map((v, i) => (i === head ? replaceAt(v, rest, value) : v));
  if (!isRecord(root)) return root;
  return { ...root, [head]: replaceAt(root[head], rest, value) };
};

const startsWith = (path: PropertyKey[], prefix: PropertyKey[]) => prefix.every((k, i) => path[i] === k);

/**
 * The recipe's model with every `{ config: key }` given the stack's value, each value held to the same
 * grammar as the literal it stands for (an address is an address, a host a host) and the cross-field
 * rules run on the result. A key the stack holds as a secret is refused where a plain value is read:
 * it would land in plain text in smtpd.conf, an environment or the state.
 * Every problem is returned at once; the model is returned only when there is none.
 */
export const resolveModel = (
  loaded: Loaded,
  values: StackValues,
  recipeFile: string,
): { model?: Model; problems: Problem[]; warnings: Problem[] } => {
  const refs = collectRefs(loaded.recipe);
  const where = (r: RefUse) => {
    const pos = loaded.at(r.path);
    return `${recipeFile}:${pos.line}:${pos.col} ${formatPath(r.path)}`;
  };
  const stackProblem = (r: RefUse, message: string): Problem => ({
    file: values.file,
    line: 0,
    col: 0,
    path: r.key,
    message,
    severity: "error",
  });
  const located = (r: RefUse, message: string): Problem => ({
    file: recipeFile,
    ...loaded.at(r.path),
    path: formatPath(r.path),
    message,
    severity: "error",
  });
  const setCommand = (r: RefUse) =>
    `pulumi config set ${r.kind === "secret" ? "--secret " : ""}${r.key} <value> -s ${values.stack}`;

  const problems: Problem[] = [];
  for (const r of refs) {
    const set = values.get(r.key) !== undefined;
    if (!set)
      problems.push(
        located(r, `stack ${values.stack} does not set ${r.kind} ${JSON.stringify(r.key)} (run: ${setCommand(r)})`),
      );
    else if (r.kind === "config" && values.isSecret(r.key))
      problems.push(
        stackProblem(
          r,
          `is a secret, but ${where(r)} reads it as a plain value, which would put it in plain text in files and the ` +
            `state (write { secret: ${r.key} } where the recipe allows secrets, or store a non-secret value: ` +
            `pulumi config set ${r.key} <value> -s ${values.stack})`,
        ),
      );
  }
  if (problems.length > 0) return { problems, warnings: [] };

  const configRefs = refs.filter((r) => r.kind === "config");
  const resolved = configRefs.reduce<unknown>((doc, r) => replaceAt(doc, r.path, values.get(r.key)), loaded.recipe);
  const parsed = Recipe.safeParse(resolved, { reportInput: true });
  if (!parsed.success) {
    const found = parsed.error.issues.flatMap((issue) => translate(issue, recipeJsonSchema(), resolved));
    return {
      problems: found.map((l) => {
        const ref = configRefs.find((r) => startsWith(l.path, r.path));
        return ref
          ? stackProblem(
              ref,
              `${l.message} (read by ${where(ref)}; fix: pulumi config set ${ref.key} <value> -s ${values.stack})`,
            )
          : {
              file: recipeFile,
              ...loaded.at(l.path),
              path: formatPath(l.path),
              message: l.message,
              severity: "error" as const,
            };
      }),
      warnings: [],
    };
  }
  // Every reference was replaced above: the model's text is the stack's.
  const model = buildModel(parsed.data, (ref) => values.get(ref.config) ?? "");
  const findings = validateModel(model).map((f) => ({
    file: recipeFile,
    ...loaded.at(f.path),
    path: formatPath(f.path),
    message: f.message,
    severity: f.severity,
  }));
  return {
    ...(findings.some((f) => f.severity === "error") ? {} : { model }),
    problems: findings.filter((f) => f.severity === "error"),
    warnings: findings.filter((f) => f.severity === "warning"),
  };
};
