import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "a stack to preview (repeatable; default: every stack)", multiple: true },
  {
    flags: "--changed-from <git ref>",
    description: "preview only the stacks that what changed since this ref touches",
  },
  { flags: "--out <dir>", description: "where to write the Markdown summaries (default: .recette/preview)" },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const preview: CommandDef = {
  name: "preview",
  summary:
    "pulumi preview of each stack a change touches, one Markdown summary per stack " +
    "(changes, property paths, policies, recipe problems)",
  details: "Exit codes as Terraform's -detailed-exitcode: 0 no change, 2 changes, 1 error (docs/cli.md).",
  options,
  examples: ["recette preview -s local", "recette preview -s dev -s prod --changed-from origin/main --out previews"],
  load: async () => argvCommand({ options }, (require("../preview") as typeof import("../preview")).previewCommand),
};
