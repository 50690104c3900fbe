import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap, EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { localKubeconfigPath } from "../../components/k3s/local";
import { docker, DockerFailed, type Engine } from "../backup/docker";
import { type Cluster, findKubectl, kubectl } from "../backup/kube";
import { prefixOf } from "../backup/stack";
import { collectRefs } from "../compose/refs";
import { policyPackDir } from "../delivery/pulumi";
import { PACKAGE_ROOT } from "../root";
import { formatProblem, RecipeError } from "../load";
import { resolveModel, type Model } from "../model";
import { DERIVATION_KEYS } from "../model/derive";
import type { Recipe } from "../schema";
import { checkStack, stackValuesOf } from "./check";
import { stackFile, stackShortName } from "./name";
import { readStack } from "./read";
import { StackError } from "./stack-error";
import type { StackSession } from "./workspace";

/**
 * A derived stack's life (engine/model/derive.ts): `recette drill`'s scratch stack and the preview
 * environments of `recette env` are made, deployed and removed here, the same way.
 */

/**
 * The fully qualified name a StackReference needs: `<org>/<project>/<stack>` (organization on a self-managed backend).
 */
export const qualifiedStack = (stack: string, project: string, org = "organization"): string => {
  const parts = stack.split("/");
  if (parts.length === 3) return stack;
  if (parts.length === 2) return `${parts[0]}/${project}/${parts[1]}`;
  return `${org}/${project}/${stack}`;
};

/**
 * The organization a short stack name belongs to: `organization` on a self-managed backend (file://, s3://…),
 * the user's own on Pulumi Cloud.
 */
export const backendOrg = async (s: StackSession): Promise<string> => {
  const who = await s.workspace.whoAmI().catch(() => undefined);
  return who?.url && /^https?:\/\//.test(who.url) && who.user ? who.user : "organization";
};

/** The base stack as a derived stack's `edgeStack` names it. */
export const baseReference = async (s: StackSession, project: string): Promise<string> =>
  qualifiedStack(s.name, project, await backendOrg(s));

/** Project keys a derived stack always takes from its base besides the recipe's references (the engine's own). */
const ENGINE_COPIED = ["recipe", "imageRegistry"];

/**
 * The base's keys a derived stack receives: `imageRegistry`, and the keys (values and secrets) that its recipe and
 * the base's both read. A recipe from another git ref (a pull request's) gets no other secret of the base.
 */
export const copiedKeys = (base: Recipe, derived: Recipe): string[] => {
  const read = new Set(collectRefs(base).map((r) => r.key));
  return [...ENGINE_COPIED, ...new Set(collectRefs(derived).flatMap((r) => (read.has(r.key) ? [r.key] : [])))];
};

/** Why `stack` may not be used as a derived stack of the base, or undefined: it is new, or derived from this base. */
const ownership = async (
  base: StackSession,
  project: string,
  root: string,
  stack: string,
  reference: string,
): Promise<"new" | "ours" | { problem: string }> => {
  const exists = (await base.workspace.listStacks()).some((s) => stackShortName(s.name) === stackShortName(stack));
  if (!exists) return "new";
  const { Stack: AutomationStack } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const outputs = await (await AutomationStack.select(stack, base.workspace)).outputs().catch(() => ({}) as OutputMap);
  let file: string | undefined;
  try {
    file = readStack(root, stack, project).config[`${project}:${DERIVATION_KEYS.edgeStack}`];
  } catch {
    file = undefined;
  }
  if (outputs.edgeStack?.value === reference || file === reference) return "ours";
  return {
    problem:
      `stack ${stack} exists and is not derived from stack ${base.name} (its outputs and ` +
      `stack file say no edgeStack ${reference}): recette leaves it alone; choose another name`,
  };
};

/** Thrown when a derived stack may not be made or removed: a message for the user, nothing was changed. */
export class DerivedRefused extends StackError {}

/**
 * Creates (or selects, when it is one of this base's) the derived stack `name` beside the session's stack and gives
 * it the base's keys its recipe reads (copiedKeys), its derivation and `extra` (full keys). Not deployed yet:
 * the caller holds the stack first, so a failed deploy can still be removed.
 */
