import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  {
    flags: "-s, --stack <name>",
    description: "the base stack whose nodes and Traefik the environments use",
    required: true,
  },
  { flags: "--name <name>", description: "up, down: the environment's name, a DNS label (e.g. pr-42)" },
  {
    flags: "--ref <git-ref>",
    description: "up: deploy the recipe as it is at this git ref (default: the working tree's)",
  },
  {
    flags: "--ttl <duration>",
    description: "up: gc removes it this long after its last up (30m, 72h, 7d; default: never)",
  },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const env: CommandDef = {
  name: "env",
  summary: "preview environments on a stack's nodes, behind its Traefik: up, down, ls, gc",
  details:
    "up deploys the stack <base>-<name>: the recipe's apps with their own data, host names prefixed <name>. and " +
    "routed by the base stack's Traefik; again, it updates it. down removes it and its data. ls lists them with " +
    "age, expiry and URL. gc removes those whose --ttl has passed. Refused: a base without its own Traefik, a name " +
    "that is not a DNS label, more environments than the nodes' memory holds (recette explain's figures). " +
    "Exit 0 done, 1 refused or failed, 2 usage.",
  args: [{ name: "action", description: "what to do", required: true, choices: ["up", "down", "ls", "gc"] }],
  options,
  examples: [
    "recette env up -s staging --name pr-42 --ttl 72h   # the branch's recipe, https://pr-42.<host>/",
    "recette env ls -s staging",
    "recette env down -s staging --name pr-42",
    "recette env gc -s staging                          # remove the expired ones",
  ],
  load: async () => argvCommand({ options }, (require("../env") as typeof import("../env")).envCommand),
};
