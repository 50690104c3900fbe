import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { configResolver, Environment, type StackOutputs } from "./compose";
import { parseRollbackPin, ROLLBACK_KEY } from "./compose/pins";
import { formatProblem, loadRecipe, RecipeError } from "./load";
import { resolveModel, type Model, type StackValues } from "./model";
import { DERIVATION_KEYS, deriveModel, edgeStackProblem } from "./model/derive";
import { findProjectRoot, validateProjectName } from "./project";
import { stackFile, stackShortName, validateStackName } from "./stack/name";
import { formatSettingProblem, stackSettings } from "./stack/settings";

// The SDK knows which keys the stack holds encrypted; it only exports this from its runtime module.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
  isConfigSecret(key: string): boolean;
  allConfig(): Record<string, string>;
};

/** The stack's configuration as the engine (or render's mocks) hands it to the program. */
export const engineStackValues = (project: string, stack: string): StackValues => ({
  project,
  stack,
  file: stackFile(stack),
  get: (key) => pulumi.runtime.getConfig(`${project}:${key}`),
  isSecret: (key) => runtimeConfig.isConfigSecret(`${project}:${key}`),
  keys: () =>
    Object.keys(runtimeConfig.allConfig()).flatMap((k) =>
      k.startsWith(`${project}:`) ? [k.slice(project.length + 1)] : [],
    ),
});

/**
 * The images `recette rollback` pinned, while the recipe is the one it was made for; a pin made for
 * another recipe text is lifted (a warning says so and how to remove it). A malformed pin stops the run.
 */
const rollbackPins = (text: string | undefined, recipeSha256: string, stack: string): Record<string, string> => {
  if (text === undefined) return {};
  const { pin, problems } = parseRollbackPin(text);
  if (!pin)
    throw new pulumi.RunError(
      `${stackFile(stack)} ${ROLLBACK_KEY}: ${problems.join("; ")} (fix: recette ` +
        `config rm ${ROLLBACK_KEY} -s ${stack}, then recette rollback -s ${stack})`,
    );
  const shown = Object.entries(pin.images)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  if (pin.recipe !== recipeSha256) {
    pulumi.log.warn(
      `${stackFile(stack)} ${ROLLBACK_KEY}: the images of update ${pin.update} ` +
        `(${shown}) were pinned for an earlier recipe; the recipe changed since, so they ` +
        `no longer apply (remove the key: recette config rm ${ROLLBACK_KEY} -s ${stack})`,
    );
    return {};
  }
  // A warning, not info: whoever runs up or preview must see that the recipe's images are not the ones deployed.
  pulumi.log.warn(
    `images pinned by recette rollback to update ${pin.update}: ${shown} (lifted ` +
      `when the recipe changes, or by recette config rm ${ROLLBACK_KEY} -s ${stack})`,
  );
  return pin.images;
};

/**
 * A derived stack's model (stack keys edgeStack and hostPrefix, set together: `recette drill` sets them on
 * its scratch stack), or the stack's own. Refused, naming the stack file and key: one key without the
 * other, a stack name that is not fully qualified, a prefix that is not a DNS label, a production stack.
 */
const derivation = (
  model: Model,
  stack: string,
  production: boolean,
  get: (key: string) => string | undefined,
): { model: Model; edgeStack?: string } => {
  const edgeStack = get(DERIVATION_KEYS.edgeStack);
  const hostPrefix = get(DERIVATION_KEYS.hostPrefix);
  if (edgeStack === undefined && hostPrefix === undefined) return { model };
  const file = stackFile(stack);
  const fail = (key: string, why: string, fix: string): never => {
    throw new pulumi.RunError(`${file} ${key}: ${why} (fix: ${fix})`);
  };
  if (edgeStack === undefined)
    return fail(
      "edgeStack",
      "hostPrefix is set without it",
      `recette config set edgeStack <org/project/stack> -s ${stack}`,
    );
  if (hostPrefix === undefined)
    return fail("hostPrefix", "edgeStack is set without it", `recette config set hostPrefix <label> -s ${stack}`);
  const badStack = edgeStackProblem(edgeStack);
  if (badStack) return fail("edgeStack", badStack, `recette config set edgeStack <org/project/stack> -s ${stack}`);
  if (production)
    return fail(
      "edgeStack",
      "a production stack cannot run on another stack's edge",
      `recette config rm edgeStack -s ${stack}, or unset recette:production`,
    );
  const derived = deriveModel(model, hostPrefix);
  if ("problems" in derived)
    return fail("hostPrefix", derived.problems.join("; "), `recette config set hostPrefix <label> -s ${stack}`);
  return { model: derived.model, edgeStack };
};

