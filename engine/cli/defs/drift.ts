import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack to compare", required: true },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const drift: CommandDef = {
  name: "drift",
  summary: "name every resource (and property) that differs from the stack's last deployment or from its recipe",
  details:
    "Exit codes as Terraform's -detailed-exitcode: 0 no drift, 2 drift or pending changes, 1 error (docs/cli.md).",
  options,
  examples: ["recette drift -s local", "recette drift --stack prod --json"],
  load: async () => argvCommand({ options }, (require("../drift") as typeof import("../drift")).driftCommand),
};
