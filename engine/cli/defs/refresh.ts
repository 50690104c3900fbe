import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [{ flags: "-s, --stack <name>", description: "the stack to read back", required: true }];

export const refresh: CommandDef = {
  name: "refresh",
  summary: "read every resource of a stack back into its state (changes nothing on the nodes)",
  details: "Progress on stderr. Exit 0 read back, 1 failed, 2 usage.",
  options,
  examples: ["recette refresh -s local"],
  load: async () => argvCommand({ options }, (require("../refresh") as typeof import("../refresh")).refreshCommand),
};
