import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  {
    flags: "--accept-downtime",
    description: "go on although some services cannot keep serving meanwhile (the plan printed first names them)",
  },
];

export const node: CommandDef = {
  name: "node",
  summary: "take a node out for maintenance and back, moving replicated services first (no failed request)",
  details:
    "drain: on Swarm, pause the node, start each replicated start-first service's replacement tasks elsewhere, then " +
    "drain it; on Kubernetes, kubectl drain (evictions through each replicated Deployment's PodDisruptionBudget). " +
    "activate: make it active again and spread those services back. maintain: drain, run the command on the node " +
    "over SSH, wait until the swarm reports it ready, activate. Services that cannot keep serving (one replica, " +
    "stop-first, global, or pinned to this node) are listed first and need --accept-downtime. " +
    "Exit 0 done, 1 refused or failed (nothing changed when refused), 2 usage.",
  args: [
    { name: "action", description: "what to do", required: true, choices: ["drain", "activate", "maintain"] },
    {
      name: "node",
      description: "the node: its host name in the recipe (e.g. worker-1) or in the swarm",
      required: true,
    },
    { name: "command", description: "maintain: the command to run on the node, after --", variadic: true },
  ],
  options,
  examples: [
    "recette node maintain -s prod worker-1 -- apt-get -y upgrade   # drain, upgrade, back",
    "recette node drain -s prod worker-2 --accept-downtime",
    "recette node activate -s prod worker-2",
  ],
  load: async () => argvCommand({ options }, (require("../node") as typeof import("../node")).nodeCommand),
};