/** The project folder the program runs for: where Pulumi.yaml is (recipes and stacks resolve against it). */
// The engine starts the program in the project's folder; the SDK's getRootDirectory() is not relied on
// (under this engine it answered the literal "rootDirectory").
const programRoot = (): string => findProjectRoot() ?? process.cwd();

/**
 * The Pulumi program: read the stack's config, load and validate the recipe, resolve its stack values,
 * compose the environment. `pulumi up`, `recette render` and the unit tests all run this function; a
 * project's program is `module.exports = require("recette").runProgram();` (recette init writes it).
 * `root` is the project's folder (render passes it; under Pulumi, the folder of Pulumi.yaml).
 */
export const runProgram = (opts: { root?: string } = {}): StackOutputs => {
  const root = opts.root ?? programRoot();
  const config = new pulumi.Config();
  const project = pulumi.getProject();
  const badProject = validateProjectName(project);
  if (badProject) throw new pulumi.RunError(`Pulumi.yaml name: ${badProject}`);
  const stack = pulumi.getStack();
  const badStack = validateStackName(stack);
  if (badStack)
    throw new pulumi.RunError(`stack ${badStack}; create a stack with such a name (pulumi stack init <name>)`);
  const recipeFile = config.require("recipe");
  let loaded;
  try {
    loaded = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(root, recipeFile));
  } catch (e) {
    if (e instanceof RecipeError) throw new pulumi.RunError(`invalid recipe:\n${e.message}`);
    throw e;
  }
  const file = path.relative(root, loaded.file) || loaded.file;
  // Every secret must be set before anything is created; a key nothing reads is only a warning here (scripts
  // and tests set keys for recipes other than this one), while render and validate refuse it.
  const { model, problems, warnings } = resolveModel(loaded, engineStackValues(project, stack), file, {
    missingSecrets: "error",
    unknownKeys: "warning",
  });
  for (const w of warnings) pulumi.log.warn(formatProblem(w));
  // The same check as `recette validate -s` and the stack check before render, reported with the model's.
  const checked = stackSettings(project, stack, loaded.model.nodes.provider, (key) => pulumi.runtime.getConfig(key));
  const settingProblems = (checked.problems ?? []).map((p) => formatSettingProblem(p, stack, file));
  if (!model || checked.problems !== undefined)
    throw new pulumi.RunError(
      "the stack's configuration does not fit the " +
        `recipe:\n${[...problems.map(formatProblem), ...settingProblems].join("\n")}`,
    );
  const { production, imageRegistry } = checked.settings;
  const pins = rollbackPins(config.get(ROLLBACK_KEY), loaded.sha256, stack);
  const derived = derivation(model, stack, production, (key) => config.get(key));
  const env = new Environment(model.name, {
    model: derived.model,
    context: {
      ...(derived.edgeStack !== undefined ? { edgeStack: derived.edgeStack } : {}),
      ...(derived.edgeStack !== undefined && config.get("preview") !== undefined
        ? { preview: config.get("preview")! }
        : {}),
      naming: { project, stack: stackShortName(stack), recipe: model.name },
      recipeFile: file,
      isProd: production,
      resolve: configResolver(config),
      imageRegistry,
      pins,
    },
  });
  return env.outputs;
};
