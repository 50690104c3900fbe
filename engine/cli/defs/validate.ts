import type { CommandDef } from "../define";

export const validate: CommandDef = {
  name: "validate",
  summary: "check a recipe (or a stack and its recipe); print every problem as file:line:col path: message",
  details:
    "With -s, the stack file and its recipe are checked together, in one pass: every unset key with its " +
    "recette config set command, values that do not fit, keys nothing reads, YAML errors of the stack file " +
    "(an unset secret is a warning here; preview and up refuse it). " +
    "Exit 0 valid (warnings on stderr), 1 invalid or unreadable, 2 usage.",
  args: [{ name: "recipe", description: "the recipe file, e.g. recipes/blog.yaml (with -s: the stack's own)" }],
  options: [
    { flags: "-s, --stack <name>", description: "check this stack's file and values against the recipe too" },
    { flags: "--json", description: "print one JSON document on stdout (shape: docs/cli.md)" },
  ],
  examples: [
    "recette validate recipes/blog.yaml",
    "recette validate -s prod   # the stack's values and secrets against its recipe, every problem at once",
    "recette validate --json recipes/blog.yaml   # for scripts and editors",
  ],
  load: async () => (require("../validate") as typeof import("../validate")).validateRun,
};
