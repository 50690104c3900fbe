import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { baseImage } from "../../components/images";
import { localKubeconfigPath } from "../../components/k3s/local";
import { dockerSite, DockerFailed, type Engine } from "../backup/docker";
import { findKubectl, kubeSite, KubectlFailed } from "../backup/kube";
import { ArchiveRefused } from "../backup/manifest";
import { stackImageRegistry, stackOrchestrator } from "../backup/orchestrator";
import { placeOf, prefixOf, Refused, type Place } from "../backup/stack";
import { loadRecipe, RecipeError } from "../load";
import { escapeControls, escapeLines } from "../load/text";
import { findProject, ProjectError, projectRootOrHere } from "../project";
import { PACKAGE_ROOT } from "../root";
import { listStacks, validateStackName } from "../stack/name";
import { readStack } from "../stack/read";
import { sshKeySecret } from "../stack/ssh-agent";
import { openStack } from "../stack/workspace";

/** What backup and restore share: the stack, where its volumes are, and the helper image. */
export const ENGINE_OPTIONS = {
  stack: { type: "string" },
  host: { type: "string" },
  manager: { type: "string" },
  kubeconfig: { type: "string" },
  "helper-image": { type: "string" },
} as const;

/**
 * The helper runs GNU tar, coreutils and findutils: recette's base image, from the stack's registry
 * when it has one (scripts/build-images --push puts it there), else this machine's own tag.
 */
export const defaultHelperImage = (stack: string, root = projectRootOrHere()): string =>
  baseImage({ registry: stackImageRegistry(root, stack) ?? "local" });