export const createDerived = async (
  base: StackSession,
  project: string,
  root: string,
  name: string,
  hostPrefix: string,
  keys: string[],
  extra: ConfigMap,
): Promise<Stack> => {
  const reference = await baseReference(base, project);
  const owned = await ownership(base, project, root, name, reference);
  if (typeof owned !== "string") throw new DerivedRefused(owned.problem);
  const outputs = await base.stack.outputs();
  if ((outputs.edge?.value as { orchestrator?: string } | undefined)?.orchestrator === "k3s") {
    const taken = await namespaceProblem(outputs, prefixOf(project, name), prefixOf(project, base.name));
    if (taken) throw new DerivedRefused(taken);
  }
  const { Stack: AutomationStack } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const stack = await AutomationStack.createOrSelect(name, base.workspace);
  await configure(base, project, stack, reference, hostPrefix, keys, extra);
  return stack;
};

/**
 * Deploys a derived stack with the same policy pack as recette up: a mandatory violation stops it before any change.
 */
export const upDerived = async (stack: Stack, root: string, onEvent: (e: EngineEvent) => void): Promise<void> => {
  const pack = policyPackDir(root);
  await stack.up({ onEvent, color: "never", ...(pack ? { policyPacks: [pack] } : {}) });
};

const configure = async (
  base: StackSession,
  project: string,
  stack: Stack,
  reference: string,
  hostPrefix: string,
  keys: string[],
  extra: ConfigMap,
) => {
  const all = await base.stack.getAllConfig();
  const wanted = new Set(keys.map((k) => `${project}:${k}`));
  await stack.setAllConfig({
    ...Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k))),
    [`${project}:${DERIVATION_KEYS.edgeStack}`]: { value: reference },
    [`${project}:${DERIVATION_KEYS.hostPrefix}`]: { value: hostPrefix },
    ...extra,
  });
};

/** The base stack's Docker engine (its `dockerHost` output): where a derived stack's volumes are. */
const baseEngine = (outputs: OutputMap): Engine => {
  const host = outputs.dockerHost?.value;
  return typeof host === "string" && host ? { host } : {};
};

/** Removes a derived Swarm stack's kept volumes on the base's engine: those labelled and named with its prefix. */
const removeVolumes = async (outputs: OutputMap, prefix: string, name: string, say: (line: string) => void) => {
  const engine = baseEngine(outputs);
  try {
    const listed = await docker(engine, ["volume", "ls", "-q", "--filter", `label=recette.stack=${prefix}`]);
    for (const volume of listed.stdout.toString().split("\n")) {
      // The label and the name: a volume of this stack is always <prefix>-<name>.
      if (!volume.startsWith(`${prefix}-`)) continue;
      say(`removing volume ${volume}`);
      await docker(engine, ["volume", "rm", volume]);
    }
  } catch (e) {
    if (!(e instanceof DockerFailed)) throw e;
    say(`the volumes of ${name} were not removed (${e.message}); remove those labelled recette.stack=${prefix}`);
  }
};

/**
 * kubectl on the base's cluster (its `kubeconfig` output, or this machine's local cluster) for the duration of
 * `fn`: the kubeconfig is written to a private temporary file, removed after.
 */
