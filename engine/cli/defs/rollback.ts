import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  {
    flags: "--to <update>",
    description: "the update whose images to put back (recette history's number; default: the latest that differs)",
  },
  { flags: "--service <name>", description: "only this service (repeatable; default: every service that differs)" },
];

export const rollback: CommandDef = {
  name: "rollback",
  summary: "deploy the images an earlier update ran, and keep them pinned until the recipe changes",
  details:
    "The images are pinned in the stack file (key rollback) and deployed like recette up, start-first " +
    "services without a failed request. The pin is lifted when the recipe changes, or by " +
    "recette config rm rollback -s <stack>. Exit 0 rolled back, 1 refused or failed, 2 usage.",
  options,
  examples: [
    "recette rollback -s prod                  # the images of the latest update that differs",
    "recette rollback -s prod --to 12 --service blog",
  ],
  load: async () => argvCommand({ options }, (require("../rollback") as typeof import("../rollback")).rollbackCommand),
};
