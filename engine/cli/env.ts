import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadRecipe, RecipeError } from "../load";
import { escapeControls, escapeLines } from "../load/text";
import { buildModel, placeDemands, recipeDemands, type Demand, type Model } from "../model";
import { hostPrefixProblem } from "../model/derive";
import { awaitUrls, edgeAddresses } from "../status/edge";
import * as derived from "../stack/derived";
import { stackShortName, validateStackName } from "../stack/name";
import { readStack } from "../stack/read";
import { StackError } from "../stack/stack-error";
import type { StackSession } from "../stack/workspace";
import type { OutputMap } from "@pulumi/pulumi/automation";
import {
  errorCounter,
  parseStackArgs,
  progressOf,
  projectRoot,
  STACK_OPTION,
  type StackIo,
  withStack,
} from "./stack-command";

export const usage =
  "recette env up|down|ls|gc -s <base> [--name <name>] [--ref <git-ref>] " +
  "[--ttl <duration>] [--json]   e.g. recette env up -s local --name pr-42";

/** What a preview environment's stack file records (key `preview`): when it was made and until when it lives. */
export interface PreviewRecord {
  name: string;
  created: string;
  updated: string;
  /** When `recette env gc` may remove it; absent: never. */
  expires?: string;
  /** The git ref its recipe came from, when --ref gave one. */
  ref?: string;
}

/** One preview environment of a base stack, as `recette env ls` lists it. */
export interface PreviewEnv extends PreviewRecord {
  stack: string;
  urls: string[];
  ageSeconds: number;
  expired: boolean;
}

/** A preview environment's stack: `<base>-<name>` (qualified like the base). */
export const envStackName = (base: string, name: string): string => `${base}-${name}`;

const TTL = /^([0-9]{1,4})(s|m|h|d)$/;
const TTL_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A --ttl in milliseconds (30m, 72h, 7d), or why it is not one. */
export const parseTtl = (ttl: string): number | { problem: string } => {
  const m = TTL.exec(ttl);
  if (!m || Number(m[1]) === 0)
    return { problem: `--ttl ${JSON.stringify(ttl.slice(0, 40))} is not a duration (expected e.g. 30m, 72h or 7d)` };
  return Number(m[1]) * TTL_MS[m[2] as keyof typeof TTL_MS];
};

