import type { CommandDef } from "../define";

export const graph: CommandDef = {
  name: "graph",
  summary: "print the tree of resources a recipe declares on a stack, as Mermaid (default) or Graphviz DOT",
  details: "Runs the program under mocks, as render does (nothing is deployed). Exit 0 printed, 1 refused, 2 usage.",
  args: [{ name: "recipe", description: "the recipe file (default: the stack's recette:recipe)" }],
  options: [
    { flags: "-s, --stack <name>", description: "the stack whose values to use", required: true },
    { flags: "--format <format>", description: "mermaid (default) or dot", choices: ["mermaid", "dot"] },
  ],
  examples: [
    "recette graph recipes/blog.yaml -s dev   # Mermaid, e.g. for a Markdown page",
    "recette graph -s local --format dot | dot -Tsvg > local.svg",
  ],
  load: async () => (require("../graph") as typeof import("../graph")).graphRun,
};
