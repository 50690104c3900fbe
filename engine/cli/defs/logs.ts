import { argvCommand, type CommandDef, type OptionDef } from "../define";

const options: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack", required: true },
  { flags: "-f, --follow", description: "keep printing new lines until interrupted" },
  { flags: "--tail <lines>", description: "how many past lines to print first (default 200)" },
];

export const logs: CommandDef = {
  name: "logs",
  summary: "print an app's logs (docker service logs on Swarm, kubectl logs on Kubernetes)",
  details: "Exit 0 printed, 1 failed (an unknown app lists the stack's apps), 2 usage.",
  args: [{ name: "app", description: "the app's name in the recipe, e.g. blog or relay", required: true }],
  options,
  examples: ["recette logs -s local blog", "recette logs -s prod -f --tail 50 relay"],
  load: async () => argvCommand({ options }, (require("../logs") as typeof import("../logs")).logsCommand),
};
