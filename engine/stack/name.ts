import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Stack names recette accepts: lower-case DNS labels. Physical names and labels derive from the
 * stack (components/naming.ts), where case and punctuation do not count, so `DEV`, `dev_` and `dev`
 * would share objects on one engine, and `Prod` would not be production. A name like that is refused
 * rather than silently folded; it also keeps `--stack` from naming a path.
 */
const STACK = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** The Pulumi project (Pulumi.yaml's name): the first part of every physical name and `recette.stack` label. */
export const PROJECT = "recette";

/** Why a stack name is refused, or undefined. */
export const validateStackName = (stack: string): string | undefined =>
  STACK.test(stack)
    ? undefined
    : `${JSON.stringify(stack)} is not a recette stack name (lower-case letters, digits and -, at most 40 characters, e.g. prod or dev-eu: recette derives Docker and Kubernetes names from it, where case and other characters do not count)`;

/** Production is the stack named prod (Let's Encrypt production by default, protected volumes). */
export const isProductionStack = (stack: string): boolean => stack === "prod";

/** The stack's configuration file, relative to the repository (Pulumi.yaml: stackConfigDir stacks). */
export const stackFile = (stack: string): string => `stacks/Pulumi.${stack}.yaml`;

/** The stack names of stacks/Pulumi.<name>.yaml files under `root` that recette accepts. */
export const listStacks = (root: string): string[] =>
  fs
    .readdirSync(path.join(root, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && validateStackName(s) === undefined)
    .sort();
