import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack whose backup to prove", required: true },
  { flags: "--backup <file>", description: "the archive to restore (default: a backup of the stack taken now)" },
  {
    flags: "--host <docker-host>",
    description: "the Docker engine holding the blog's volume (ssh://user@node on a multi-node Swarm)",
  },
  { flags: "--keep", description: "leave the scratch stack running after the checks (recette destroy removes it)" },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const drill: CommandDef = {
  name: "drill",
  summary: "restore a backup into a scratch stack beside the stack, check its blog, print RPO and RTO, remove it",
  details:
    "The scratch stack <stack>-drill runs the recipe's apps on the stack's nodes, routed by the stack's own " +
    "Traefik under drill.<host>, with its own volumes; the stack itself is not touched. Checks: every " +
    "published article of the backup answers, and the admin logs in with the stack's password. " +
    "Exit 0 every check passed; 1 a check failed or the drill could not run; 2 usage.",
  options,
  examples: [
    "recette drill -s local                                   # a backup taken now",
    "recette drill -s prod --backup backups/prod.tar.gz --json  # last night's backup, for monitoring",
  ],
  load: async () => argvCommand({ options }, (require("../drill") as typeof import("../drill")).drillCommand),
};
