import { argvCommand, type CommandDef, type OptionDef } from "../define";
import { PLACE_OPTIONS } from "./volumes";

const options: OptionDef[] = [
  ...PLACE_OPTIONS,
  {
    flags: "--workload <name>",
    description: "a workload whose volumes to save (repeatable; default: blog and traefik)",
    multiple: true,
  },
  { flags: "--force", description: "overwrite an existing archive" },
];

export const backup: CommandDef = {
  name: "backup",
  summary:
    "write a .tar.gz of a running stack's blog data and acme.json (manifest, sha256 of every file) without stopping it",
  details: "Exit 0 written; 1 refused (existing file, no volumes, changing data, Docker or kubectl failure); 2 usage.",
  args: [{ name: "file.tar.gz", description: "the archive to write", required: true }],
  options,
  examples: [
    "recette backup -s local backups/local.tar.gz",
    "recette backup -s prod --host ssh://root@203.0.113.7 backups/prod.tar.gz",
  ],
  load: async () => argvCommand({ options }, (require("../backup") as typeof import("../backup")).backupCommand),
};
