import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { versions } from "../../components/images";
import { loadRecipe, RecipeError } from "../load";
import type { Recipe } from "../schema";
import { PACKAGE_ROOT } from "../root";
import { missingStackFile, stackFile } from "../stack/name";
import { readStack } from "./read";
import { dockerApiPin } from "./docker-api";
import { cacheDir, engineEnv, enginePaths, ensurePulumiArgs, isEngineCached, sdkVersion } from "./engine-env";
import { runScript } from "./prepare";
import { sshKeySecret, startAgent, type Agent } from "./ssh-agent";
import { StackError } from "./stack-error";

/** A stack opened through Pulumi's Automation API, with what its engine runs need; close() after. */
export interface StackSession {
  name: string;
  stack: Stack;
  workspace: LocalWorkspace;
  /** The recipe the stack names, when it loads (the engine run reports its problems otherwise). */
  recipe: Recipe | undefined;
  /** sha256 of that recipe's text (what recette history records and a rollback pin is tied to). */
  recipeSha256: string | undefined;
  /** The environment the engine runs get (for the docker and kubectl commands status and logs run). */
  env: Record<string, string>;
  close: () => void;
}

export { StackError };

export interface OpenOptions {
  root: string;
  stack: string;
  /** `up` creates a stack that does not exist yet; the other commands refuse it. */
  create?: boolean;
  /** The ssh-agent is only needed by runs that reach the Docker engine (up, refresh, destroy, status, logs). */
  agent?: boolean;
  progress: (line: string) => void;
  /** `config set` may name a stack whose file does not exist yet: the engine writes it. */
  newFile?: boolean;
  /** `up`: prepare what a stack on this machine runs on first (prepareLocal). */
  prepare?: boolean;
}

/** What openStack needs from the stack file: its recipe (when it loads) and its imageRegistry. */
interface StackFacts {
  recipe: Recipe | undefined;
  recipeSha256?: string;
  imageRegistry: string | undefined;
}

/**
 * Reads the stack file once, and the recipe it names. Either may be unreadable here: the engine run
 * then reports why, with the file and line, so undefined is enough.
 */
const stackFacts = (root: string, stack: string): StackFacts => {
  let read: ReturnType<typeof readStack>;
  try {
    read = readStack(root, stack);
  } catch (e) {
    if (e instanceof RecipeError) return { recipe: undefined, imageRegistry: undefined };
    throw e;
  }
  const imageRegistry = read.config[`${read.project}:imageRegistry`];
  const file = read.config[`${read.project}:recipe`];
  if (file === undefined) return { recipe: undefined, imageRegistry };
  try {
    const loaded = loadRecipe(path.resolve(root, file));
    return { recipe: loaded.recipe, recipeSha256: loaded.sha256, imageRegistry };
  } catch (e) {
    if (e instanceof RecipeError) return { recipe: undefined, imageRegistry };
    throw e;
  }
};

/**
 * `--pluxml <versions>` when the recipe asks for PluXml releases other than the pinned one (build-images builds those).
 */
export const pluxmlReleases = (recipe: Recipe): string[] => {
  const blogs = recipe.apps.flatMap((a) => (a.pluxml ? [a.pluxml.version ?? versions().PLUXML_VERSION!] : []));
  return blogs.some((v) => v !== versions().PLUXML_VERSION) ? ["--pluxml", [...new Set(blogs)].join(",")] : [];
};

/**
 * What a stack on this machine's own engine runs on, prepared before `up` (each step cached, seconds when
 * warm): the Docker engine (scripts/ensure-docker), recette's images when the stack uses the local ones
 * (scripts/build-images), and for a k3s recipe the one-node Kubernetes cluster (scripts/ensure-kubernetes).
 * `pin` is the Docker API version the engine's client must speak (read after ensure-docker started it).
 */
const prepareLocal = async (
  root: string,
  facts: StackFacts,
  pin: () => Promise<Record<string, string>>,
  progress: (l: string) => void,
) => {
  const { recipe } = facts;
  if (recipe?.nodes.provider !== "local") return;
  const step = async (script: string, args: string[] = [], env: Record<string, string> = {}) => {
    const code = await runScript(root, script, args, progress, env);
    if (code !== 0) throw new StackError(`scripts/${script} ${args.join(" ")} failed (exit ${code}); its log is above`);
  };
  await step("ensure-docker");
  if (facts.imageRegistry === "local") await step("build-images", pluxmlReleases(recipe), await pin());
  if (recipe.orchestrator.kind === "k3s") await step("ensure-kubernetes", [], await pin());
};

/** The engine scripts/ensure-pulumi builds, built first when it is not cached yet. */
const ensureEngine = async (root: string, recipe: Recipe | undefined, progress: (line: string) => void) => {
  const paths = enginePaths(root, sdkVersion(root));
  const extra = recipe ? ensurePulumiArgs(recipe) : [];
  if (!isEngineCached(paths) || extra.length > 0) {
    if (!isEngineCached(paths))
      progress(`the Pulumi engine ${paths.version} is not built yet: building it (cached in ${paths.root})`);
    const code = await runScript(root, "ensure-pulumi", extra, progress);
    if (code !== 0)
      throw new StackError(`scripts/ensure-pulumi ${extra.join(" ")} failed (exit ${code}); its log is above`);
  }
  return paths;
};

