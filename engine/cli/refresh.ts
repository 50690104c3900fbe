import { engineOperation, parseStackArgs, STACK_OPTION, type StackIo, type StackOptions } from "./stack-command";

export const summary =
  "read a stack's resources back into its state (what changed by hand is shown; nothing is deployed)";
export const usage = "recette refresh -s <stack>   e.g. recette refresh -s local";

/** Exit 0 refreshed; 1 the engine failed. */
export const refresh = (opts: StackOptions, io: StackIo): Promise<number> =>
  engineOperation("refresh", opts, io, (s, onEvent) => s.stack.refresh({ onEvent, color: "never" }));

export const refreshCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("refresh", usage, args, STACK_OPTION, io);
  return p.ok ? refresh({ stack: p.values.stack! }, io) : p.code;
};
