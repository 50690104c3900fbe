import { collectRefs, type RefUse } from "../compose/refs";
import type { Loaded, Problem } from "../load";
import { translate } from "../load/issues";
import { formatPath } from "../load/problem";
import { Recipe } from "../schema";
import { recipeJsonSchema } from "../schema/json-schema";
import { didYouMean } from "../load/suggest";
import { buildModel, unresolvedText, type Model } from "./model";
import { validateModel } from "./rules";

/** What the stack's configuration holds, as the Pulumi program (or render) reads it. */
export interface StackValues {
  /** The Pulumi project: the namespace of the stack's keys (`<project>:acmeEmail`). */
  project: string;
  stack: string;
  /** The stack file as users know it, e.g. stacks/Pulumi.local.yaml. */
  file: string;
  /** The value of a project key (without `recette:`), or undefined when unset. */
  get(key: string): string | undefined;
  /** Whether the stack holds the key encrypted (`recette config set --secret`). */
  isSecret(key: string): boolean;
  /** Every project key the stack sets (without `recette:`), to find the ones nothing reads. */
  keys?(): string[];
  /** Where a project key is written in the stack file, when known. */
  at?(key: string): { line: number; col: number };
}

/** Project keys the engine itself reads, whatever the recipe. */
export const ENGINE_KEYS: readonly string[] = [
  "recipe",
  "imageRegistry",
  "production",
  "rollback",
  // A derived stack's (engine/model/derive.ts), set by recette drill.
  "edgeStack",
  "hostPrefix",
  // A preview environment's record (recette env): its name, when it was made, when it expires.
  "preview",
];

