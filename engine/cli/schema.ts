import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../root";
import { renderRecipeDocs } from "../schema/docs";
import { recipeJsonSchema } from "../schema/json-schema";
import type { Run } from "./define";

export const generatedFiles = (): { file: string; content: string }[] => [
  {
    file: path.join(PACKAGE_ROOT, "recipes", "recipe.schema.json"),
    content: `${JSON.stringify(recipeJsonSchema(), null, 2)}\n`,
  },
  { file: path.join(PACKAGE_ROOT, "docs", "recipe.md"), content: renderRecipeDocs(recipeJsonSchema()) },
];

/**
 * Exit 0 written (--write) or current (--check); 1 stale (--check). With neither flag, the JSON Schema goes to
 * stdout and nothing is written: `schema` once regenerated files whenever it was run, even for --help.
 */
export const schemaRun: Run = ({ opts }, io) => {
  const files = generatedFiles();
  if (opts.write !== true && opts.check !== true) {
    io.out(files[0]!.content.replace(/\n$/, ""));
    return 0;
  }
  let stale = 0;
  for (const { file, content } of files) {
    const rel = path.relative(PACKAGE_ROOT, file);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current === content) continue;
    if (opts.check === true) {
      io.err(`${rel} is stale: run npm run schema (recette schema --write)`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      io.out(`wrote ${rel}`);
    }
  }
  return stale ? 1 : 0;
};
