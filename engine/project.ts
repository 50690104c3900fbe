import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { findUp } from "./root";

/**
 * Project names recette accepts: a DNS label short enough that `<project>-<stack>` (the prefix of
 * every physical name, a Kubernetes namespace on k3s) stays within 63 characters with a 40-character
 * stack. Pulumi itself accepts more (capitals, `_`, `.`), which Docker and Kubernetes names cannot hold.
 */
const PROJECT = /^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/;

/** Why a project name is refused, or undefined. */
export const validateProjectName = (name: string): string | undefined =>
  PROJECT.test(name)
    ? undefined
    : `${JSON.stringify(name)} is not a recette project name (lower-case letters, digits and -, starting with a ` +
      `letter, at most 22 characters, e.g. blog or acme-web: every Docker and Kubernetes name starts with it)`;

/** The user's Pulumi project: the folder of its Pulumi.yaml and the project's name. */
export interface Project {
  root: string;
  name: string;
}

export class ProjectError extends Error {}

/** The nearest folder holding a Pulumi.yaml, from `from` upwards, or undefined. */
export const findProjectRoot = (from: string = process.cwd()): string | undefined => findUp(from, "Pulumi.yaml");

/** The project's `name` from the Pulumi.yaml in `root`; a ProjectError names the file and the fix. */
export const readProject = (root: string): Project => {
  const file = path.join(root, "Pulumi.yaml");
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"), { schema: "core", maxAliasCount: 100 });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : "it is not readable YAML";
    throw new ProjectError(`${file}: ${why} (fix: run recette init in your project's folder, or cd into it)`);
  }
  const name = doc !== null && typeof doc === "object" && "name" in doc ? doc.name : undefined;
  if (typeof name !== "string")
    throw new ProjectError(`${file}: name: is missing (fix: name: <your project>, e.g. name: blog)`);
  const bad = validateProjectName(name);
  if (bad) throw new ProjectError(`${file}: name: ${bad}`);
  return { root, name };
};

/** The name in `root`'s Pulumi.yaml, or `fallback` when it has none recette accepts (its stacks are then not read). */
export const projectNameOr = (root: string, fallback: string): string => {
  try {
    return readProject(root).name;
  } catch {
    return fallback;
  }
};

/**
 * The project recette works on: the nearest Pulumi.yaml from `from` (the current directory by default).
 * Recipes and stacks resolve against its folder; recette's own files against the package (engine/root.ts).
 */
export const findProject = (from: string = process.cwd()): Project => {
  const root = findProjectRoot(from);
  if (!root) {
    throw new ProjectError(
      `no Pulumi.yaml in ${path.resolve(from)} or any folder above it ` +
        "(fix: cd into your project, or create one with recette init <folder>)",
    );
  }
  return readProject(root);
};

/** The project's folder, or `from` itself outside any project (its stack files are then simply not found). */
export const projectRootOrHere = (from: string = process.cwd()): string => findProjectRoot(from) ?? path.resolve(from);
