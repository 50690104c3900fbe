import * as fs from "node:fs";
import * as path from "node:path";

/**
 * recette's version, from its package.json: the nearest one above this file named recette, so it is found
 * both from the sources (engine/cli) and from compiled JavaScript a level or two deeper.
 */
export const packageVersion = (from = __dirname): string => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
      if (isRecette(pkg)) return pkg.version;
    }
    if (path.dirname(dir) === dir) return "unknown";
  }
};

const isRecette = (pkg: unknown): pkg is { name: "recette"; version: string } =>
  typeof pkg === "object" &&
  pkg !== null &&
  "name" in pkg &&
  pkg.name === "recette" &&
  "version" in pkg &&
  typeof pkg.version === "string";
