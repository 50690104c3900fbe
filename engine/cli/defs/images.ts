import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  {
    flags: "--registry <registry>",
    description: "e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000",
    required: true,
  },
];

export const images: CommandDef = {
  name: "images",
  summary: "list recette's images as `<local tag> <name in the registry>` (what build-images --push tags and pushes)",
  details: "Exit 0 listed, 2 usage or a malformed registry.",
  options,
  examples: ["recette images --registry 10.253.1.1:5000"],
  load: async () => argvCommand({ options }, (require("../images") as typeof import("../images")).imagesCommand),
};
