import type { CommandDef } from "../define";

export const explain: CommandDef = {
  name: "explain",
  summary: "print nodes, their RAM, the predicted RAM of the orchestrator and each workload, headroom and kernel needs",
  details: "Exit 0 printed, 1 invalid recipe, 2 usage.",
  args: [{ name: "recipe", description: "the recipe file, e.g. recipes/blog.yaml", required: true }],
  options: [{ flags: "--json", description: "print one JSON document on stdout (shape: docs/cli.md)" }],
  examples: ["recette explain recipes/blog.yaml", "recette explain --json recipes/blog-k3s.yaml"],
  load: async () => (require("../explain") as typeof import("../explain")).explainRun,
};
