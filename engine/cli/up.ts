import type { OutputMap } from "@pulumi/pulumi/automation";
import { escapeControls } from "../load/text";
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
  "deploy a stack: read its resources back (a hand edit is put back), then apply what the recipe says";
export const usage = "recette up -s <stack> [--no-refresh]   e.g. recette up -s local";

export interface UpOptions extends StackOptions {
  /** Read every resource back first, so the update repairs what was changed by hand. Defaults to true. */
  refresh: boolean;
}

/** The stack's URLs from its outputs (`urls`), as strings. */
export const urlsOf = (outputs: OutputMap): string[] => {
  const v: unknown = outputs.urls?.value;
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === "string") : [];
};

/** Exit 0 deployed (the URLs on stdout); 1 the engine or the preparation failed. */
export const up = async (opts: UpOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("up", { ...opts, create: true, agent: true, prepare: true }, io, live, async (s) => {
    const engine = errorCounter(live);
    try {
      live.say(`recette up -s ${opts.stack}${opts.refresh ? " (reading the resources back first)" : ""}`);
      await s.stack.up({ refresh: opts.refresh, onEvent: engine.onEvent, color: "never" });
    } catch (e) {
      live.stop();
      io.err(engineFailure("up", opts.stack, e, engine.errors > 0));
      return 1;
    }
    live.stop();
    for (const url of urlsOf(await s.stack.outputs())) io.out(escapeControls(url));
    return 0;
  });
};

export const upCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("up", usage, args, { ...STACK_OPTION, "no-refresh": { type: "boolean" } }, io);
  if (!p.ok) return p.code;
  return up({ stack: p.values.stack!, refresh: p.values["no-refresh"] !== true }, io);
};
