import * as pulumi from "@pulumi/pulumi";
import type { ConfigRef, SecretRef } from "../schema";

export interface RefUse {
  path: PropertyKey[];
  kind: "config" | "secret";
  key: string;
}

/** Every `{ config: key }` and `{ secret: key }` in a recipe, with where it is. */
export const collectRefs = (value: unknown, path: PropertyKey[] = []): RefUse[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => collectRefs(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  if (keys.length === 1 && typeof v.config === "string") return [{ path, kind: "config", key: v.config }];
  if (keys.length === 1 && typeof v.secret === "string") return [{ path, kind: "secret", key: v.secret }];
  return keys.flatMap((k) => collectRefs(v[k], [...path, k]));
};

/** Resolves recipe values against the stack's configuration. */
export interface Resolver {
  /** A plain value: a literal, or a `{ config: key }` the stack holds in plain text. */
  text(v: string | ConfigRef): string;
  secret(v: SecretRef): pulumi.Output<string>;
}

export const configResolver = (config: pulumi.Config): Resolver => ({
  text: (v) => (typeof v === "string" ? v : config.require(v.config)),
  secret: (v) => config.requireSecret(v.secret),
});
