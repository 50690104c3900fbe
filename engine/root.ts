import * as path from "node:path";

/** The repository root: recipes, stacks and images are resolved against it whatever the current directory. */
export const ROOT = path.resolve(__dirname, "..");
