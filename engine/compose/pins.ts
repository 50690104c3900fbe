import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadTarget } from "../../components/workload";
import { image as imageFormat, name as nameFormat } from "../schema/formats";

/** A workload name as a rollback pin or `recette rollback --service` gives it: the recipe's own rule for names. */
export const isServiceName = (n: string): boolean => nameFormat().safeParse(n).success;

/** The stack key `recette rollback` writes: the images to run while the recipe stays as it was. */
export const ROLLBACK_KEY = "rollback";

/**
 * What `recette rollback` pins: the image of each named service, as an earlier update ran it, for the
 * recipe whose content hashes to `recipe`. Once the recipe changes, the pin no longer applies.
 */
export interface RollbackPin {
  /** sha256 (hex) of the recipe's text when the rollback was made (the loader's `sha256`). */
  recipe: string;
  /** The update (recette history's number) whose images these are. */
  update: number;
  /** Workload name → image reference (at its digest when the stack pins digests). */
  images: Record<string, string>;
}

/** The pin as the stack file holds it (one JSON string), or every reason it is not one. */
export const parseRollbackPin = (text: string): { pin?: RollbackPin; problems: string[] } => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { problems: ["is not JSON"] };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { problems: ["is not a JSON object"] };
  const o = doc as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.recipe !== "string" || !/^[0-9a-f]{64}$/.test(o.recipe))
    problems.push("recipe: expected the recipe's sha256 (64 hexadecimal digits)");
  if (typeof o.update !== "number" || !Number.isInteger(o.update) || o.update < 1)
    problems.push("update: expected an update number (1 or more)");
  const images = o.images;
  if (typeof images !== "object" || images === null || Array.isArray(images) || Object.keys(images).length === 0)
    problems.push("images: expected an object naming at least one service's image");
  else
    for (const [name, ref] of Object.entries(images)) {
      if (!isServiceName(name)) problems.push(`images: ${JSON.stringify(name)} is not a service name`);
      const checked = imageFormat().safeParse(ref);
      if (!checked.success) problems.push(`images.${name}: ${checked.error.issues[0]?.message ?? "not an image"}`);
    }
  if (problems.length > 0) return { problems };
  return {
    pin: { recipe: o.recipe as string, update: o.update as number, images: images as Record<string, string> },
    problems,
  };
};

/**
 * Wraps a target: each workload a pin names runs the pinned image instead of the recipe's, and every
 * workload's image (as the target deploys it: at its digest when pinned to one) is recorded in `images`,
 * the stack output `recette history` reads. The one place images are substituted.
 */
export const pinningTarget = (
  target: WorkloadTarget,
  pins: Record<string, string>,
): { target: WorkloadTarget; images: Record<string, pulumi.Input<string>> } => {
  const images: Record<string, pulumi.Input<string>> = {};
  const wrapped: WorkloadTarget = {
    kind: target.kind,
    deploy: (w, parent) => {
      const pinned = pins[w.name];
      const deployed = target.deploy(pinned ? { ...w, image: pinned } : w, parent);
      images[w.name] = deployed.image;
      return deployed;
    },
    traefikProviders: () => target.traefikProviders(),
    networkCidrs: () => target.networkCidrs(),
    serviceHost: (logical) => target.serviceHost(logical),
  };
  return { target: wrapped, images };
};
