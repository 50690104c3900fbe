import type { OutputMap } from "@pulumi/pulumi/automation";
import { escapeControls } from "../load/text";
import { orchestratorOf } from "../status/orchestrator";
import { awaitSwarmUpdates } from "../status/rollout";
import type { StackSession } from "../stack/workspace";
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

/** On Swarm, the updates this run started, followed to their end: one message per update Swarm undid. */
const swarmUpdateFailures = async (
  s: StackSession,
  outputs: OutputMap,
  stack: string,
  since: Date,
  say: (line: string) => void,
): Promise<string[]> => {
  // Only a recipe's Swarm: a project whose program is not a recette recipe has no services to follow.
  if (s.recipe?.orchestrator.kind !== "swarm") return [];
  const o = await orchestratorOf(s, outputs);
  try {
    return o.kind === "swarm" ? await awaitSwarmUpdates(o, stack, since, say) : [];
  } finally {
    o.cleanup();
  }
};

/**
 * Exit 0 deployed (the URLs on stdout); 1 the engine or the preparation failed, or Swarm rolled an update
 * back (the service, the task's error and the image that serves again on stderr).
 */
export const up = async (opts: UpOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("up", { ...opts, create: true, agent: true, prepare: true }, io, live, async (s) => {
    const engine = errorCounter(live);
    const started = new Date();
    try {
      live.say(`recette up -s ${opts.stack}${opts.refresh ? " (reading the resources back first)" : ""}`);
      await s.stack.up({ refresh: opts.refresh, onEvent: engine.onEvent, color: "never" });
    } catch (e) {
      live.stop();
      io.err(engineFailure("up", opts.stack, e, engine.errors > 0));
      return 1;
    }
    const outputs = await s.stack.outputs();
    const failures = await swarmUpdateFailures(s, outputs, opts.stack, started, live.say);
    live.stop();
    if (failures.length > 0) {
      for (const f of failures) io.err(`recette up: ${escapeControls(f)}`);
      return 1;
    }
    for (const url of urlsOf(outputs)) io.out(escapeControls(url));
    return 0;
  });
};

export const upCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("up", usage, args, { ...STACK_OPTION, "no-refresh": { type: "boolean" } }, io);
  if (!p.ok) return p.code;
  return up({ stack: p.values.stack!, refresh: p.values["no-refresh"] !== true }, io);
};
