import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatProblem, parseRecipe, RecipeError } from "../engine/load";

export const ROOT = path.resolve(__dirname, "..");
export const recipePath = (name: string) => path.join(ROOT, "recipes", name);
export const readRecipe = (name: string) => fs.readFileSync(recipePath(name), "utf8");

/** The messages a recipe text produces (errors and warnings), formatted as the CLI prints them. */
export const problemsOf = (text: string, file = "recipes/x.yaml"): string[] => {
  try {
    return parseRecipe(text, file).warnings.map(formatProblem);
  } catch (e) {
    if (e instanceof RecipeError) return e.problems.map(formatProblem);
    throw e;
  }
};

/** Writes a recipe to a temporary file and returns its path. */
export const tempRecipe = (text: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-test-"));
  const file = path.join(dir, "recipe.yaml");
  fs.writeFileSync(file, text);
  return file;
};

export const LOCAL_MINIMAL = `name: t
nodes: { provider: local, memory: 2Gi }
orchestrator: { kind: swarm, routingMesh: fallback }
`;

export const SCALEWAY_MINIMAL = `name: t
nodes:
  provider: scaleway
  ssh: { publicKey: { config: sshPublicKey } }
orchestrator: { kind: swarm }
`;

/** A project folder of its own holding the local recipe and the stack file `stack` with `extra` config lines. */
export const localProject = (stack: string, extra: string, recipe = "local.yaml"): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-project-"));
  fs.mkdirSync(path.join(dir, "recipes"));
  fs.mkdirSync(path.join(dir, "stacks"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.copyFileSync(path.join(ROOT, "recipes", recipe), path.join(dir, "recipes", recipe));
  fs.writeFileSync(
    path.join(dir, "stacks", `Pulumi.${stack}.yaml`),
    `config:\n  recette:recipe: recipes/${recipe}\n  recette:imageRegistry: local\n${extra}`,
  );
  return dir;
};
