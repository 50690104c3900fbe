import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Stack names recette accepts: lower-case DNS labels. Physical names and labels derive from the
 * stack (components/naming.ts), where case and punctuation do not count, so `DEV`, `dev_` and `dev`
 * would share objects on one engine, and `Prod` would not be production. A name like that is refused
 * rather than silently folded; it also keeps `--stack` from naming a path.
 */
const STACK = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** An organization or project part of a qualified stack name (`acme/prod`, `acme/blog/prod`), as Pulumi Cloud has. */
const QUALIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The stack itself in a name Pulumi accepts qualified (`acme/prod`, `acme/blog/prod`): its last part,
 * which physical names and the stack file (stacks/Pulumi.prod.yaml) use, as Pulumi does.
 */
export const stackShortName = (stack: string): string => stack.slice(stack.lastIndexOf("/") + 1);

/** Why a stack name is refused, or undefined. */
export const validateStackName = (stack: string): string | undefined => {
  const parts = stack.split("/");
  const short = parts.pop() ?? "";
  if (parts.length > 2 || !parts.every((p) => QUALIFIER.test(p))) {
    return (
      `${JSON.stringify(stack)} is not a stack name recette accepts ` +
      "(a stack, or one qualified as <org>/<stack> or <org>/<project>/<stack>, e.g. acme/prod)"
    );
  }
  return STACK.test(short)
    ? undefined
    : `${JSON.stringify(short)} is not a recette stack name (lower-case letters, digits and -, at most 40 ` +
        "characters, e.g. prod or dev-eu: recette derives Docker and Kubernetes names from it, where case and other " +
        "characters do not count)";
};

/** The stack's configuration file, relative to the project (Pulumi.yaml: stackConfigDir stacks). */
export const stackFile = (stack: string): string => `stacks/Pulumi.${stackShortName(stack)}.yaml`;

/**
 * Production is said in the stack file, `recette:production: true` (or `<project>:production: true`):
 * Let's Encrypt production by default, protected volumes. Any other stack is not production, whatever its
 * name. Returns the answer, or the problem: the key as written in the stack file and what is wrong with the fix
 * (engine/stack/settings.ts names the file).
 */
export const productionOf = (
  project: string,
  stack: string,
  get: (key: string) => string | undefined,
): { production: boolean; problem?: undefined } | { problem: { path: string; message: string } } => {
  const keys = [...new Set([`${project}:production`, "recette:production"])];
  const set = keys.flatMap((key) => {
    const value = get(key);
    return value === undefined ? [] : [{ key, value }];
  });
  const bad = set.find((s) => s.value !== "true" && s.value !== "false");
  if (bad) {
    const fix = `recette config set ${bad.key} true -s ${stack}, or false`;
    return { problem: { path: bad.key, message: `${JSON.stringify(bad.value)} is not true or false (fix: ${fix})` } };
  }
  if (set.length === 2 && set[0]!.value !== set[1]!.value) {
    return { problem: { path: keys[0]!, message: `disagrees with ${keys[1]} (fix: keep one of them)` } };
  }
  return { production: set[0]?.value === "true" };
};

/** The stack names of stacks/Pulumi.<name>.yaml files under the project `root` that recette accepts. */
export const listStacks = (root: string): string[] =>
  (fs.existsSync(path.join(root, "stacks")) ? fs.readdirSync(path.join(root, "stacks")) : [])
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && validateStackName(s) === undefined)
    .sort();

/**
 * How a stack is made the recette way: `recette config set` creates its stack file (and the stack) when it names the
 * recipe.
 */
export const createStackCommand = (stack: string): string =>
  `recette config set recipe recipes/<name>.yaml -s ${stack}`;

/**
 * Why stack `stack` has no stack file under `root`, with the fix: outside a project, `recette init` makes one;
 * in a project, the command that creates the stack, and the stacks there are when there are some.
 */
export const missingStackFile = (root: string, stack: string): string => {
  if (!fs.existsSync(path.join(root, "Pulumi.yaml")))
    return (
      `not in a project: no Pulumi.yaml in ${root} or any folder above it ` +
      "(fix: cd into your project, or create one with recette init <folder>)"
    );
  const known = listStacks(root);
  if (known.length === 0)
    return `no such stack file; the project has no stack yet (fix: create it with ${createStackCommand(stack)})`;
  return (
    "no such stack file (fix: create the stack with " +
    `${createStackCommand(stack)}, or pick one of: ${known.join(", ")})`
  );
};
