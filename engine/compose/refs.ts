import type * as pulumi from "@pulumi/pulumi";
import type { SecretRef } from "../schema";

export interface RefUse {
  path: PropertyKey[];
  kind: "config" | "secret";
  key: string;
}

/** Every `{ config: key }` and `{ secret: key }` in a recipe, with where it is. */
export const collectRefs = (value: unknown, path: PropertyKey[] = []): RefUse[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => collectRefs(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only && typeof only[1] === "string" && (only[0] === "config" || only[0] === "secret"))
    return [{ path, kind: only[0], key: only[1] }];
  return entries.flatMap(([k, v]) => collectRefs(v, [...path, k]));
};

/** Turns the model's lazy secret references into the stack's secrets (the model holds no secret). */
export interface Resolver {
  secret(v: SecretRef): pulumi.Output<string>;
}

export const configResolver = (config: pulumi.Config): Resolver => ({
  secret: (v) => config.requireSecret(v.secret),
});
