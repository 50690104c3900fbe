import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkRefs, collectRefs, configResolver, Environment, type StackOutputs } from "./compose";
import { formatProblem, loadRecipe, RecipeError } from "./load";
import { ROOT } from "./root";

export { ROOT };

/**
 * The Pulumi program: read the stack's config, load and validate the recipe, compose the environment.
 * `pulumi up`, `recette render` and the unit tests all run this function.
 */
export const runProgram = (): StackOutputs => {
  const config = new pulumi.Config();
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const recipeFile = config.require("recipe");
  let loaded;
  try {
    loaded = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(ROOT, recipeFile));
  } catch (e) {
    if (e instanceof RecipeError) throw new pulumi.RunError(`invalid recipe:\n${e.message}`);
    throw e;
  }
  const file = path.relative(ROOT, loaded.file) || loaded.file;
  for (const w of loaded.warnings) pulumi.log.warn(formatProblem({ ...w, file }));
  const { recipe } = loaded;
  const missing = checkRefs(collectRefs(recipe), (key) => pulumi.runtime.getConfig(`${project}:${key}`) !== undefined, file, stack, loaded.at);
  if (missing.length > 0) throw new pulumi.RunError(`the stack's configuration is incomplete:\n${missing.map(formatProblem).join("\n")}`);
  const imageRegistry = config.get("imageRegistry") ?? (recipe.nodes.provider === "local" ? "local" : undefined);
  if (!imageRegistry) {
    throw new pulumi.RunError(
      `${file}: nodes.provider ${recipe.nodes.provider} pulls recette's images from a registry: build them with scripts/build-images, push them, and run: pulumi config set imageRegistry <registry> -s ${stack}`,
    );
  }
  const env = new Environment(recipe.name, {
    recipe,
    context: {
      naming: { project, stack, recipe: recipe.name },
      recipeFile: file,
      isProd: stack === "prod",
      resolve: configResolver(config),
      imageRegistry,
    },
  });
  return env.outputs;
};
