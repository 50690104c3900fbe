import { argvCommand, type CommandDef, type OptionDef } from "../define";
import { PLACE_OPTIONS } from "./volumes";

const options: OptionDef[] = [
  ...PLACE_OPTIONS,
  { flags: "--from-stack <name>", description: "accept an archive made on another stack (e.g. prod into staging)" },
  { flags: "--stop", description: "stop the services that use the volumes while they are swapped" },
];

export const restore: CommandDef = {
  name: "restore",
  summary:
    "put a backup back into a stack's volumes: checked first, staged and verified, then swapped in (--stop if in use)",
  details:
    "Exit 0 restored; 1 refused (missing, corrupt or foreign archive, volume in use without --stop, " +
    "Docker failure); 2 usage.",
  args: [{ name: "file.tar.gz", description: "an archive written by recette backup", required: true }],
  options,
  examples: [
    "recette restore -s local --stop backups/local.tar.gz",
    "recette restore -s staging --from-stack prod --stop backups/prod.tar.gz",
  ],
  load: async () => argvCommand({ options }, (require("../restore") as typeof import("../restore")).restoreCommand),
};
