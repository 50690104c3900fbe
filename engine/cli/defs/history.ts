import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const history: CommandDef = {
  name: "history",
  summary: "list a stack's updates, newest first: when, by whom, at which commit, and each service's image",
  details:
    "recette up and recette rollback record each successful update in .recette/history/ of the project " +
    "(the engine's own history keeps no images). Exit 0 listed (nothing recorded is said on stderr), 2 usage.",
  options,
  examples: ["recette history -s local", "recette history -s prod --json"],
  load: async () => argvCommand({ options }, (require("../history") as typeof import("../history")).historyCommand),
};
