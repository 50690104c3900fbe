import { parseArgs, type ParseArgsConfig } from "node:util";
import type { EngineEvent } from "../delivery/events";
import { escapeControls, escapeLines } from "../load/text";
import { processTerminal, type Terminal } from "../progress/format";
import { liveProgress, type Live } from "../progress/live";
import { projectRootOrHere } from "../project";
import { formatProblem } from "../load";
import { deployProblems } from "../stack/check";
import { validateStackName } from "../stack/name";
import { isStackError } from "../stack/stack-error";
import { openStack, type StackSession } from "../stack/workspace";
import type { Io } from "./io";

/** What the stack commands print through: lines on stdout/stderr, and the live progress on stderr. */
export interface StackIo extends Io {
  /** How progress is drawn (defaults to this process's terminal). */
  term?: Terminal;
  /** Raw text on the progress stream (defaults to stderr). */
  write?: (text: string) => void;
}

/** Options every stack command takes. */
export interface StackOptions {
  stack: string;
  /** The project (Pulumi.yaml, stacks/, recipes/); the repository today. */
  root?: string;
}

/** The project the stack commands work on: the nearest Pulumi.yaml from the current folder (engine/project.ts). */
export const projectRoot = (opts: { root?: string }): string => opts.root ?? projectRootOrHere();

export const STACK_OPTION = { stack: { type: "string", short: "s" } } as const;

export type Parsed<T> = { ok: true; values: T; positionals: string[] } | { ok: false; code: number };

/**
 * node's parseArgs with recette's wording: a usage error names the command and ends with its usage
 * (exit 2), a missing or refused --stack says what a stack name is.
 */
export const parseStackArgs = <O extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  io: Io,
  allowPositionals = false,
): Parsed<ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>>["values"]> => {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const why = String((e as Error).message)
      .split("\n")[0]!
      .replace(/\. To specify a positional.*$/, "");
    io.err(`recette ${command}: ${escapeControls(why)}\nusage: ${usage}`);
    return { ok: false, code: 2 };
  }
  const raw: unknown = (parsed.values as Record<string, unknown>).stack;
  const stacks = (Array.isArray(raw) ? raw : [raw]).filter((s): s is string => typeof s === "string");
  // preview takes several stacks or none (every stack); the other commands exactly one.
  if (options.stack && options.stack.multiple !== true && stacks.length === 0) {
    io.err(`recette ${command}: which stack? (fix: -s <stack>, e.g. -s local)\nusage: ${usage}`);
    return { ok: false, code: 2 };
  }
  for (const stack of stacks) {
    const bad = validateStackName(stack);
    if (!bad) continue;
    io.err(`recette ${command}: --stack ${escapeControls(bad)}\nusage: ${usage}`);
    return { ok: false, code: 2 };
  }
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
};

/** The live progress of one command on the io's progress stream. */
export const progressOf = (io: StackIo): Live =>
  liveProgress(io.term ?? processTerminal(), io.write ?? ((text) => process.stderr.write(text)));

/** Counts the engine's error diagnostics, so a failure already explained by them is not repeated. */
export const errorCounter = (live: Live) => {
  let errors = 0;
  return {
    onEvent: (e: EngineEvent) => {
      if (e.diagnosticEvent?.severity === "error" && !e.diagnosticEvent.ephemeral) errors++;
      live.onEvent(e);
    },
    get errors() {
      return errors;
    },
  };
};

/** Why a stack operation failed, in one place: our own problems as they are, else the engine's last lines. */
export const failureText = (stack: string, e: unknown, explained: boolean): string => {
  if (isStackError(e)) return escapeControls(e.message);
  if (explained) return `stack ${stack} failed (the engine's errors are above)`;
  const text = String(e instanceof Error ? e.message : e)
    .split("\n")
    .filter((l) => l.trim() && !/^\s*(code|stdout|stderr|err\?):?\s*$/.test(l))
    .slice(-12)
    .join("\n");
  return `stack ${stack} failed:\n${escapeLines(text)}`;
};

export const engineFailure = (command: string, stack: string, e: unknown, explained: boolean): string =>
  `recette ${command}: ${failureText(stack, e, explained)}`;

/** Opens the stack (building the engine first if needed), runs `fn`, closes it (stops the ssh-agent). */
export const withStack = async (
  command: string,
  opts: StackOptions & { create?: boolean; agent?: boolean; newFile?: boolean; prepare?: boolean },
  io: StackIo,
  live: Live,
  fn: (s: StackSession) => Promise<number>,
): Promise<number> => {
  let session: StackSession | undefined;
  try {
    session = await openStack({
      root: projectRoot(opts),
      stack: opts.stack,
      create: opts.create,
      agent: opts.agent,
      newFile: opts.newFile,
      prepare: opts.prepare,
      progress: live.say,
    });
    return await fn(session);
  } catch (e) {
    live.stop();
    io.err(engineFailure(command, opts.stack, e, false));
    return 1;
  } finally {
    live.stop();
    session?.close();
  }
};

/**
 * Refuses a stack about to be deployed or previewed whose file or recipe has a problem, before the engine (or
 * any build) starts: every problem at once, each secret the stack does not set included, with its fix.
 * Answers whether it refused (the problems are on stderr then).
 */
export const refusedBeforeEngine = (command: string, root: string, stack: string, io: StackIo): boolean => {
  const problems = deployProblems(root, stack);
  const errors = problems.filter((p) => p.severity !== "warning").length;
  if (errors === 0) return false;
  for (const p of problems) io.err(formatProblem(p));
  io.err(
    `recette ${command}: stack ${stack}: ${errors} ` +
      `problem${errors === 1 ? "" : "s"} to fix first (above); nothing was changed`,
  );
  return true;
};

/**
 * One engine operation on a stack (refresh, destroy) with its live progress: exit 0 done, 1 failed, the
 * engine's own errors above or the reason (failureText).
 */
export const engineOperation = (
  command: string,
  opts: StackOptions,
  io: StackIo,
  run: (s: StackSession, onEvent: (e: EngineEvent) => void) => Promise<unknown>,
): Promise<number> => {
  const live = progressOf(io);
  return withStack(command, { ...opts, agent: true }, io, live, async (s) => {
    const engine = errorCounter(live);
    try {
      await run(s, engine.onEvent);
      return 0;
    } catch (e) {
      live.stop();
      io.err(engineFailure(command, opts.stack, e, engine.errors > 0));
      return 1;
    }
  });
};