const onBaseCluster = async <T>(outputs: OutputMap, namespace: string, fn: (c: Cluster) => Promise<T>): Promise<T> => {
  const given = outputs.kubeconfig?.value;
  let dir: string | undefined;
  let kubeconfig = localKubeconfigPath({});
  try {
    if (typeof given === "string" && given) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-kubeconfig-"));
      kubeconfig = path.join(dir, "kubeconfig");
      fs.writeFileSync(kubeconfig, given, { mode: 0o600 });
    }
    return await fn({ kubectl: findKubectl(PACKAGE_ROOT), kubeconfig, namespace });
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * On k3s, a derived stack's namespace is its prefix, and the engine adopts an object of that name: refuses one
 * that exists and is not a namespace recette made for a stack derived from this base (its `recette.edge` label),
 * such as another project's whose `<project>-<stack>` happens to be the same.
 */
const namespaceProblem = async (
  outputs: OutputMap,
  prefix: string,
  basePrefix: string,
): Promise<string | undefined> => {
  const found = await onBaseCluster(outputs, prefix, async (c) =>
    (
      await kubectl(c, [
        "get",
        "namespace",
        prefix,
        "--ignore-not-found",
        "--output",
        "jsonpath={.metadata.name}/{.metadata.labels.recette\\.edge}",
      ])
    ).stdout.toString(),
  ).catch((e: Error) => `?${e.message}`);
  if (found === "" || found === `${prefix}/${basePrefix}`) return undefined;
  if (found.startsWith("?")) return `cannot tell whether namespace ${prefix} is free (${found.slice(1)})`;
  return (
    `namespace ${prefix} exists on the cluster and is not one recette made for a stack derived from this ` +
    `stack (its label recette.edge is not ${basePrefix}): recette leaves it alone; choose another name`
  );
};

/**
 * Destroys a derived stack of this base (refused for any other stack), removes the data destroy leaves (its kept
 * volumes on Swarm, its namespace and claims on k3s: a derived stack's data is scratch), its state and its stack
 * file. Data that cannot be removed (no Docker CLI or kubectl here) is said, and the rest goes on.
 */
export const removeDerived = async (
  base: StackSession,
  project: string,
  root: string,
  stack: Stack,
  keys: string[],
  onEvent: (e: EngineEvent) => void,
  say: (line: string) => void,
): Promise<void> => {
  const reference = await baseReference(base, project);
  const owned = await ownership(base, project, root, stack.name, reference);
  if (owned === "new") return;
  if (typeof owned !== "string") throw new DerivedRefused(owned.problem);
  // A CI runner's checkout has no stack file of an environment an earlier run made: the engine still wants the
  // project's required keys before a destroy, so the stack gets them from the base first.
  let own: Record<string, string> = {};
  try {
    own = readStack(root, stack.name, project).config;
  } catch {
    // No stack file here (or an unreadable one): configured again below.
  }
  if (own[`${project}:recipe`] === undefined)
    await configure(
      base,
      project,
      stack,
      reference,
      own[`${project}:${DERIVATION_KEYS.hostPrefix}`] ?? "removed",
      keys,
      {
        [`${project}:recipe`]: { value: (await base.stack.getConfig(`${project}:recipe`)).value },
      },
    );
  // On k3s, destroy deletes the scratch namespace and its claims itself (the derived target's `scratch`).
  await stack.destroy({ onEvent, color: "never" });
  const outputs = await base.stack.outputs();
  if ((outputs.edge?.value as { orchestrator?: string } | undefined)?.orchestrator !== "k3s")
    await removeVolumes(outputs, prefixOf(project, stack.name), stack.name, say);
  await base.workspace.removeStack(stack.name);
  fs.rmSync(path.join(root, stackFile(stack.name)), { force: true });
};

/**
 * The model of a stack other stacks can derive from, or why it cannot be one: its stack file and recipe load
 * with every key set, it is not itself derived, it runs on one of `orchestrators`, and it has a Traefik of its
 * own to route them (`command` names who asks).
 */
export const derivableBase = (
  root: string,
  stack: string,
  command: string,
  orchestrators: readonly ("swarm" | "k3s")[] = ["swarm", "k3s"],
): { model: Model; recipe: Recipe; file: string } | { problem: string } => {
  let checked;
  try {
    checked = checkStack(root, stack);
  } catch (e) {
    if (e instanceof RecipeError) return { problem: e.problems.map(formatProblem).join("\n") };
    throw e;
  }
  if (checked.read.config[`${checked.read.project}:${DERIVATION_KEYS.edgeStack}`] !== undefined)
    return {
      problem:
        `${checked.read.file}: stack ${stack} is itself derived from another stack ` +
        `(edgeStack): ${command} runs on a stack with its own nodes and Traefik`,
    };
  const { model, problems } = resolveModel(checked.loaded, stackValuesOf(checked.read), checked.recipeFile, {
    missingSecrets: "error",
    unknownKeys: "warning",
  });
  if (!model) return { problem: problems.map(formatProblem).join("\n") };
  const file = checked.recipeFile;
  if (!orchestrators.includes(model.orchestrator.kind))
    return {
      problem:
        `${file}: orchestrator ${model.orchestrator.kind}: ${command} runs on ` +
        `${orchestrators.map((o) => (o === "swarm" ? "Swarm" : "k3s")).join(" and ")} stacks only for now`,
    };
  if (!model.edge?.traefik)
    return {
      problem:
        `${file}: no edge.traefik: ${command} routes through ` +
        `stack ${stack}'s own Traefik, and its recipe has none`,
    };
  return { model, recipe: checked.loaded.recipe, file };
};
