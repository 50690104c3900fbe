import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const outputs: CommandDef = {
  name: "outputs",
  summary: "print a stack's outputs (URLs, names of what it created); secrets as [secret]",
  details: "Exit 0 printed, 1 failed, 2 usage.",
  options,
  examples: ["recette outputs -s local", "recette outputs -s prod --json"],
  load: async () => argvCommand({ options }, (require("../outputs") as typeof import("../outputs")).outputsCommand),
};
