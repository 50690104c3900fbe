import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { baseImage } from "../../components/images";
import { DockerFailed, type Engine } from "../backup/docker";
import { ArchiveRefused } from "../backup/manifest";
import { stackImageRegistry, stackOrchestrator } from "../backup/orchestrator";
import { placeOf, Refused, type Place } from "../backup/stack";
import { escapeControls, escapeLines } from "../load/text";
import { ROOT } from "../root";
import { listStacks, validateStackName } from "../stack-name";

/** What backup and restore share: the stack, where its volumes are, and the helper image. */
export const ENGINE_OPTIONS = {
  stack: { type: "string" },
  host: { type: "string" },
  manager: { type: "string" },
  "helper-image": { type: "string" },
} as const;

/**
 * The helper runs GNU tar, coreutils and findutils: recette's base image, from the stack's registry
 * when it has one (scripts/build-images --push puts it there), else this machine's own tag.
 */
export const defaultHelperImage = (stack: string, root = ROOT): string => baseImage({ registry: stackImageRegistry(root, stack) ?? "local" });

export const recetteVersion = (): string => (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The place a command acts on, or the message to print (usage problems exit 2, k3s exits 1). */
export const resolvePlace = (
  command: string,
  v: { stack?: string; host?: string; manager?: string },
): { place: Place } | { code: number; message: string } => {
  if (!v.stack) return { code: 2, message: "" };
  const bad = validateStackName(v.stack);
  if (bad) return { code: 2, message: `recette ${command}: --stack ${bad} (stacks here: ${listStacks(ROOT).join(", ")})` };
  const orchestrator = stackOrchestrator(ROOT, v.stack);
  if (orchestrator?.kind === "k3s") {
    return {
      code: 1,
      message: `recette ${command}: stack ${v.stack} runs on k3s (${escapeControls(orchestrator.recipeFile)}): ${command} of its PersistentVolumeClaims is not implemented yet, nothing was done (README.md "Backup and restore" gives the kubectl steps)`,
    };
  }
  const engine: Engine = v.host ? { host: v.host } : {};
  const manager: Engine = v.manager ? { host: v.manager } : engine;
  return { place: placeOf(v.stack, engine, manager) };
};

type Io = { err: (s: string) => void };

/**
 * The command line both commands share: the engine options plus `extra`, exactly one positional (the
 * archive). Returns the parsed values, the place and the file, or the exit code after printing why
 * (2 usage, 1 refused such as a k3s stack).
 */
export const parseVolumeCommand = <O extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  usage: string,
  args: string[],
  extra: O,
  io: Io,
) => {
  const options = { ...ENGINE_OPTIONS, ...extra };
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  const values = parsed.values;
  const where = resolvePlace(command, values as { stack?: string; host?: string; manager?: string });
  if ("code" in where || parsed.positionals.length !== 1) {
    io.err(("message" in where && where.message) || `usage: ${usage}`);
    return "code" in where ? where.code : 2;
  }
  const image = (values as { "helper-image"?: string })["helper-image"] ?? defaultHelperImage(where.place.stack);
  return { values, place: where.place, file: parsed.positionals[0]!, image };
};

/** Refusals and Docker failures exit 1 with their message; anything else is a bug and is thrown. */
export const reportFailure = (command: string, e: unknown, err: (s: string) => void): number => {
  // System errors (EACCES, ENOSPC on the output file…) are the machine's answer, not a bug: exit 1 with it.
  const system = e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string";
  if (e instanceof Refused || e instanceof ArchiveRefused || e instanceof DockerFailed || system) {
    err(`recette ${command}: ${escapeLines(e.message)}`);
    return 1;
  }
  throw e;
};

export const size = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);
