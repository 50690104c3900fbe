import type { CommandDef } from "../define";

export const stackInfo: CommandDef = {
  name: "stack-info",
  summary: "print what a stack is: its file, recipe, orchestrator, node provider, production or not",
  details:
    "Reads stacks/Pulumi.<stack>.yaml and its recipe with the same limits and messages as every command " +
    "(scripts read --json instead of parsing YAML). Exit 0 printed, 1 unreadable stack or recipe, 2 usage.",
  options: [
    { flags: "-s, --stack <name>", description: "the stack to describe", required: true },
    { flags: "--json", description: "print one JSON document on stdout (shape: docs/cli.md)" },
  ],
  examples: ["recette stack-info -s local", "recette stack-info -s prod --json"],
  load: async () => (require("../stack-info") as typeof import("../stack-info")).stackInfoRun,
};