export const recetteVersion = (): string =>
  (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;

/**
 * The kubeconfig of a k3s stack: --kubeconfig, else the local cluster's (nodes.provider: local: $KUBECONFIG
 * or scripts/ensure-kubernetes's), else $KUBECONFIG, else the stack's `kubeconfig` output (a secret,
 * written to a 0600 file removed when the command exits).
 */
const stackKubeconfig = (
  stack: string,
  given: string | undefined,
  localNodes: boolean,
): string | { message: string } => {
  if (given) return given;
  if (localNodes) return localKubeconfigPath({});
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  const args = ["stack", "output", "kubeconfig", "--show-secrets", "--stack", stack, "--non-interactive"];
  const out = spawnSync("pulumi", args, { cwd: projectRootOrHere(), encoding: "utf8" });
  if (out.status !== 0 || !out.stdout.trim()) {
    return {
      message:
        `no kubeconfig for stack ${stack}: pass --kubeconfig <file> or set KUBECONFIG (pulumi stack output ` +
        `kubeconfig said: ${escapeControls((out.stderr || out.stdout || "nothing").trim().split("\n").pop()!)})`,
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-kubeconfig-"));
  const file = path.join(dir, "kubeconfig");
  fs.writeFileSync(file, out.stdout, { mode: 0o600 });
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return file;
};

/** The place a command acts on, or the message to print (usage problems exit 2, refusals 1). */
export const resolvePlace = (
  command: string,
  v: { stack?: string; host?: string; manager?: string; kubeconfig?: string },
): { place: Place } | { code: number; message: string } => {
  if (!v.stack) return { code: 2, message: "" };
  let project;
  try {
    project = findProject();
  } catch (e) {
    if (e instanceof ProjectError) return { code: 2, message: `recette ${command}: ${e.message}` };
    throw e;
  }
  const bad = validateStackName(v.stack);
  if (bad) {
    const here = listStacks(project.root).join(", ");
    return { code: 2, message: `recette ${command}: --stack ${bad} (stacks here: ${here})` };
  }
  let orchestrator;
  try {
    orchestrator = stackOrchestrator(project.root, v.stack);
  } catch (e) {
    // An unreadable stack file or recipe is reported: guessing Swarm would act on the wrong cluster.
    if (e instanceof RecipeError) return { code: 1, message: `recette ${command}: ${e.message}` };
    throw e;
  }
  if (orchestrator?.kind === "k3s") {
    if (v.host || v.manager)
      return {
        code: 2,
        message:
          `recette ${command}: stack ${v.stack} runs on k3s: its claims are ` +
          "reached through the cluster (--kubeconfig), not --host or --manager",
      };
    const kubeconfig = stackKubeconfig(v.stack, v.kubeconfig, orchestrator.localNodes);
    if (typeof kubeconfig !== "string") return { code: 1, message: `recette ${command}: ${kubeconfig.message}` };
    const namespace = prefixOf(project.name, v.stack);
    const site = kubeSite({ kubectl: findKubectl(PACKAGE_ROOT), kubeconfig, namespace });
    return { place: placeOf(project.name, v.stack, site, () => "(is --kubeconfig the stack's cluster?)") };
  }
  if (v.kubeconfig)
    return {
      code: 2,
      message: `recette ${command}: --kubeconfig is for k3s stacks; stack ${v.stack} runs on Swarm (--host, --manager)`,
    };
  const engine: Engine = v.host ? { host: v.host } : {};
  const manager: Engine = v.manager ? { host: v.manager } : engine;
  return {
    place: placeOf(
      project.name,
      v.stack,
      dockerSite(engine, manager),
      (w) =>
        `On a multi-node Swarm point --host at the node that runs ${w} (ssh://user@node), ` +
        `or leave ${w} out with --workload`,
    ),
  };
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
  /** Why the archive cannot be used, checked before the stack's place is looked up (restore). */
  refuseFile?: (file: string) => string | undefined,
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
  const engine = values as { stack?: string; host?: string; manager?: string; kubeconfig?: string };
  // After the usage checks (a bad stack name is exit 2), before looking for the stack's volumes.
  const stackOk = engine.stack !== undefined && !validateStackName(engine.stack);
  const refused = stackOk && parsed.positionals.length === 1 ? refuseFile?.(parsed.positionals[0]!) : undefined;
  if (refused) {
    io.err(`recette ${command}: ${refused}`);
    return 1;
  }
  const where = resolvePlace(command, engine);
  if ("code" in where || parsed.positionals.length !== 1) {
    io.err(("message" in where && where.message) || `usage: ${usage}`);
    return "code" in where ? where.code : 2;
  }
  const image = (values as { "helper-image"?: string })["helper-image"] ?? defaultHelperImage(where.place.stack);
  return { values, place: where.place, file: parsed.positionals[0]!, image };
};

/**
 * backup and restore reach Swarm nodes through the docker CLI's ssh (`--host`/`--manager ssh://…`). A stack
 * that holds its own SSH key (the recipe's `nodes.ssh.privateKey` secret, set in its stack file) gets it in
 * an ssh-agent for the command, as `recette up` does, so no agent has to be started by hand; an agent the
 * caller already runs, or ssh's own key files, are used otherwise.
 */
export const withStackKey = async <T>(
  stack: string,
  hosts: (string | undefined)[],
  log: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> => {
  if (process.env.SSH_AUTH_SOCK || !hosts.some((h) => h?.startsWith("ssh://"))) return fn();
  const root = projectRootOrHere();
  // backup and restore need no stack file (the stack's name finds its volumes): without a readable one,
  // or with a recipe that does not load, there is no key to load, and ssh goes on as configured.
  let read: ReturnType<typeof readStack>;
  let secret: string | undefined;
  try {
    read = readStack(root, stack);
    const recipeFile = read.config[`${read.project}:recipe`];
    secret = recipeFile ? sshKeySecret(loadRecipe(path.resolve(root, recipeFile)).recipe) : undefined;
  } catch {
    return fn();
  }
  if (!secret || !read.secure.includes(`${read.project}:${secret}`)) return fn();
  const session = await openStack({ root, stack, agent: true, progress: log });
  process.env.SSH_AUTH_SOCK = session.env.SSH_AUTH_SOCK;
  try {
    return await fn();
  } finally {
    session.close();
    delete process.env.SSH_AUTH_SOCK;
  }
};

/** Refusals and Docker failures exit 1 with their message; anything else is a bug and is thrown. */
export const reportFailure = (command: string, e: unknown, err: (s: string) => void): number => {
  // System errors (EACCES, ENOSPC on the output file…) are the machine's answer, not a bug: exit 1 with it.
  const system = e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string";
  if (
    e instanceof Refused ||
    e instanceof ArchiveRefused ||
    e instanceof DockerFailed ||
    e instanceof KubectlFailed ||
    system
  ) {
    err(`recette ${command}: ${escapeLines(e.message)}`);
    return 1;
  }
  throw e;
};

export const size = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