/** Where scripts/ensure-kubernetes keeps the kubectl it built, for the version its pins name. */
const localKubectlDir = (): string | undefined => {
  const pins = fs.readFileSync(path.join(PACKAGE_ROOT, "scripts", "kubernetes", "versions.env"), "utf8");
  const version = /^K8S_VERSION=(\S+)$/m.exec(pins)?.[1];
  const dir = version ? path.join(cacheDir(), "kubernetes", `kubernetes-${version}`) : undefined;
  return dir && fs.existsSync(path.join(dir, "kubectl")) ? dir : undefined;
};

/**
 * The local k3s cluster's kubeconfig (scripts/ensure-kubernetes) and the kubectl built with it first on
 * PATH (status and logs run kubectl), when the recipe deploys onto it.
 */
const localKubernetes = (root: string, recipe: Recipe | undefined, PATH: string): Record<string, string> => {
  if (recipe?.orchestrator.kind !== "k3s" || recipe.nodes.provider !== "local") return {};
  const kubectl = localKubectlDir();
  const env: Record<string, string> = kubectl ? { PATH: `${kubectl}${path.delimiter}${PATH}` } : {};
  if (process.env.KUBECONFIG) return env;
  const r = spawnSync("bash", [path.join(PACKAGE_ROOT, "scripts", "ensure-kubernetes"), "--kubeconfig"], {
    cwd: root,
    encoding: "utf8",
  });
  const file = (r.stdout ?? "").trim();
  return r.status === 0 && file ? { ...env, KUBECONFIG: file } : env;
};

export const openStack = async (o: OpenOptions): Promise<StackSession> => {
  const hasFile = fs.existsSync(path.join(o.root, stackFile(o.stack)));
  if (!hasFile && !o.newFile) throw new StackError(`${stackFile(o.stack)}: ${missingStackFile(o.root, o.stack)}`);
  // Loaded on use: the Automation API is heavy, and `recette --help` lists the commands that use it.
  // require, not import(): bin/recette runs the bundle through vm.Script (its code cache), where Node 20
  // has no dynamic import.
  const { LocalWorkspace, PulumiCommand, Stack } =
    require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const facts = hasFile ? stackFacts(o.root, o.stack) : { recipe: undefined, imageRegistry: undefined };
  const { recipe, recipeSha256 } = facts;
  // Asked once per command: after prepareLocal has started the engine, or at first use.
  let pinned: Promise<Record<string, string>> | undefined;
  const pin = () => (pinned ??= dockerApiPin());
  if (o.prepare) await prepareLocal(o.root, facts, pin, o.progress);
  const paths = await ensureEngine(o.root, recipe, o.progress);
  fs.mkdirSync(paths.state, { recursive: true });
  const engine = engineEnv(paths);
  const env = { ...engine, ...(await pin()), ...localKubernetes(o.root, recipe, engine.PATH ?? "") };
  // The engine is built from source at the SDK's exact version (scripts/ensure-pulumi); its version
  // string is ours to trust, and skipping the check spares one `pulumi version` per command.
  const pulumiCommand = await PulumiCommand.get({ root: paths.root, skipVersionCheck: true });
  const workspace = await LocalWorkspace.create({
    workDir: o.root,
    pulumiHome: paths.pulumiHome,
    pulumiCommand,
    envVars: env,
  });
  let stack: Stack;
  try {
    stack = o.create ? await Stack.createOrSelect(o.stack, workspace) : await Stack.select(o.stack, workspace);
  } catch (e) {
    if (!o.create && /no stack named|not found/i.test(String((e as Error).message)))
      throw new StackError(`stack ${o.stack} has never been deployed on this backend (fix: recette up -s ${o.stack})`);
    throw e;
  }
  let agent: Agent | undefined;
  const secret = o.agent && recipe ? sshKeySecret(recipe) : undefined;
  if (secret) {
    const project = (await workspace.projectSettings()).name;
    const key = await stack.getConfig(`${project}:${secret}`).catch(() => undefined);
    // Without the key in the stack, an agent the caller started (CI loads the key into one) is used.
    if (!key?.value && process.env.SSH_AUTH_SOCK)
      return { name: o.stack, stack, workspace, env, recipe, recipeSha256, close: () => undefined };
    if (!key?.value)
      throw new StackError(
        `${stackFile(o.stack)}: no ${secret} (the SSH key the Docker provider uses; ` +
          `fix: recette config set --secret ${secret} -s ${o.stack} < your-key-file)`,
      );
    agent = startAgent(key.value, `the SSH key ${secret} of stack ${o.stack}`);
    env.SSH_AUTH_SOCK = agent.socket;
    workspace.envVars.SSH_AUTH_SOCK = agent.socket;
  }
  return { name: o.stack, stack, workspace, env, recipe, recipeSha256, close: () => agent?.stop() };
};
