import { isRegistry } from "../schema/formats";
import { productionOf, stackFile } from "./name";

/**
 * A problem with a setting the engine reads from the stack (not the recipe's `{ config: key }` values, which
 * engine/model/resolve.ts checks). `stack`: a key of the stack file (`path` is the key as written there);
 * `recipe`: a place in the recipe (`recipePath`).
 */
export type SettingProblem =
  | { in: "stack"; path: string; message: string }
  | { in: "recipe"; path: string; recipePath: PropertyKey[]; message: string };

/** What the engine reads from the stack besides the recipe's values, once checked. */
export interface StackSettings {
  production: boolean;
  /** Where nodes pull recette's images from; "local" for images built on this machine. */
  imageRegistry: string;
}

/**
 * The one place that decides the stack's engine settings: production (engine/stack/name.ts productionOf) and
 * the image registry. The Pulumi program refuses with these problems; `recette validate -s` and the stack
 * check before render, preview and up report them with every other problem, so the two cannot disagree.
 * `provider` is the recipe's nodes.provider; `get` reads a full key (`<project>:imageRegistry`).
 */
export const stackSettings = (
  project: string,
  stack: string,
  provider: string | undefined,
  get: (key: string) => string | undefined,
): { settings: StackSettings; problems?: undefined } | { problems: SettingProblem[] } => {
  const problems: SettingProblem[] = [];
  const production = productionOf(project, stack, get);
  if (production.problem !== undefined) problems.push({ in: "stack", ...production.problem });
  const registry = imageRegistryOf(provider, get(`${project}:imageRegistry`), stack);
  if (registry.problem !== undefined) problems.push(registry.problem);
  if (production.problem !== undefined || registry.problem !== undefined) return { problems };
  return { settings: { production: production.production, imageRegistry: registry.registry } };
};

/**
 * The registry the nodes pull recette's images from: the stack's imageRegistry, or "local" on this machine's
 * own nodes. Unset for nodes elsewhere, or not a registry, is a problem (with no provider known, only a value the stack
 * sets is checked).
 */
const imageRegistryOf = (
  provider: string | undefined,
  value: string | undefined,
  stack: string,
): { registry: string; problem?: undefined } | { problem: SettingProblem } => {
  const registry = value ?? (provider === "local" || provider === undefined ? "local" : undefined);
  const fix = `recette config set imageRegistry <registry> -s ${stack}`;
  if (registry === undefined)
    return {
      problem: {
        in: "recipe",
        path: "nodes.provider",
        recipePath: ["nodes", "provider"],
        message:
          `${provider} pulls recette's images from a registry, and stack ${stack} names none: build them with ` +
          `scripts/build-images, push them, and run: ${fix}`,
      },
    };
  if (registry !== "local" && !isRegistry(registry))
    return {
      problem: {
        in: "stack",
        path: "imageRegistry",
        message:
          `${JSON.stringify(registry)} is not a registry (expected e.g. ` +
          `rg.fr-par.scw.cloud/recette or 10.0.0.1:5000; fix: ${fix})`,
      },
    };
  return { registry };
};

/** A setting problem as one line naming its file (the program's refusal; checks locate it with line:col). */
export const formatSettingProblem = (p: SettingProblem, stack: string, recipeFile: string): string =>
  `${p.in === "stack" ? stackFile(stack) : recipeFile} ${p.path}: ${p.message}`;
