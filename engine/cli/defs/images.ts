import type { CommandDef, OptionDef } from "../define";

const options: OptionDef[] = [
  {
    flags: "--registry <registry>",
    description: "e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000",
    required: true,
  },
  {
    flags: "--pluxml <versions>",
    description: "the PluXml releases to list, comma-separated (default: the one pinned in images/versions.env)",
  },
];

export const images: CommandDef = {
  name: "images",
  summary: "list recette's images as `<local tag> <name in the registry>` (what build-images --push tags and pushes)",
  details: "Exit 0 listed, 2 usage or a malformed registry.",
  options,
  examples: [
    "recette images --registry 10.253.1.1:5000",
    "recette images --registry 10.253.1.1:5000 --pluxml 5.8.20,5.8.21",
  ],
  load: async () => (require("../images") as typeof import("../images")).imagesRun,
};
