import { engineOperation, parseStackArgs, STACK_OPTION, type StackIo, type StackOptions } from "./stack-command";

export const summary = "delete every resource of a stack (volumes holding data are kept: see docs/operations.md)";
export const usage = "recette destroy -s <stack>   e.g. recette destroy -s local";

/** Exit 0 destroyed; 1 the engine failed. */
export const destroy = (opts: StackOptions, io: StackIo): Promise<number> =>
  engineOperation("destroy", opts, io, (s, onEvent) =>
    // Read back first: a service Docker already removed (say, after a timed-out wait) must not stop the destroy.
    s.stack.destroy({ refresh: true, onEvent, color: "never" }),
  );

export const destroyCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("destroy", usage, args, STACK_OPTION, io);
  return p.ok ? destroy({ stack: p.values.stack! }, io) : p.code;
};
