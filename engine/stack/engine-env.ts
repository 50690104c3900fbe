import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Where the Pulumi engine scripts/ensure-pulumi prepares lives, and the environment every engine run
 * gets: the same as `source scripts/pulumi-env.sh`, so `recette up` and a hand-run `pulumi up` share
 * the cached engine, its plugins and the state of the local file backend.
 */
export interface EnginePaths {
  /** The Pulumi CLI's version: the one @pulumi/pulumi in node_modules expects. */
  version: string;
  /** `PulumiCommand.get({ root })` looks for `<root>/bin/pulumi`. */
  root: string;
  bin: string;
  pulumiHome: string;
  /** The local file backend's directory (.recette/state under the project). */
  state: string;
}

/** The passphrase of stacks on the local file backend, as scripts/pulumi-env.sh sets it. */
export const LOCAL_PASSPHRASE = "recette-local-only";

/** The engine's paths for a project (`root`) and the SDK version, under $RECETTE_CACHE or ~/.cache/recette. */
/**
 * Where recette's scripts cache what they build: RECETTE_CACHE, else ~/.cache/recette (as scripts/ensure-pulumi says).
 */
export const cacheDir = (env: NodeJS.ProcessEnv = process.env): string =>
  env.RECETTE_CACHE || path.join(env.HOME || os.homedir(), ".cache", "recette");

export const enginePaths = (root: string, version: string, env: NodeJS.ProcessEnv = process.env): EnginePaths => {
  const cache = cacheDir(env);
  const engineRoot = path.join(cache, "pulumi", version);
  return {
    version,
    root: engineRoot,
    bin: path.join(engineRoot, "bin"),
    pulumiHome: path.join(cache, "pulumi-home"),
    state: path.join(root, ".recette", "state"),
  };
};

/**
 * The command that installs a project's packages: `npm ci` installs exactly what package-lock.json holds and
 * fails without one, as in a project `recette init` just made, where `npm install` writes it.
 */
export const npmInstallCommand = (root: string): string =>
  fs.existsSync(path.join(root, "package-lock.json")) ? "npm ci" : "npm install";

/** The version of @pulumi/pulumi the project resolves (the engine must match it). */
export const sdkVersion = (root: string): string => {
  const file = path.join(root, "node_modules", "@pulumi", "pulumi", "package.json");
  const fix = `fix: run ${npmInstallCommand(root)} in ${root}`;
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (${fix})`);
  const version: unknown = JSON.parse(fs.readFileSync(file, "utf8")).version;
  if (typeof version !== "string") throw new Error(`${file}: no "version" field (${fix})`);
  return version;
};

/** Is the engine built (the CLI and the Node.js language host)? */
export const isEngineCached = (p: EnginePaths): boolean =>
  ["pulumi", "pulumi-language-nodejs"].every((b) => fs.existsSync(path.join(p.bin, b)));

/**
 * The variables an engine run gets, on top of the caller's environment: the cached engine first on
 * PATH (the CLI starts its language host and plugins from PATH), no update checks, no plugin
 * downloads (the cache has them), the local file backend unless the user chose a backend, and the
 * local passphrase only on that local backend when the user set none (pulumi-env.sh does the same).
 */
export const engineEnv = (p: EnginePaths, env: NodeJS.ProcessEnv = process.env): Record<string, string> => {
  const vars: Record<string, string> = {
    PATH: [p.bin, env.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_HOME: p.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  if (!env.PULUMI_BACKEND_URL) {
    vars.PULUMI_BACKEND_URL = `file://${p.state}`;
    if (env.PULUMI_CONFIG_PASSPHRASE === undefined && !env.PULUMI_CONFIG_PASSPHRASE_FILE)
      vars.PULUMI_CONFIG_PASSPHRASE = LOCAL_PASSPHRASE;
  }
  return vars;
};

/** scripts/ensure-pulumi's flags for the providers a recipe needs beyond the local stack's. */
export const ensurePulumiArgs = (recipe: { orchestrator: { kind: string }; nodes: { provider: string } }): string[] =>
  recipe.nodes.provider === "scaleway"
    ? ["--all-providers"]
    : recipe.orchestrator.kind === "k3s"
      ? ["--kubernetes"]
      : [];
