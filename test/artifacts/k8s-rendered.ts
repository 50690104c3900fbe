import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { renderStack } from "../../engine/render";
import { readRecipe, recipePath, ROOT, tempRecipe } from "../helpers";

export interface RenderedObject {
  file: string;
  doc: Record<string, unknown>;
}

const k8sObjects = async (recipe: string): Promise<RenderedObject[]> =>
  (await renderStack({ root: ROOT, stack: "staging", recipe })).artifacts
    .filter((a) => a.path.startsWith("k8s/"))
    .map((a) => ({ file: a.path, doc: parse(a.content) as Record<string, unknown> }));

/**
 * The Kubernetes objects `recette render` makes for recipes/blog-k3s.yaml (stack staging), which the
 * schema walk (kubernetes.test.ts) and the real API server (kubernetes-apiserver.test.ts) check, plus
 * the PodDisruptionBudget of the same recipe with whoami autoscaled from 2 pods: only a replicated
 * Deployment gets one, and no checked-in recipe replicates a Deployment.
 */
export const renderedK8sObjects = async (): Promise<RenderedObject[]> => {
  const objects = await k8sObjects(recipePath("blog-k3s.yaml"));
  const source = readRecipe("blog-k3s.yaml");
  const replicated = source.replace("autoscale: { min: 1,", "autoscale: { min: 2,");
  if (replicated === source) throw new Error("recipes/blog-k3s.yaml: whoami's autoscale is no longer { min: 1, ... }");
  const file = tempRecipe(replicated);
  try {
    const budgets = (await k8sObjects(file)).filter((o) => o.doc.kind === "PodDisruptionBudget");
    if (budgets.length !== 1) throw new Error(`expected whoami's PodDisruptionBudget alone, got ${budgets.length}`);
    return [...objects, ...budgets.map((o) => ({ ...o, file: `${o.file} (whoami autoscaled from 2 pods)` }))];
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
};
