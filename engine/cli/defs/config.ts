import type { CommandDef } from "../define";

export const config: CommandDef = {
  name: "config",
  summary: "list, read, set or remove a stack's config values and secrets (pulumi config, with recette's engine)",
  details:
    "The same as pulumi config get|set|rm, with the engine, backend and passphrase recette up uses.\n" +
    "set without a value reads it from stdin (a terminal gets a hidden prompt): keys go in with < file.\n" +
    "Secrets are stored encrypted in stacks/Pulumi.<stack>.yaml; ls shows them as [secret].\n" +
    "Exit 0 done, 1 failed (the engine's message above), 2 usage.",
  args: [
    { name: "action", description: "ls (default), get, set or rm", choices: ["ls", "get", "set", "rm"] },
    { name: "key", description: "the key, e.g. blogAdminPassword (a provider's: scaleway:region)" },
    { name: "value", description: "set's value (default: read from stdin)" },
  ],
  options: [
    { flags: "-s, --stack <name>", description: "the stack", required: true },
    { flags: "--secret", description: "set: store the value encrypted" },
    { flags: "--json", description: "ls, get: print JSON" },
  ],
  examples: [
    "recette config set --secret blogAdminPassword -s local   # asks for the password, stores it encrypted",
    "recette config set --secret sshPrivateKey -s dev < ~/.ssh/recette   # a key file, encrypted",
    "recette config set acmeEmail admin@example.org -s prod",
    "recette config -s prod   # every key of the stack, secrets as [secret]",
  ],
  load: async () => (require("../config") as typeof import("../config")).configRun,
};
