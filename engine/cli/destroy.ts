import {
  engineFailure,
  errorCounter,
  parseStackArgs,
  progressOf,
  STACK_OPTION,
  withStack,
  type StackIo,
  type StackOptions,
} from "./stack-command";

export const summary = "delete every resource of a stack (volumes holding data are kept: see docs/operations.md)";
export const usage = "recette destroy -s <stack>   e.g. recette destroy -s local";

/** Exit 0 destroyed; 1 the engine failed. */
export const destroy = async (opts: StackOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("destroy", { ...opts, agent: true }, io, live, async (s) => {
    const engine = errorCounter(live);
    try {
      // Read back first: a service Docker already removed (say, after a timed-out wait) must not stop the destroy.
      await s.stack.destroy({ refresh: true, onEvent: engine.onEvent, color: "never" });
      return 0;
    } catch (e) {
      live.stop();
      io.err(engineFailure("destroy", opts.stack, e, engine.errors > 0));
      return 1;
    }
  });
};

export const destroyCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("destroy", usage, args, STACK_OPTION, io);
  return p.ok ? destroy({ stack: p.values.stack! }, io) : p.code;
};