const parseRecord = (text: string | undefined): PreviewRecord | undefined => {
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as PreviewRecord;
    return typeof r.name === "string" && typeof r.created === "string" ? r : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Every preview environment of `base`, read from the backend (a CI runner's checkout has no stack file of
 * them): the stacks named `<base>-…` whose outputs say they derive from it and carry a preview record.
 */
export const listEnvs = async (
  s: StackSession,
  project: string,
  base: string,
  now = new Date(),
): Promise<PreviewEnv[]> => {
  const { Stack } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const short = stackShortName(base);
  const reference = await derived.baseReference(s, project);
  const envs: PreviewEnv[] = [];
  for (const summary of await s.workspace.listStacks()) {
    const name = stackShortName(summary.name);
    if (!name.startsWith(`${short}-`)) continue;
    const stack = base.includes("/") ? `${base.slice(0, base.lastIndexOf("/") + 1)}${name}` : name;
    const outputs = await (await Stack.select(stack, s.workspace)).outputs().catch(() => ({}) as OutputMap);
    // An environment whose first deploy failed has no outputs yet: its stack file (when here) says what it is.
    const file = stackConfig(s.workspace.workDir, project, stack);
    const derivedFrom = outputs.edgeStack?.value ?? file[`${project}:edgeStack`];
    if (derivedFrom !== reference) continue;
    const text = outputs.preview?.value ?? file[`${project}:preview`];
    const record = parseRecord(typeof text === "string" ? text : undefined);
    if (!record) continue;
    const expires = record.expires ? Date.parse(record.expires) : undefined;
    envs.push({
      ...record,
      stack,
      urls: ((outputs.urls?.value ?? []) as unknown[]).map(String),
      ageSeconds: Math.round((now.getTime() - Date.parse(record.created)) / 1000),
      expired: expires !== undefined && expires <= now.getTime(),
    });
  }
  return envs.sort((x, y) => x.name.localeCompare(y.name));
};

/** A stack file's keys, or none when it is not here or does not read. */
const stackConfig = (root: string, project: string, stack: string): Record<string, string | undefined> => {
  try {
    return readStack(root, stack, project).config;
  } catch {
    return {};
  }
};

/** The demands of a preview environment's apps (its model without the base's edge). */
const envDemands = (model: Model, name: string): Demand[] =>
  recipeDemands({ ...model, edge: undefined }).map((d) => ({ ...d, name: `${name}/${d.name}` }));

/**
 * Why one more preview environment does not fit the base's nodes, or undefined: the base's workloads and every
 * environment's (recette explain's figures), placed as explain places them. Nodes of unknown memory fit anything.
 */
export const capacityProblem = (base: Model, envs: { name: string; model: Model }[]): string | undefined => {
  const demands = [...recipeDemands(base), ...envs.flatMap((e) => envDemands(e.model, e.name))];
  const loads = placeDemands(base.planned, base.orchestrator.kind, demands, { local: base.nodes.provider === "local" });
  const over = loads.find((l) => l.headroom !== undefined && l.headroom < 0);
  if (!over) return undefined;
  const used = over.node.memoryMiB! - over.headroom!;
  return (
    `the nodes have no room for ${envs.length} preview environment${envs.length === 1 ? "" : "s"}: node ` +
    `${over.node.name} would need ${Math.round(used)} MiB of its ${over.node.memoryMiB} MiB (recette ` +
    "explain's figures); remove one first (recette env ls, then recette env down or recette env gc)"
  );
};

/** The recipe at a git ref, written where the environment's stack file names it (relative to the project). */
const recipeAtRef = (root: string, recipe: string, ref: string, stack: string): string => {
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
  if (top.status !== 0) throw new EnvRefused(`--ref ${ref}: the project is not in a git repository`);
  const inRepo = path.relative(top.stdout.trim(), path.resolve(root, recipe));
  // The ref becomes a commit first (never an option: refProblem and --end-of-options), then the file at it.
  const commit = spawnSync("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {
    cwd: root,
    encoding: "utf8",
  });
  if (commit.status !== 0 || !/^[0-9a-f]{40,64}$/.test(commit.stdout.trim()))
    throw new EnvRefused(`--ref ${ref}: git knows no such commit here (fetch it first, e.g. git fetch origin ${ref})`);
  const shown = spawnSync("git", ["show", `${commit.stdout.trim()}:${inRepo}`], { cwd: root, encoding: "utf8" });
  if (shown.status !== 0)
    throw new EnvRefused(`--ref ${ref}: git has no ${inRepo} there (${shown.stderr.trim().split("\n").pop()})`);
  const rel = path.join(".recette", "env", `${stack.replace(/\//g, "_")}.yaml`);
  fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), shown.stdout);
  return rel;
};

/** A refusal recette explains itself (a StackError: withStack prints its message as it is). */
class EnvRefused extends StackError {}

const REF = /^[A-Za-z0-9][A-Za-z0-9._/@{}~^-]{0,199}$/;

/** Why a --ref cannot be given to git, or undefined: a branch, tag or commit name, never an option or a path. */
export const refProblem = (ref: string): string | undefined =>
  REF.test(ref) && !ref.includes("..") && !ref.includes("@{-")
    ? undefined
    : `--ref ${JSON.stringify(ref.slice(0, 80))} is not a git branch, tag or commit ` +
      "(letters, digits and . _ / - @ { } ~ ^, not starting with - or containing ..)";

/** Names a preview environment may not take: the drill's scratch stack is <base>-drill. */
export const RESERVED_NAMES: readonly string[] = ["drill"];

export interface EnvOptions {
  action: "up" | "down" | "ls" | "gc";
  stack: string;
  name?: string;
  ref?: string;
  ttl?: string;
  json: boolean;
  root?: string;
}

const say = (io: StackIo, line: string) => io.err(`recette env: ${escapeLines(line)}`);

