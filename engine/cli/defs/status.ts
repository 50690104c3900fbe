import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  { flags: "--json", description: "print one JSON document on stdout (shape: docs/operations.md)" },
];

export const status: CommandDef = {
  name: "status",
  summary: "a stack's URLs, each service's replicas, image, digest and health, the certificate's issuer and expiry",
  details: "Exit 0 printed, 1 failed, 2 usage.",
  options,
  examples: ["recette status -s local", "recette status -s prod --json"],
  load: async () => argvCommand({ options }, (require("../status") as typeof import("../status")).statusCommand),
};
