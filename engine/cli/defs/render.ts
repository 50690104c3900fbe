import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  {
    flags: "-s, --stack <name>",
    description: "the stack whose values to use (stacks/Pulumi.<name>.yaml)",
    required: true,
  },
  {
    flags: "--out <dir>",
    description: "where to write: a new or empty directory, or a previous render's",
    required: true,
  },
];

export const render: CommandDef = {
  name: "render",
  summary: "run the Pulumi program under mocks and write what it declares (never deploys)",
  details:
    "Writes resources.json and the files each service gets; secrets are shown as [secret].\n" +
    "Exit 0 written, 1 recipe, stack values or output directory refused (nothing written), 2 usage.",
  args: [{ name: "recipe", description: "the recipe file (default: the stack's recette:recipe)" }],
  options,
  examples: [
    "recette render recipes/blog.yaml -s dev --out out/dev",
    "recette render -s local --out out/local   # the stack's own recipe",
  ],
  load: async () => argvCommand({ options }, (require("../render") as typeof import("../render")).renderCommand),
};
