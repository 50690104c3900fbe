import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../root";
import { renderRecipeDocs } from "../schema/docs";
import { recipeJsonSchema } from "../schema/json-schema";

export const summary = "regenerate recipes/recipe.schema.json and docs/recipe.md from the zod schema (--check: fail when stale)";
export const usage = "recette schema [--check]";

export const generatedFiles = (): { file: string; content: string }[] => [
  {
    file: path.join(PACKAGE_ROOT, "recipes", "recipe.schema.json"),
    content: `${JSON.stringify(recipeJsonSchema(), null, 2)}\n`,
  },
  { file: path.join(PACKAGE_ROOT, "docs", "recipe.md"), content: renderRecipeDocs(recipeJsonSchema()) },
];

export const schemaCommand = (args: string[], io: { out: (s: string) => void; err: (s: string) => void }): number => {
  const check = args.includes("--check");
  let stale = 0;
  for (const { file, content } of generatedFiles()) {
    const rel = path.relative(PACKAGE_ROOT, file);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current === content) continue;
    if (check) {
      io.err(`${rel} is stale: run npm run schema`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      io.out(`wrote ${rel}`);
    }
  }
  return stale ? 1 : 0;
};
