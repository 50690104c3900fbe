import type { CommandDef } from "../define";

export const completion: CommandDef = {
  name: "completion",
  summary: "print a shell completion script for bash or zsh",
  details: "Completes the commands, their options and the stack names of stacks/.",
  args: [{ name: "shell", description: "the shell", required: true, choices: ["bash", "zsh"] }],
  examples: [
    "source <(recette completion bash)   # in ~/.bashrc",
    'recette completion zsh > "${fpath[1]}/_recette"   # then restart zsh',
  ],
  load: async () => (require("../completion") as typeof import("../completion")).completionRun,
};
