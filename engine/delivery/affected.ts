import * as path from "node:path";
import { stackFile } from "../stack/name";
import { readStack } from "../stack/read";

/**
 * Files every stack's program reads: a change to one of them can change any stack. Tests and docs
 * are not here; they change no resource.
 */
export const CODE_PATHS: readonly string[] = [
  "components/",
  "engine/",
  "policy/",
  "images/",
  "index.ts",
  "Pulumi.yaml",
  "package.json",
  "package-lock.json",
];

export interface StackFiles {
  stack: string;
  /** stacks/Pulumi.<stack>.yaml, relative to the repository. */
  stackFile: string;
  /** The recipe its `recette:recipe` names, relative to the repository (undefined when unset or unreadable). */
  recipe?: string;
}

/** The stack file and recipe of a stack, read from the checkout at `root`. */
export const stackFiles = (root: string, stack: string): StackFiles => {
  const file = stackFile(stack);
  let recipe: string | undefined;
  try {
    // The same limits as every reader (size, aliases, control characters): a hostile file is not parsed here.
    const read = readStack(root, stack);
    const r = read.config[`${read.project}:recipe`];
    if (r !== undefined) recipe = path.isAbsolute(r) ? path.relative(root, r) : path.normalize(r);
  } catch {
    // A missing or unreadable stack file: the preview itself reports it.
  }
  return { stack, stackFile: file, ...(recipe ? { recipe } : {}) };
};

const isCode = (f: string): boolean => CODE_PATHS.some((p) => (p.endsWith("/") ? f.startsWith(p) : f === p));

/** Why a change touches a stack (its stack file, its recipe, or code every stack runs), or undefined. */
export const whyAffected = (changed: readonly string[], s: StackFiles): string | undefined => {
  const files = changed.map((f) => path.normalize(f));
  if (files.includes(s.stackFile)) return `its stack file ${s.stackFile} changed`;
  if (s.recipe && files.includes(s.recipe)) return `its recipe ${s.recipe} changed`;
  const code = files.filter(isCode);
  if (code.length)
    return (
      "code every stack runs changed: " +
      `${code.slice(0, 3).join(", ")}${code.length > 3 ? ` and ${code.length - 3} more` : ""}`
    );
  return undefined;
};
