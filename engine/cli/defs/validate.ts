import type { CommandDef } from "../define";

export const validate: CommandDef = {
  name: "validate",
  summary: "check a recipe; print every problem as file:line:col path: message",
  details: "Exit 0 valid (warnings on stderr), 1 invalid or unreadable, 2 usage.",
  args: [{ name: "recipe", description: "the recipe file, e.g. recipes/blog.yaml", required: true }],
  options: [{ flags: "--json", description: "print one JSON document on stdout (shape: docs/cli.md)" }],
  examples: [
    "recette validate recipes/blog.yaml",
    "recette validate --json recipes/blog.yaml   # for scripts and editors",
  ],
  load: async () => (require("../validate") as typeof import("../validate")).validateRun,
};
