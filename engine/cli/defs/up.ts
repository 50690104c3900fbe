import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack to deploy", required: true },
  { flags: "--no-refresh", description: "skip reading the resources back first (a hand edit then stays)" },
  { flags: "--no-wait", description: "print the URLs once deployed, without waiting for each to answer" },
];

export const up: CommandDef = {
  name: "up",
  summary: "deploy a stack with live progress; reads every resource back first, so a hand edit is put back",
  details:
    "Progress on stderr: a line per resource with its time (plain lines when CI is set or stderr is not a " +
    "terminal; NO_COLOR honoured); the stack's URLs on stdout, once each answers through Traefik (at most " +
    "180 s; --no-wait to skip). Runs the policy pack, as preview does (a mandatory violation stops it before " +
    "any change). Builds the Pulumi engine first when it is not cached. Exit 0 deployed and answering, 1 " +
    "failed or a URL did not answer, 2 usage.",
  options,
  examples: ["recette up -s local", "recette up -s prod --no-refresh   # trust the state, skip the read-back"],
  load: async () => argvCommand({ options }, (require("../up") as typeof import("../up")).upCommand),
};
