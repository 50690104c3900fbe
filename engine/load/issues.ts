import type { z } from "zod";
import { fieldOf } from "../schema/formats";
import { formatPath } from "./problem";
import { didYouMean } from "./suggest";

type Issue = z.core.$ZodIssue;
type JsonSchema = { [key: string]: unknown };

/** A zod issue turned into recette's wording, with the path it belongs to. */
export interface Located {
  path: PropertyKey[];
  /** Point at the key itself (unknown keys) rather than its value. */
  atKey: boolean;
  message: string;
  /** For an unknown key: the allowed key it was most likely meant to be. */
  meant?: string;
}

/** zod's own wording, which never reaches a user: messages that start so are translated here. */
const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized|Expected|Required)/;
const ours = (m: string | undefined): string | undefined => (m && !ZOD_WORDING.test(m) ? m : undefined);

/** What a JSON Schema branch accepts, in words (for "expected … or …"). */
const describeSchema = (s: JsonSchema): string => {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => String(v)).join(" | ")}`;
  const props = s.properties;
  if (s.type === "object" && props !== null && typeof props === "object") {
    const keys = Object.keys(props);
    if (keys.length === 1 && (keys[0] === "config" || keys[0] === "secret")) return `{ ${keys[0]}: <key> }`;
    return keys.length ? `a mapping (${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", …" : ""})` : "a mapping";
  }
  return TYPE_WORDS[String(s.type)] ?? "a value";
};

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "nothing",
};

const show = (v: unknown): string => {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
};

const article = (t: string) => TYPE_WORDS[t] ?? (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

const unit = (origin: string, n: number) =>
  origin === "string"
    ? `${n} character${n === 1 ? "" : "s"}`
    : origin === "array"
      ? `${n} item${n === 1 ? "" : "s"}`
      : `${n}`;

/** Walks the generated JSON Schema along a data path, choosing union branches by their discriminator. */
export const schemaAt = (
  root: JsonSchema,
  data: unknown,
  path: readonly PropertyKey[],
  pickLast = true,
): JsonSchema | undefined => {
  let schema: JsonSchema | undefined = root;
  let value = data;
  const pick = (s: JsonSchema | undefined, v: unknown): JsonSchema | undefined => {
    const branches = (s?.anyOf ?? s?.oneOf) as JsonSchema[] | undefined;
    if (!branches) return s;
    const objects = branches.filter((b) => b.type === "object");
    const match = objects.find((b) => {
      const props = (b.properties ?? {}) as Record<string, JsonSchema>;
      return Object.entries(props).some(([k, p]) => p.const !== undefined && fieldOf(v, k) === p.const);
    });
    return match ?? objects[0] ?? s;
  };
  for (const key of path) {
    schema = pick(schema, value);
    if (!schema) return undefined;
    if (typeof key === "number") schema = schema.items as JsonSchema | undefined;
    else {
      const props = fieldOf(schema.properties, String(key));
      const extra = schema.additionalProperties;
      const next = props ?? (extra !== null && typeof extra === "object" ? extra : undefined);
      schema = next !== null && typeof next === "object" && !Array.isArray(next) ? { ...next } : undefined;
    }
    value = Array.isArray(value) && typeof key === "number" ? value[key] : fieldOf(value, String(key));
  }
  return pickLast ? pick(schema, value) : schema;
};

/**
 * An unknown key that is a typo of a required one (`orchestator`) is one problem, not two: the
 * "is required" of the key it was meant to be is dropped, the unknown key's message names it.
 */
export const mergeTypos = (found: Located[]): Located[] => {
  const meant = new Set(found.flatMap((l) => (l.meant ? [formatPath([...l.path.slice(0, -1), l.meant])] : [])));
  return found.filter((l) => !(l.message.startsWith("is required") && meant.has(formatPath(l.path))));
};

/** Translates zod's issues into messages that say what is wrong and how to fix it. */
export const translate = (issue: Issue, schema: JsonSchema, data: unknown): Located[] => {
  const path = issue.path as PropertyKey[];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = Object.keys((schemaAt(schema, data, path)?.properties ?? {}) as object);
      const here = path.reduce<unknown>(
        (v, k) => (Array.isArray(v) && typeof k === "number" ? v[k] : fieldOf(v, String(k))),
        data,
      );
      return issue.keys.map((key) => {
        const meant = didYouMean(
          key,
          allowed.filter((k) => fieldOf(here, k) === undefined),
        );
        const hint = meant
          ? ` (did you mean ${JSON.stringify(meant)}?)`
          : allowed.length
            ? ` (allowed here: ${allowed.join(", ")})`
            : "";
        return {
          path: [...path, key],
          atKey: true,
          message: `unknown key ${JSON.stringify(key)}${hint}`,
          ...(meant ? { meant } : {}),
        };
      });
    }
    case "invalid_type": {
      if (input === undefined) {
        const description =
          schemaAt(schema, data, path, false)?.description ?? schemaAt(schema, data, path)?.description;
        return [
          {
            path,
            atKey: false,
            message: `is required${description ? ` (${String(description).replace(/\.$/, "")})` : ""}`,
          },
        ];
      }
      const own = ours(issue.message);
      if (own) return [{ path, atKey: false, message: own }];
      return [{ path, atKey: false, message: `expected ${article(issue.expected)}, got ${show(input)}` }];
    }
    case "invalid_key":
      // A record's key: the key's own grammar says what is wrong with it.
      return issue.issues.map((i) => ({ path, atKey: true, message: i.message }));
    case "invalid_value":
      // a schema's own message (long lists such as PluXml's time zones name a few and where the rest is)
      if (ours(issue.message)) return [{ path, atKey: false, message: issue.message }];
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
      if (depth(best) > 0)
        return best.flatMap((i) => translate({ ...i, path: [...path, ...i.path] } as Issue, schema, data));
      const custom = branches.flat().find((i) => i.code !== "invalid_type" && ours(i.message));
      if (custom) return [{ path, atKey: false, message: custom.message }];
      const union = schemaAt(schema, data, path, false);
      const options = Array.isArray(union?.anyOf) ? union.anyOf : Array.isArray(union?.oneOf) ? union.oneOf : [];
      const expected = options
        .filter((o): o is JsonSchema => o !== null && typeof o === "object")
        .map(describeSchema)
        .filter((m, idx, all) => all.indexOf(m) === idx);
      return [
        { path, atKey: false, message: `expected ${expected.join(" or ") || "another value"}, got ${show(input)}` },
      ];
    }
    case "too_small":
    case "too_big": {
      const own = ours(issue.message);
      if (own) return [{ path, atKey: false, message: own }];
      const limit = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const what = issue.origin === "string" ? "text" : issue.origin === "array" ? "list" : "value";
      const got = issue.origin === "number" || issue.origin === "int" ? `${show(input)}: ` : "";
      return [{ path, atKey: false, message: `${got}the ${what} must be ${bound} ${unit(issue.origin, limit)}` }];
    }
    default:
      return [
        {
          path,
          atKey: false,
          message: ours(issue.message) ?? "is not an accepted value (see recipes/recipe.schema.json)",
        },
      ];
  }
};

export const pathText = formatPath;