/** Opens the base stack (its ssh-agent for ssh:// engines), runs `fn`, closes it. */
/** Opens the base stack (its ssh-agent, exported for the docker CLI's ssh:// engines) and runs `fn` on it. */
const onBase = (
  root: string,
  base: string,
  io: StackIo,
  fn: (s: StackSession, project: string, live: ReturnType<typeof progressOf>) => Promise<number>,
): Promise<number> => {
  const live = progressOf(io);
  return withStack("env", { root, stack: base, agent: true }, io, live, async (s) => {
    if (s.env.SSH_AUTH_SOCK) process.env.SSH_AUTH_SOCK = s.env.SSH_AUTH_SOCK;
    return fn(s, (await s.workspace.projectSettings()).name, live);
  });
};

const remove = async (
  root: string,
  s: StackSession,
  project: string,
  stack: string,
  keys: string[],
  live: ReturnType<typeof progressOf>,
) => {
  const { Stack } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const env = await Stack.select(stack, s.workspace);
  await derived.removeDerived(s, project, root, env, keys, errorCounter(live).onEvent, (l) =>
    live.say(escapeControls(l)),
  );
};

/**
 * up: deploy (or update) the preview environment <base>-<name> and print its URLs; down: remove it and its data;
 * ls: list them with age, expiry and URL; gc: remove the expired ones. Exit 0 done, 1 refused or failed, 2 usage.
 */
export const env = async (o: EnvOptions, io: StackIo): Promise<number> => {
  const root = projectRoot(o);
  const base = derived.derivableBase(root, o.stack, "recette env");
  if ("problem" in base) {
    say(io, base.problem);
    return 1;
  }
  if (o.action === "ls")
    return onBase(root, o.stack, io, async (s, project, live) => {
      const envs = await listEnvs(s, project, o.stack);
      live.stop();
      if (o.json) io.out(JSON.stringify({ stack: o.stack, environments: envs }, null, 2));
      else if (envs.length === 0) say(io, `stack ${o.stack} has no preview environment`);
      else
        for (const e of envs) {
          const age = e.ageSeconds < 3600 ? `${Math.round(e.ageSeconds / 60)}m` : `${Math.round(e.ageSeconds / 3600)}h`;
          const expiry = e.expires ? `${e.expired ? "expired" : "expires"} ${e.expires}` : "no expiry";
          io.out(escapeControls(`${e.name}  ${e.stack}  age ${age}  ${expiry}  ${e.urls.join(" ")}`));
        }
      return 0;
    });
  if (o.action === "gc") {
    return onBase(root, o.stack, io, async (s, project, live) => {
      const expired = (await listEnvs(s, project, o.stack)).filter((e) => e.expired);
      if (expired.length === 0) live.say(`no expired preview environment of stack ${o.stack}`);
      for (const e of expired) {
        live.say(`removing ${e.stack} (expired ${e.expires})`);
        await remove(root, s, project, e.stack, derived.copiedKeys(base.recipe, base.recipe), live);
      }
      live.stop();
      if (o.json) io.out(JSON.stringify({ stack: o.stack, removed: expired.map((e) => e.stack) }, null, 2));
      else for (const e of expired) io.out(`removed ${escapeControls(e.stack)}`);
      return 0;
    });
  }
  const name = o.name!;
  const stack = envStackName(o.stack, name);
  if (o.action === "down") {
    return onBase(root, o.stack, io, async (s, project, live) => {
      const known = (await s.workspace.listStacks()).some((x) => stackShortName(x.name) === stackShortName(stack));
      if (!known) {
        live.stop();
        say(io, `stack ${o.stack} has no preview environment ${name} (nothing to remove)`);
        return 0;
      }
      await remove(root, s, project, stack, derived.copiedKeys(base.recipe, base.recipe), live);
      live.stop();
      io.out(`removed ${escapeControls(stack)}`);
      return 0;
    });
  }
  // up
  const ttl = o.ttl ? parseTtl(o.ttl) : undefined;
  return onBase(root, o.stack, io, async (s, project, live) => {
    const envs = await listEnvs(s, project, o.stack);
    const others = envs.filter((e) => e.name !== name);
    const record = envs.find((e) => e.name === name);
    const recipe = o.ref ? recipeAtRef(root, base.file, o.ref, stack) : base.file;
    let model: Model;
    let keys: string[];
    try {
      const loaded = loadRecipe(path.resolve(root, recipe)).recipe;
      model = buildModel(loaded);
      // Only the base's keys this recipe reads too: a pull request's recipe gets no other secret of the base.
      keys = derived.copiedKeys(base.recipe, loaded);
    } catch (e) {
      if (e instanceof RecipeError) throw new EnvRefused(e.message);
      throw e;
    }
    // The others counted with this recipe's apps: their own recipes may be at refs this checkout lacks.
    const full = capacityProblem(base.model, [...others.map((e) => ({ name: e.name, model })), { name, model }]);
    if (full) throw new EnvRefused(full);
    const now = new Date().toISOString();
    const preview: PreviewRecord = {
      name,
      created: record?.created ?? now,
      updated: now,
      // A new --ttl counts from now; without one, an earlier expiry stays.
      ...(typeof ttl === "number"
        ? { expires: new Date(Date.now() + ttl).toISOString() }
        : record?.expires
          ? { expires: record.expires }
          : {}),
      ...(o.ref ? { ref: o.ref } : {}),
    };
    live.say(`deploying ${stack}: stack ${o.stack}'s apps under ${name}.<host>, behind its Traefik`);
    const deployed = await derived.createDerived(s, project, root, stack, name, keys, {
      [`${project}:recipe`]: { value: recipe },
      [`${project}:preview`]: { value: JSON.stringify(preview) },
    });
    await derived.upDerived(deployed, root, errorCounter(live).onEvent);
    const outputs = await deployed.outputs();
    const urls = ((outputs.urls?.value ?? []) as string[]).map(String);
    // Served once each URL answers through the base's Traefik (a new blog installs itself first).
    const edge = edgeAddresses(base.model, await s.stack.outputs());
    const silent = await awaitUrls(urls, edge.addresses, 180, live.say);
    if (silent.length > 0)
      throw new EnvRefused(
        `${stack} is deployed, but ${silent.map((x) => `${x.url} (${x.last})`).join(", ")} ` +
          `did not answer within 180 s (see recette status -s ${stack})`,
      );
    live.stop();
    if (o.json) io.out(JSON.stringify({ stack: o.stack, environment: stack, urls, ...preview }, null, 2));
    else for (const u of urls) io.out(escapeControls(u));
    return 0;
  });
};

