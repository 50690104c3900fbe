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

export const summary =
  "read a stack's resources back into its state (what changed by hand is shown; nothing is deployed)";
export const usage = "recette refresh -s <stack>   e.g. recette refresh -s local";

/** Exit 0 refreshed; 1 the engine failed. */
export const refresh = async (opts: StackOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("refresh", { ...opts, agent: true }, io, live, async (s) => {
    const engine = errorCounter(live);
    try {
      await s.stack.refresh({ onEvent: engine.onEvent, color: "never" });
      return 0;
    } catch (e) {
      live.stop();
      io.err(engineFailure("refresh", opts.stack, e, engine.errors > 0));
      return 1;
    }
  });
};

export const refreshCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("refresh", usage, args, STACK_OPTION, io);
  return p.ok ? refresh({ stack: p.values.stack! }, io) : p.code;
};
