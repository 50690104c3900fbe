import type { CommandDef } from "../define";
import { TEMPLATES } from "../../init/stack-file";

export const init: CommandDef = {
  name: "init",
  summary: "create a project: Pulumi.yaml, package.json, the program, a recipe and a stack file",
  details:
    "Never overwrites a file; refuses a folder that already holds a Pulumi.yaml.\n" +
    "The project carries the recette it was made with: vendor/recette-<version>.tgz (commit it).\n" +
    "Exit 0 written, 1 refused (nothing written), 2 usage.",
  args: [{ name: "dir", description: "the project's folder (default: the current one), created when missing" }],
  options: [
    {
      flags: "--template <name>",
      description: "the recipe to start from (default: local)",
      choices: Object.keys(TEMPLATES),
    },
    { flags: "--name <project>", description: "the Pulumi project name (default: the folder's name)" },
    { flags: "-s, --stack <name>", description: "the first stack (default: local for the local template, else dev)" },
    {
      flags: "--package <file.tgz>",
      description:
        "copy this recette tarball (npm pack) into vendor/ and depend on it (default: pack the running recette)",
    },
  ],
  examples: [
    "recette init blog   # a blog on this machine's Docker engine",
    "recette init shop --template scaleway-swarm   # on Scaleway instances, with Docker Swarm",
  ],
  load: async () => (require("../init") as typeof import("../init")).initRun,
};