export interface ResolveOptions {
  /**
   * How an unset `{ secret: key }` counts: an error for the Pulumi program (preview, up), a warning for
   * render, which runs without the stack's secrets (in CI) and shows them as [secret].
   */
  missingSecrets?: "error" | "warning";
  /** How a project key nothing reads counts (a typo such as smtpPasword). Defaults to error. */
  unknownKeys?: "error" | "warning";
  /**
   * The stack's own recipe (its `recipe` key), when the recipe checked is another one (`validate <recipe> -s`,
   * `render --recipe`): a key this recipe does not read may be its own recipe's, so it is only noted (a warning
   * without a fix), never refused or advised away.
   */
  ownRecipe?: string;
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
 * rules run on the result. Reported in one pass: every unset key (with the command that sets it),
 * every value that does not fit, every key the stack sets that nothing reads (with "did you mean"),
 * and the rules' findings. A key the stack holds as a secret is refused where a plain value is read:
 * it would land in plain text in smtpd.conf, an environment or the state.
 * The model is returned only when there is no error.
 */
export const resolveModel = (
  loaded: Loaded,
  values: StackValues,
  recipeFile: string,
  opts: ResolveOptions = {},
): { model?: Model; problems: Problem[]; warnings: Problem[] } => {
  const refs = collectRefs(loaded.recipe);
  const where = (r: RefUse) => {
    const pos = loaded.at(r.path);
    return `${recipeFile}:${pos.line}:${pos.col} ${formatPath(r.path)}`;
  };
  const stackProblem = (key: string, message: string, severity: Problem["severity"] = "error"): Problem => ({
    file: values.file,
    ...(values.at?.(key) ?? { line: 0, col: 0 }),
    path: key,
    message,
    severity,
  });
  const located = (r: RefUse, message: string, severity: Problem["severity"]): Problem => ({
    file: recipeFile,
    ...loaded.at(r.path),
    path: formatPath(r.path),
    message,
    severity,
  });
  // A secret is asked for by the command (or read from stdin), never typed on its command line.
  const setCommand = (r: RefUse) =>
    r.kind === "secret"
      ? `recette config set --secret ${r.key} -s ${values.stack}`
      : `recette config set ${r.key} <value> -s ${values.stack}`;

  const found: Problem[] = [];
  const unset = refs.filter((r) => values.get(r.key) === undefined);
  for (const r of unset) {
    const severity = r.kind === "secret" && opts.missingSecrets === "warning" ? "warning" : "error";
    found.push(
      located(
        r,
        `stack ${values.stack} does not set ${r.kind} ${JSON.stringify(r.key)} (run: ${setCommand(r)})`,
        severity,
      ),
    );
  }
  const misused = refs.filter((r) => r.kind === "config" && values.get(r.key) !== undefined && values.isSecret(r.key));
  for (const r of misused)
    found.push(
      stackProblem(
        r.key,
        `is a secret, but ${where(r)} reads it as a plain value, which would put it in plain text in files and the ` +
          `state (write { secret: ${r.key} } where the recipe allows secrets, or store a non-secret value: ` +
          `recette config set ${r.key} <value> -s ${values.stack})`,
      ),
    );
  found.push(...unknownKeys(recipeFile, refs, values, opts, stackProblem));

  // Every value the stack sets is held to its field's grammar, even while other keys are still unset.
  const configRefs = refs.filter((r) => r.kind === "config" && values.get(r.key) !== undefined && !misused.includes(r));
  const resolved = configRefs.reduce<unknown>((doc, r) => replaceAt(doc, r.path, values.get(r.key)), loaded.recipe);
  const parsed = Recipe.safeParse(resolved, { reportInput: true, jitless: true }); // as in load.ts
  if (!parsed.success) {
    for (const l of parsed.error.issues.flatMap((issue) => translate(issue, recipeJsonSchema(), resolved))) {
      const ref = configRefs.find((r) => startsWith(l.path, r.path));
      found.push(
        ref
          ? stackProblem(
              ref.key,
              `${l.message} (read by ${where(ref)}; fix: recette config set ${ref.key} <value> -s ${values.stack})`,
            )
          : { file: recipeFile, ...loaded.at(l.path), path: formatPath(l.path), message: l.message, severity: "error" },
      );
    }
    return split(found);
  }
  // Unset references stand as placeholders: the rules still run on everything else.
  const model = buildModel(parsed.data, (ref) => values.get(ref.config) ?? unresolvedText(ref));
  for (const f of validateModel(model))
    found.push({
      file: recipeFile,
      ...loaded.at(f.path),
      path: formatPath(f.path),
      message: f.message,
      severity: f.severity,
    });
  const result = split(found);
  return result.problems.length === 0 ? { model, ...result } : result;
};

const split = (found: Problem[]) => ({
  problems: found.filter((f) => f.severity === "error"),
  warnings: found.filter((f) => f.severity === "warning"),
});

/** Project keys the stack sets that neither the recipe nor the engine reads, each with its likely meaning. */
const unknownKeys = (
  recipeFile: string,
  refs: RefUse[],
  values: StackValues,
  opts: ResolveOptions,
  problem: (key: string, message: string, severity?: Problem["severity"]) => Problem,
): Problem[] => {
  const read = new Set([...ENGINE_KEYS, ...refs.map((r) => r.key)]);
  const unsetRefs = refs.map((r) => r.key).filter((k) => values.get(k) === undefined);
  return (values.keys?.() ?? [])
    .filter((k) => !read.has(k))
    .map((k) => {
      if (opts.ownRecipe !== undefined)
        return problem(
          `${values.project}:${k}`,
          `${recipeFile} does not read this key; stack ${values.stack}'s ` +
            `own recipe, ${opts.ownRecipe}, may (nothing to fix)`,
          "warning",
        );
      const meant = didYouMean(k, unsetRefs) ?? didYouMean(k, [...read]);
      const secret = refs.some((r) => r.key === meant && r.kind === "secret");
      const hint = meant
        ? `did you mean ${meant}? (rename it: recette config rm ${k} -s ${values.stack}; ` +
          `recette config set ${secret ? `--secret ${meant}` : `${meant} <value>`} -s ${values.stack})`
        : `remove it (recette config rm ${k} -s ${values.stack}) or read it in the recipe as { config: ${k} }`;
      return problem(
        `${values.project}:${k}`,
        `neither the recipe nor recette reads this key; ${hint}`,
        opts.unknownKeys ?? "error",
      );
    });
};
