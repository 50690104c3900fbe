import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { listStacks, PROJECT } from "../stack/name";
import { readStack } from "../stack/read";

export { listStacks };
import { collectRefs } from "../compose";
import { loadRecipe } from "../load";
import { ROOT, runProgram } from "../program";
import { renderArtifacts, type Artifact } from "./artifacts";
import { installRecorder, SECRET, type Registration } from "./mocks";

export { PROJECT };

export interface RenderOptions {
  /** Repository root (stacks/ and recipes/ live there). */
  root: string;
  stack: string;
  /** Recipe file; defaults to the stack's `recette:recipe`. */
  recipe?: string;
}

export interface Rendered {
  registrations: Registration[];
  artifacts: Artifact[];
  outputs: Record<string, unknown>;
}

/** The stack's config as Pulumi would read it; `secure:` values become "[secret]" (render never decrypts). */
export const readStackConfig = (root: string, stack: string): { config: Record<string, string>; secretKeys: string[] } => {
  const { config, secure } = readStack(root, stack);
  return { config: { ...config }, secretKeys: [...secure] };
};

/**
 * Runs the real Pulumi program under mocks and returns what it declares. Secrets the stack would
 * hold encrypted are given a placeholder, marked secret, so they show as "[secret]" everywhere.
 */
export const renderStack = async (opts: RenderOptions): Promise<Rendered> => {
  const { config, secretKeys } = readStackConfig(opts.root, opts.stack);
  if (opts.recipe) {
    // The program resolves relative recipe paths against the repository (engine/program.ts).
    const abs = path.resolve(opts.recipe);
    const rel = path.relative(ROOT, abs);
    config[`${PROJECT}:recipe`] = rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
  }
  const recipeFile = config[`${PROJECT}:recipe`];
  if (!recipeFile) throw new Error(`stack ${opts.stack} names no recipe (set recette:recipe in stacks/Pulumi.${opts.stack}.yaml or pass a recipe)`);
  const { recipe } = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(ROOT, recipeFile));
  for (const ref of collectRefs(recipe).filter((r) => r.kind === "secret")) {
    const full = `${PROJECT}:${ref.key}`;
    if (!(full in config)) {
      config[full] = SECRET;
      secretKeys.push(full);
    }
  }
  const recorder = installRecorder(PROJECT, opts.stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const outputs = runProgram();
  const resolved = await new Promise<Record<string, unknown>>((resolve) => pulumi.output(outputs).apply((o) => resolve(o as Record<string, unknown>)));
  await recorder.settle();
  return { registrations: recorder.registrations, artifacts: renderArtifacts(recorder.registrations), outputs: resolved };
};
