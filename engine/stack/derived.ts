import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigMap, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { docker, type Engine } from "../backup/docker";
import { prefixOf } from "../backup/stack";
import { ROLLBACK_KEY } from "../compose/pins";
import { policyPackDir } from "../delivery/pulumi";
import { DERIVATION_KEYS } from "../model/derive";
import { formatProblem, RecipeError } from "../load";
import { resolveModel, type Model } from "../model";
import { checkStack, stackValuesOf } from "./check";
import { stackFile } from "./name";
import { readStack } from "./read";
import type { StackSession } from "./workspace";

/**
 * A derived stack's life (engine/model/derive.ts): `recette drill`'s scratch stack and the preview
 * environments of `recette env` are made, deployed and removed here, the same way.
 */

/** The fully qualified name a StackReference needs: organization/<project>/<stack> on a file backend. */
export const qualifiedStack = (stack: string, project: string, org = "organization"): string => {
  const parts = stack.split("/");
  if (parts.length === 3) return stack;
  if (parts.length === 2) return `${parts[0]}/${project}/${parts[1]}`;
  return `${org}/${project}/${stack}`;
};

/** Keys a derived stack does not take from its base: production, pins, a derivation and preview record of its own. */
export const NOT_COPIED: readonly string[] = [
  "production",
  ROLLBACK_KEY,
  DERIVATION_KEYS.edgeStack,
  DERIVATION_KEYS.hostPrefix,
  "preview",
];

/**
 * Creates (or selects) the derived stack `name` beside the session's stack, gives it the base's configuration and
 * secrets (but NOT_COPIED), its derivation and `extra` (full keys), and deploys it with the engine's events.
 */
export const deployDerived = async (
  base: StackSession,
  project: string,
  name: string,
  hostPrefix: string,
  extra: ConfigMap,
  onEvent: (e: EngineEvent) => void,
): Promise<Stack> => {
  const { Stack: AutomationStack } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const stack = await AutomationStack.createOrSelect(name, base.workspace);
  await configure(base, project, stack, hostPrefix, extra);
  // The same policy pack as recette up: a mandatory violation stops the deploy before any change.
  const pack = policyPackDir(base.workspace.workDir);
  await stack.up({ onEvent, color: "never", ...(pack ? { policyPacks: [pack] } : {}) });
  return stack;
};

/** Gives a derived stack the base's configuration and secrets (but NOT_COPIED), its derivation and `extra`. */
const configure = async (base: StackSession, project: string, stack: Stack, hostPrefix: string, extra: ConfigMap) => {
  const all = await base.stack.getAllConfig();
  const copied = Object.fromEntries(
    Object.entries(all).filter(([k]) => !NOT_COPIED.some((n) => k === `${project}:${n}`)),
  );
  await stack.setAllConfig({
    ...copied,
    [`${project}:${DERIVATION_KEYS.edgeStack}`]: { value: qualifiedStack(base.name, project) },
    [`${project}:${DERIVATION_KEYS.hostPrefix}`]: { value: hostPrefix },
    ...extra,
  });
};

/**
 * Destroys a derived stack, removes its kept volumes (destroy leaves them, as for every stack: a derived stack's
 * data is scratch), its state and its stack file.
 */
export const removeDerived = async (
  base: StackSession,
  project: string,
  root: string,
  stack: Stack,
  engine: Engine,
  onEvent: (e: EngineEvent) => void,
  say: (line: string) => void,
): Promise<void> => {
  // A CI runner's checkout has no stack file of an environment an earlier run made: the engine still wants the
  // project's required keys before a destroy, so the stack gets the base's configuration back first.
  let own: Record<string, string> = {};
  try {
    own = readStack(root, stack.name, project).config;
  } catch {
    // No stack file here (or an unreadable one): configured again below.
  }
  if (own[`${project}:recipe`] === undefined)
    await configure(base, project, stack, own[`${project}:${DERIVATION_KEYS.hostPrefix}`] ?? "removed", {});
  await stack.destroy({ onEvent, color: "never" });
  const prefix = prefixOf(project, stack.name);
  const listed = await docker(engine, ["volume", "ls", "-q", "--filter", `label=recette.stack=${prefix}`]);
  for (const volume of listed.stdout.toString().split("\n").filter(Boolean)) {
    say(`removing volume ${volume}`);
    await docker(engine, ["volume", "rm", volume]);
  }
  await base.workspace.removeStack(stack.name);
  fs.rmSync(path.join(root, stackFile(stack.name)), { force: true });
};

/**
 * The model of a stack other stacks can derive from, or why it cannot be one: its stack file and recipe load
 * with every key set, it runs on Swarm, and it has a Traefik of its own to route them (`command` names who asks).
 */
export const derivableBase = (
  root: string,
  stack: string,
  command: string,
): { model: Model; file: string } | { problem: string } => {
  let checked;
  try {
    checked = checkStack(root, stack);
  } catch (e) {
    if (e instanceof RecipeError) return { problem: e.problems.map(formatProblem).join("\n") };
    throw e;
  }
  const { model, problems } = resolveModel(checked.loaded, stackValuesOf(checked.read), checked.recipeFile, {
    missingSecrets: "error",
    unknownKeys: "warning",
  });
  if (!model) return { problem: problems.map(formatProblem).join("\n") };
  const file = checked.recipeFile;
  if (model.orchestrator.kind !== "swarm")
    return {
      problem: `${file}: orchestrator ${model.orchestrator.kind}: ${command} runs on Swarm stacks only for now${command === "recette drill" ? " (on k3s: recette backup, then restore into a stack of its own)" : ""}`,
    };
  if (!model.edge?.traefik)
    return {
      problem: `${file}: no edge.traefik: ${command} routes through stack ${stack}'s own Traefik, and its recipe has none`,
    };
  return { model, file };
};

/** Where the base stack's Traefik answers: this machine for a local stack, else the first manager's public address. */
export const edgeAddress = async (base: StackSession, model: Model): Promise<string> => {
  if (model.nodes.provider === "local") return "127.0.0.1";
  const outputs = await base.stack.outputs();
  const nodes = (outputs.nodes?.value ?? {}) as Record<string, { role: string; publicAddress: string }>;
  return Object.values(nodes).find((n) => n.role === "manager")?.publicAddress ?? "127.0.0.1";
};

/** Waits until `probe` answers true, or `limit` seconds passed; false then. */
export const until = async (limit: number, probe: () => Promise<boolean>): Promise<boolean> => {
  const deadline = Date.now() + limit * 1000;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
};
