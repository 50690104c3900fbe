import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { collectRefs } from "../compose";
import type { Problem } from "../load";
import { runProgram } from "../program";
import { checkStack } from "../stack/check";
import { listStacks } from "../stack/name";
import { readStack } from "../stack/read";
import { renderArtifacts, type Artifact } from "./artifacts";
import { installRecorder, SECRET, type Registration } from "./mocks";

export { checkStack, stackValuesOf } from "../stack/check";
export { listStacks };

export interface RenderOptions {
  /** The project's folder (its Pulumi.yaml names the project; stacks/ and recipes/ live there). */
  root: string;
  stack: string;
  /** Recipe file; defaults to the stack's `recette:recipe`. */
  recipe?: string;
}

export interface Rendered {
  registrations: Registration[];
  artifacts: Artifact[];
  outputs: Record<string, unknown>;
  /** What is worth a look but does not stop a render (a secret the stack does not set yet, a rule's warning). */
  warnings: Problem[];
}

/** The stack's config as Pulumi would read it; `secure:` values become "[secret]" (render never decrypts). */
export const readStackConfig = (
  root: string,
  stack: string,
  project?: string,
): { config: Record<string, string>; secretKeys: string[] } => {
  const { config, secure } = readStack(root, stack, project);
  return { config: { ...config }, secretKeys: [...secure] };
};

/**
 * Runs the real Pulumi program under mocks and returns what it declares. Secrets the stack would
 * hold encrypted are given a placeholder, marked secret, so they show as "[secret]" everywhere.
 */
export const renderStack = async (opts: RenderOptions): Promise<Rendered> => {
  // The program resolves relative recipe paths against the project (engine/program.ts).
  const override = opts.recipe
    ? ((abs, rel) => (rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel))(
        path.resolve(opts.recipe),
        path.relative(opts.root, path.resolve(opts.recipe)),
      )
    : undefined;
  const { loaded, recipeFile, read, warnings } = checkStack(opts.root, opts.stack, override);
  const project = read.project;
  const config: Record<string, string> = { ...read.config, [`${project}:recipe`]: recipeFile };
  const secretKeys = [...read.secure];
  const recipe = loaded.recipe;
  for (const ref of collectRefs(recipe).filter((r) => r.kind === "secret")) {
    const full = `${project}:${ref.key}`;
    if (!(full in config)) {
      config[full] = SECRET;
      secretKeys.push(full);
    }
  }
  // A derived stack's base (its edgeStack) answers as a stack on the recipe's own orchestrator.
  const recorder = installRecorder(project, opts.stack, false, loaded.model.orchestrator.kind);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const outputs = runProgram({ root: opts.root });
  const resolved = await new Promise<Record<string, unknown>>((resolve) =>
    pulumi.output(outputs).apply((o) => resolve(o as Record<string, unknown>)),
  );
  await recorder.settle();
  return {
    registrations: recorder.registrations,
    artifacts: renderArtifacts(recorder.registrations),
    outputs: resolved,
    warnings,
  };
};
