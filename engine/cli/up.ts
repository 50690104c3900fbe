import type { OutputMap } from "@pulumi/pulumi/automation";
import { policyPackDir } from "../delivery/pulumi";
import { escapeControls } from "../load/text";
import { orchestratorOf, type Orchestrator } from "../status/orchestrator";
import { undoFailedRollouts } from "../status/k8s-rollout";
import { awaitSwarmUpdates } from "../status/rollout";
import { awaitUrls, edgeAddresses } from "../status/edge";
import type { StackSession } from "../stack/workspace";
import { appendHistory, provenance } from "../stack/history";
import type { Live } from "../progress/live";
import {
  engineFailure,
  errorCounter,
  parseStackArgs,
  progressOf,
  projectRoot,
  refusedBeforeEngine,
  STACK_OPTION,
  withStack,
  type StackIo,
  type StackOptions,
} from "./stack-command";

export const summary =
  "deploy a stack: read its resources back (a hand edit is put back), then apply what the recipe says";
export const usage = "recette up -s <stack> [--no-refresh] [--no-wait]   e.g. recette up -s local";

/** Seconds `recette up` waits, in all, for the stack's URLs to answer once deployed. */
export const ANSWER_SECONDS = 180;

export interface UpOptions extends StackOptions {
  /** Read every resource back first, so the update repairs what was changed by hand. Defaults to true. */
  refresh: boolean;
  /** Wait until each of the stack's URLs answers through its Traefik before printing them. Defaults to true. */
  wait?: boolean;
}

/** The stack's URLs from its outputs (`urls`), as strings. */
export const urlsOf = (outputs: OutputMap): string[] => {
  const v: unknown = outputs.urls?.value;
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === "string") : [];
};

/**
 * Runs `follow` on the stack's orchestrator when the recipe deploys onto `kind` (a project whose
 * program is not a recette recipe has no services to follow); answers its messages.
 */
const onOrchestrator = async <K extends Orchestrator["kind"]>(
  s: StackSession,
  outputs: OutputMap,
  kind: K,
  follow: (o: Orchestrator & { kind: K }) => Promise<string[]>,
): Promise<string[]> => {
  if (s.recipe?.orchestrator.kind !== kind) return [];
  const o = await orchestratorOf(s, outputs);
  try {
    return o.kind === kind ? await follow(o as Orchestrator & { kind: K }) : [];
  } finally {
    o.cleanup();
  }
};

/** The images the program reports (`images` output), as strings: what recette history records. */
export const imagesOf = (outputs: OutputMap): Record<string, string> => {
  const v: unknown = outputs.images?.value;
  if (typeof v !== "object" || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
};

/** What a deploy records in recette history: a plain `up`, or a rollback to an earlier update. */
export type DeployKind = { kind: "up" } | { kind: "rollback"; to: number };

/**
 * The engine's update, then Swarm's updates followed to their end, then the history entry. Exit 0
 * deployed (the URLs on stdout); 1 the engine failed, or Swarm rolled an update back (the service, the
 * task's error and the image that serves again on stderr), which records nothing.
 */
export const deploy = async (
  s: StackSession,
  opts: UpOptions & { kind: DeployKind },
  io: StackIo,
  live: Live,
): Promise<number> => {
  const engine = errorCounter(live);
  const started = new Date();
  const root = projectRoot(opts);
  try {
    const what =
      opts.kind.kind === "rollback"
        ? `recette rollback -s ${opts.stack} (to update ${opts.kind.to})`
        : `recette up -s ${opts.stack}`;
    live.say(`${what}${opts.refresh ? " (reading the resources back first)" : ""}`);
    // The same policy pack as recette preview: a mandatory violation stops the update before any change.
    const pack = policyPackDir(root);
    await s.stack.up({
      refresh: opts.refresh,
      onEvent: engine.onEvent,
      color: "never",
      ...(pack ? { policyPacks: [pack] } : {}),
    });
  } catch (e) {
    // On Kubernetes, the rollouts that passed their deadline, undone (one message each).
    const undone = await onOrchestrator(s, await s.stack.outputs(), "k3s", (o) =>
      undoFailedRollouts(o, opts.stack, live.say),
    );
    live.stop();
    io.err(engineFailure(opts.kind.kind, opts.stack, e, engine.errors > 0));
    for (const f of undone) io.err(`recette ${opts.kind.kind}: ${escapeControls(f)}`);
    return 1;
  }
  const outputs = await s.stack.outputs();
  // On Swarm, the updates this run started, followed to their end: one message per update Swarm undid.
  const failures = await onOrchestrator(s, outputs, "swarm", (o) =>
    awaitSwarmUpdates(o, opts.stack, started, live.say),
  );
  if (failures.length > 0) {
    live.stop();
    for (const f of failures) io.err(`recette ${opts.kind.kind}: ${escapeControls(f)}`);
    return 1;
  }
  // Deployed is not serving yet: Traefik learns the routes, a new blog installs itself, a certificate is asked for.
  const urls = urlsOf(outputs);
  const edge = edgeAddresses(s.recipe, outputs);
  const silent =
    opts.wait !== false && edge.addresses.length > 0 && s.recipe?.edge?.traefik
      ? await awaitUrls(urls, edge.addresses, ANSWER_SECONDS, live.say)
      : [];
  live.stop();
  const images = imagesOf(outputs);
  if (s.recipeSha256 && Object.keys(images).length > 0)
    appendHistory(root, opts.stack, {
      time: new Date().toISOString(),
      kind: opts.kind.kind,
      ...(opts.kind.kind === "rollback" ? { rollbackTo: opts.kind.to } : {}),
      ...provenance(root),
      recipe: s.recipeSha256,
      images,
    });
  for (const url of urls) io.out(escapeControls(url));
  for (const x of silent)
    io.err(
      `recette ${opts.kind.kind}: stack ${opts.stack} is deployed, but ${escapeControls(x.url)} ` +
        `did not answer within ${ANSWER_SECONDS} s through its Traefik at ${edge.addresses.join(" or ")} (last: ` +
        `${escapeControls(x.last)}); see recette status -s ${opts.stack} and recette logs -s ${opts.stack} <app>`,
    );
  return silent.length > 0 ? 1 : 0;
};

/**
 * Exit 0 deployed (the URLs on stdout); 1 the engine or the preparation failed, or Swarm rolled an update
 * back (the service, the task's error and the image that serves again on stderr).
 */
export const up = async (opts: UpOptions, io: StackIo): Promise<number> => {
  if (refusedBeforeEngine("up", projectRoot(opts), opts.stack, io)) return 1;
  const live = progressOf(io);
  return withStack("up", { ...opts, create: true, agent: true, prepare: true }, io, live, (s) =>
    deploy(s, { ...opts, kind: { kind: "up" } }, io, live),
  );
};

export const upCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs(
    "up",
    usage,
    args,
    { ...STACK_OPTION, "no-refresh": { type: "boolean" }, "no-wait": { type: "boolean" } },
    io,
  );
  if (!p.ok) return p.code;
  return up(
    { stack: p.values.stack!, refresh: p.values["no-refresh"] !== true, wait: p.values["no-wait"] !== true },
    io,
  );
};
