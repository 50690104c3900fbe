import type { z } from "zod";
import { fieldOf } from "../schema/formats";
import { formatPath } from "./problem";

type Issue = z.core.$ZodIssue;
type JsonSchema = { [key: string]: unknown };

/** A zod issue turned into recette's wording, with the path it belongs to. */
export interface Located {
  path: PropertyKey[];
  /** Point at the key itself (unknown keys) rather than its value. */
  atKey: boolean;
  message: string;
}

const show = (v: unknown): string => {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
};

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** Walks the generated JSON Schema along a data path, choosing union branches by their discriminator. */
export const schemaAt = (root: JsonSchema, data: unknown, path: readonly PropertyKey[], pickLast = true): JsonSchema | undefined => {
  let schema: JsonSchema | undefined = root;
  let value = data;
  const pick = (s: JsonSchema | undefined, v: unknown): JsonSchema | undefined => {
    const branches = (s?.anyOf ?? s?.oneOf) as JsonSchema[] | undefined;
    if (!branches) return s;
    const objects = branches.filter((b) => b.type === "object");
    const match = objects.find((b) => {
      const props = (b.properties ?? {}) as Record<string, JsonSchema>;
      return Object.entries(props).some(
        ([k, p]) => p.const !== undefined && fieldOf(v, k) === p.const,
      );
    });
    return match ?? objects[0] ?? s;
  };
  for (const key of path) {
    schema = pick(schema, value);
    if (!schema) return undefined;
    if (typeof key === "number") schema = schema.items as JsonSchema | undefined;
    else schema = ((schema.properties ?? {}) as Record<string, JsonSchema>)[String(key)];
    value = Array.isArray(value) && typeof key === "number" ? value[key] : fieldOf(value, String(key));
  }
  return pickLast ? pick(schema, value) : schema;
};

/** Translates zod's issues into messages that say what is wrong and how to fix it. */
export const translate = (issue: Issue, schema: JsonSchema, data: unknown): Located[] => {
  const path = issue.path as PropertyKey[];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = Object.keys((schemaAt(schema, data, path)?.properties ?? {}) as object);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        message: `unknown key ${JSON.stringify(key)}${allowed.length ? ` (allowed here: ${allowed.join(", ")})` : ""}`,
      }));
    }
    case "invalid_type": {
      if (input === undefined) {
        const description = schemaAt(schema, data, path, false)?.description ?? schemaAt(schema, data, path)?.description;
        return [{ path, atKey: false, message: `is required${description ? ` (${String(description).replace(/\.$/, "")})` : ""}` }];
      }
      if (issue.message && !issue.message.startsWith("Invalid input")) return [{ path, atKey: false, message: issue.message }];
      return [{ path, atKey: false, message: `expected ${article(issue.expected)}, got ${show(input)}` }];
    }
    case "invalid_key":
      // A record's key: the key's own grammar says what is wrong with it.
      return issue.issues.map((i) => ({ path, atKey: true, message: i.message }));
    case "invalid_value":
      // a schema's own message (long lists such as PluXml's time zones name a few and where the rest is)
      if (issue.message && !issue.message.startsWith("Invalid option")) return [{ path, atKey: false, message: issue.message }];
      return [
        {
          path,
          atKey: false,
          message: `${JSON.stringify(input)} is not one of ${issue.values.map((v) => String(v)).join(" | ")}`,
        },
      ];
    case "invalid_union": {
      const branches = issue.errors;
      if (branches.length === 0) return [{ path, atKey: false, message: issue.message }];
      // The branch that got furthest into the value explains the problem best.
      const depth = (b: Issue[]) => Math.max(0, ...b.map((i) => i.path.length));
      const best = [...branches].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (depth(best) > 0) return best.flatMap((i) => translate({ ...i, path: [...path, ...i.path] } as Issue, schema, data));
      const expected = branches
        .map((b) => b[0])
        .map((i) => (i?.code === "invalid_type" ? (i.expected === "object" ? "{ config: <key> }" : article(i.expected)) : i?.message))
        .filter((m, idx, all) => m && all.indexOf(m) === idx);
      const custom = branches.flat().find((i) => i.code !== "invalid_type" && !i.message.startsWith("Invalid"));
      if (custom) return [{ path, atKey: false, message: custom.message }];
      return [{ path, atKey: false, message: `expected ${expected.join(" or ")}, got ${show(input)}` }];
    }
    default:
      return [{ path, atKey: false, message: issue.message }];
  }
};

export const pathText = formatPath;