export const envCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs(
    "env",
    usage,
    args,
    {
      ...STACK_OPTION,
      name: { type: "string" },
      ref: { type: "string" },
      ttl: { type: "string" },
      json: { type: "boolean" },
    },
    io,
    true,
  );
  if (!p.ok) return p.code;
  const [action, ...rest] = p.positionals;
  const usageError = (why: string) => {
    io.err(`recette env: ${escapeControls(why)}\nusage: ${usage}`);
    return 2;
  };
  if (action !== "up" && action !== "down" && action !== "ls" && action !== "gc")
    return usageError(`expected up, down, ls or gc${action ? `, not ${action}` : ""}`);
  if (rest.length > 0) return usageError(`unexpected ${rest.join(" ")}`);
  const v = p.values;
  const needsName = action === "up" || action === "down";
  if (needsName && !v.name) return usageError(`env ${action} needs --name <name> (e.g. --name pr-42)`);
  if (!needsName && v.name) return usageError(`env ${action} takes no --name`);
  if (v.name) {
    const bad = hostPrefixProblem(v.name);
    if (bad) return usageError(`--name ${bad}`);
    if (RESERVED_NAMES.includes(v.name))
      return usageError(`--name ${v.name} is recette drill's scratch stack (choose another, e.g. pr-42)`);
    const stackBad = validateStackName(envStackName(v.stack!, v.name));
    if (stackBad) return usageError(`the environment's stack ${stackBad} (use a shorter --name)`);
  }
  if ((v.ref || v.ttl) && action !== "up") return usageError("--ref and --ttl are for env up");
  if (v.ref) {
    const bad = refProblem(v.ref);
    if (bad) return usageError(bad);
  }
  if (v.ttl) {
    const t = parseTtl(v.ttl);
    if (typeof t !== "number") return usageError(t.problem);
  }
  return env(
    {
      action,
      stack: v.stack!,
      json: v.json === true,
      ...(v.name ? { name: v.name } : {}),
      ...(v.ref ? { ref: v.ref } : {}),
      ...(v.ttl ? { ttl: v.ttl } : {}),
    },
    io,
  );
};
