import * as fs from "node:fs";
import * as path from "node:path";

/** The nearest directory from `from` upwards that holds `file`, or undefined. */
export const findUp = (from: string, file: string): string | undefined => {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, file))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
};

/**
 * recette's own files (images/, scripts/, the recipe templates, package.json): the package root, found
 * from this file whether it runs as TypeScript in a checkout (engine/) or compiled in an installed
 * package (dist/engine/, where dist/ holds no package.json). A user's recipes and stacks are not here:
 * they are in the project (engine/project.ts).
 */
export const PACKAGE_ROOT = findUp(__dirname, "package.json") ?? path.resolve(__dirname, "..");
