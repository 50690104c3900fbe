import { spawn } from "node:child_process";
import { collectRefs } from "../compose/refs";
import { escapeControls } from "../load/text";
import { ENGINE_KEYS } from "../model/resolve";
import type { Run } from "./define";
import { progressOf, withStack, type StackIo } from "./stack-command";
import { didYouMean } from "./suggest";

export const CONFIG_ACTIONS = ["ls", "get", "set", "rm"] as const;
type Action = (typeof CONFIG_ACTIONS)[number];

/** A config key as Pulumi takes it: `key` (the project's namespace) or `namespace:key` (a provider's). */
const KEY = /^(?:[A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * `pulumi config [get|set|rm]` with the engine, backend and passphrase recette uses (the same as `recette
 * up`), so a user never needs the engine on PATH or `source` first. The value of `set` comes from the
 * command line or, when left out, from stdin (a terminal gets the engine's own hidden prompt): a key file
 * goes in with `< file` and a password need not appear in the shell's history.
 */
export const pulumiConfigArgs = (
  action: Action,
  stack: string,
  key: string | undefined,
  value: string | undefined,
  o: { secret: boolean; json: boolean },
): string[] => [
  "config",
  ...(action === "ls" ? [] : [action]),
  ...(key !== undefined ? [key] : []),
  ...(o.secret ? ["--secret"] : []),
  ...(o.json ? ["--json"] : []),
  "--stack",
  stack,
  ...(value !== undefined ? ["--", value] : []),
];

/** The usage problem of a `recette config` command line, or undefined. */
export const configProblem = (
  action: Action,
  key: string | undefined,
  value: string | undefined,
  o: { secret: boolean; json: boolean },
): string | undefined => {
  if (action === "ls") {
    if (key !== undefined) return "ls takes no key (to read one: recette config get <key> -s <stack>)";
    if (o.secret) return "--secret goes with set";
    return undefined;
  }
  if (key === undefined) return `${action} needs a key, e.g. recette config ${action} blogAdminPassword -s local`;
  if (!KEY.test(key))
    return (
      `${JSON.stringify(escapeControls(key))} is not a config key ` +
      '(letters, digits, _ . -, optionally after "<namespace>:")'
    );
  if (action !== "set" && value !== undefined) return `${action} takes one key, no value`;
  if (action !== "set" && o.secret) return "--secret goes with set";
  if (action !== "get" && o.json) return "--json goes with ls and get";
  return undefined;
};

/** A warning when `set` names a key of the project that its recipe does not read, with the nearest one. */
const unreadKeyWarning = (key: string, read: readonly string[]): string | undefined => {
  if (key.includes(":") || read.includes(key)) return undefined;
  const near = didYouMean(key, read);
  const hint = near ? `; did you mean ${near}?` : "";
  return `warning: the stack's recipe reads no key ${key}${hint}`;
};

export const configRun: Run = async ({ args, opts }, io) => {
  const [action = "ls", key, value] = args as [Action?, string?, string?];
  const stack = String(opts.stack);
  const o = { secret: opts.secret === true, json: opts.json === true };
  const problem = configProblem(action, key, value, o);
  if (problem) {
    io.err(`recette config: ${problem}`);
    return 2;
  }
  const sio = io as StackIo;
  const live = progressOf(sio);
  return withStack("config", { stack, create: true, newFile: action === "set" }, sio, live, async (s) => {
    live.stop();
    if (action === "set" && key !== undefined && s.recipe) {
      const read = [...ENGINE_KEYS, ...collectRefs(s.recipe).map((r) => r.key)];
      const warning = unreadKeyWarning(key, read);
      if (warning) io.err(`recette config: ${warning}`);
    }
    const child = spawn("pulumi", pulumiConfigArgs(action, stack, key, value, o), {
      cwd: s.workspace.workDir,
      env: { ...process.env, ...s.env },
      stdio: "inherit",
    });
    return new Promise<number>((resolve) => {
      child.on("error", (e) => {
        io.err(`recette config: the engine did not start: ${e.message}`);
        resolve(1);
      });
      child.on("close", (code) => resolve(code ?? 1));
    });
  });
};
