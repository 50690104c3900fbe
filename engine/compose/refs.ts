import * as pulumi from "@pulumi/pulumi";
import type { Problem } from "../load";
import { formatPath } from "../load/problem";
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

/** Problems for references the stack does not set, each with the command that fixes it. */
export const checkRefs = (
  refs: RefUse[],
  has: (key: string) => boolean,
  file: string,
  stack: string,
  at: (path: PropertyKey[]) => { line: number; col: number },
): Problem[] =>
  refs
    .filter((r) => !has(r.key))
    .map((r) => ({
      file,
      ...at(r.path),
      path: formatPath(r.path),
      severity: "error" as const,
      message: `stack ${stack} does not set ${r.kind === "secret" ? "secret" : "config"} ${JSON.stringify(r.key)} (run: pulumi config set ${r.kind === "secret" ? "--secret " : ""}${r.key} <value> -s ${stack})`,
    }));

/** Resolves recipe values against the stack's configuration. */
export interface Resolver {
  text(v: string | ConfigRef): pulumi.Input<string>;
  secret(v: SecretRef): pulumi.Output<string>;
}

export const configResolver = (config: pulumi.Config): Resolver => ({
  text: (v) => (typeof v === "string" ? v : config.require(v.config)),
  secret: (v) => config.requireSecret(v.secret),
});
