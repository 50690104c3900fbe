import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseRecipe, RecipeError } from "../../engine/load";
import { readRecipe } from "../helpers";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a document. */
const paths = (v: Json, prefix: (string | number)[] = []): (string | number)[][] => {
  const here = [prefix];
  if (Array.isArray(v)) return here.concat(v.flatMap((x, i) => paths(x, [...prefix, i])));
  if (v !== null && typeof v === "object")
    return here.concat(Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k])));
  return here;
};

const setAt = (doc: Json, path: (string | number)[], value: Json | undefined): Json => {
  if (path.length === 0) return value === undefined ? null : value;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy as Json;
};

const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 70000 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("blog_example", "DEV1-S", "k3s", "swarm", "hosts", "x86_64 4.10.8 std #1", "{ secret: x }"),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

describe.each(["blog.yaml", "blog-k3s.yaml", "local.yaml"])("random mutations of %s", (name) => {
  const base = parse(readRecipe(name)) as Json;
  const all = paths(base).filter((p) => p.length > 0);
  it("never crash the loader, and every rejection names a located problem", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...all), fc.option(junk, { nil: undefined })), {
          minLength: 1,
          maxLength: 3,
        }),
        (mutations) => {
          let doc = base;
          for (const [path, value] of mutations) {
            try {
              doc = setAt(doc, path, value);
            } catch {
              // the path no longer exists after an earlier mutation: skip it
            }
          }
          try {
            parseRecipe(stringify(doc), `recipes/${name}`);
          } catch (e) {
            expect(e).toBeInstanceOf(RecipeError);
            const problems = (e as RecipeError).problems;
            expect(problems.length).toBeGreaterThan(0);
            for (const p of problems) {
              expect(p.file).toBe(`recipes/${name}`);
              expect(p.line).toBeGreaterThan(0);
              expect(p.message.length).toBeGreaterThan(5);
              // A problem that is not about the whole document names where it is.
              if (!p.message.startsWith("a recipe is a YAML mapping")) expect(p.path).not.toBe("");
            }
          }
        },
      ),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
