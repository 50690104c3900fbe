import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [{ flags: "-s, --stack <name>", description: "the stack to destroy", required: true }];

export const destroy: CommandDef = {
  name: "destroy",
  summary: "delete a stack's resources with live progress; the volumes kept on purpose (the blog's data) stay",
  details: "Progress on stderr. Exit 0 destroyed, 1 failed, 2 usage.",
  options,
  examples: ["recette destroy -s local"],
  load: async () => argvCommand({ options }, (require("../destroy") as typeof import("../destroy")).destroyCommand),
};
