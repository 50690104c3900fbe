import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { readFailure } from "../load/load";
import { readSmallTextFile } from "../load/text";
import { readProject } from "../project";
import { listStacks, stackFile, validateStackName } from "../stack-name";

export { listStacks };
import { collectRefs } from "../compose";
import { loadRecipe } from "../load";
import { runProgram } from "../program";
import { renderArtifacts, type Artifact } from "./artifacts";
import { installRecorder, SECRET, type Registration } from "./mocks";

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
}

/** The stack's config as Pulumi would read it; `secure:` values become "[secret]" (render never decrypts). */
export const readStackConfig = (
  root: string,
  stack: string,
  project: string,
): { config: Record<string, string>; secretKeys: string[] } => {
  const bad = validateStackName(stack);
  if (bad) throw new Error(`--stack ${bad} (stacks: ${listStacks(root).join(", ")})`);
  const file = path.join(root, stackFile(stack));
  if (!fs.existsSync(file)) throw new Error(`no stack file ${stackFile(stack)} (create it, or pick one of: ${listStacks(root).join(", ")})`);
  let text: string;
  try {
    text = readSmallTextFile(file);
  } catch (e) {
    throw new Error(`${stackFile(stack)}: ${readFailure(e)}`);
  }
  return parseStackConfig(text, project);
};

/** A stack file's `config:` as Pulumi hands it to the program; `secure:` values become "[secret]". */
export const parseStackConfig = (
  text: string,
  project: string,
): { config: Record<string, string>; secretKeys: string[] } => {
  const doc = (parse(text, { schema: "core", maxAliasCount: 100 }) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in value) {
      config[full] = SECRET;
      secretKeys.push(full);
    } else config[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, secretKeys };
};


/**
 * Runs the real Pulumi program under mocks and returns what it declares. Secrets the stack would
 * hold encrypted are given a placeholder, marked secret, so they show as "[secret]" everywhere.
 */
export const renderStack = async (opts: RenderOptions): Promise<Rendered> => {
  const bad = validateStackName(opts.stack);
  if (bad) throw new Error(`--stack ${bad} (stacks: ${listStacks(opts.root).join(", ")})`);
  const { name: project } = readProject(opts.root);
  const { config, secretKeys } = readStackConfig(opts.root, opts.stack, project);
  if (opts.recipe) {
    // The program resolves relative recipe paths against the project (engine/program.ts).
    const abs = path.resolve(opts.recipe);
    const rel = path.relative(opts.root, abs);
    config[`${project}:recipe`] = rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
  }
  const recipeFile = config[`${project}:recipe`];
  if (!recipeFile) {
    const fix = `set ${project}:recipe in ${stackFile(opts.stack)} or pass a recipe`;
    throw new Error(`stack ${opts.stack} names no recipe (${fix})`);
  }
  const { recipe } = loadRecipe(path.isAbsolute(recipeFile) ? recipeFile : path.join(opts.root, recipeFile));
  for (const ref of collectRefs(recipe).filter((r) => r.kind === "secret")) {
    const full = `${project}:${ref.key}`;
    if (!(full in config)) {
      config[full] = SECRET;
      secretKeys.push(full);
    }
  }
  const recorder = installRecorder(project, opts.stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const outputs = runProgram({ root: opts.root });
  const resolved = await new Promise<Record<string, unknown>>((resolve) => pulumi.output(outputs).apply((o) => resolve(o as Record<string, unknown>)));
  await recorder.settle();
  return { registrations: recorder.registrations, artifacts: renderArtifacts(recorder.registrations), outputs: resolved };
};
