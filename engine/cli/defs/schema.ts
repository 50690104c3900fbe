import type { CommandDef } from "../define";

export const schema: CommandDef = {
  name: "schema",
  summary:
    "print the recipe JSON Schema; --write regenerates recipes/recipe.schema.json and docs/recipe.md, " +
    "--check fails when stale",
  details: "Writes files only with --write. Exit 0 done or current, 1 stale (--check), 2 usage.",
  options: [
    { flags: "--write", description: "write the generated files", conflicts: ["check"] },
    {
      flags: "--check",
      description: "exit 1 naming each generated file that differs from the schema (writes nothing)",
    },
  ],
  examples: [
    "recette schema --check   # what npm test runs",
    "recette schema --write   # what npm run schema runs",
    "recette schema > recipe.schema.json",
  ],
  load: async () => (require("../schema") as typeof import("../schema")).schemaRun,
};
