/**
 * Golden render: every checked-in recipe, rendered for each stack file that names it (`recette:recipe`),
 * through the function `recette render` uses, compared file by file with test/fixtures/golden/.
 * A refactoring of the engine must leave every file identical; a deliberate change regenerates them:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/golden-render.test.ts
 *
 * then review `git diff test/fixtures/golden` like any other change. Secrets are "[secret]" as in render.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderStack } from "../../engine/render";
import { ROOT } from "../helpers";

const GOLDEN = path.join(ROOT, "test/fixtures/golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/**
 * Recipes no checked-in stack names (the lab's stack is made by scripts/lab, blog-k3s is the k3s variant
 * of the Scaleway blog) are rendered with a stack whose values they read.
 */
const EXTRA: Record<string, string> = { "recipes/blog-k3s.yaml": "staging", "recipes/lab.yaml": "local" };

/** [stack, recipe] for every stack file naming a recipe, and every recipe no stack names. */
const goldenCases = (): [string, string][] => {
  const stacks = fs
    .readdirSync(path.join(ROOT, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  const named: [string, string][] = stacks.flatMap((stack) => {
    const doc: unknown = parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
    const config = doc !== null && typeof doc === "object" && "config" in doc ? doc.config : undefined;
    const recipe =
      config !== null && typeof config === "object" && "recette:recipe" in config
        ? config["recette:recipe"]
        : undefined;
    return typeof recipe === "string" ? [[stack, recipe]] : [];
  });
  const recipes = fs
    .readdirSync(path.join(ROOT, "recipes"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => `recipes/${f}`)
    .sort();
  const orphans = recipes.filter((r) => !named.some(([, n]) => n === r));
  for (const r of orphans)
    if (!EXTRA[r]) throw new Error(`${r} is named by no stack: give it one in EXTRA (golden-render.test.ts)`);
  return [...named, ...orphans.map((r): [string, string] => [EXTRA[r] ?? "", r])];
};

/** Every file under dir, relative, sorted. */
const filesUnder = (dir: string, rel = ""): string[] =>
  fs.existsSync(path.join(dir, rel))
    ? fs
        .readdirSync(path.join(dir, rel), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]))
        .sort()
    : [];

describe("golden render: every recipe for each of its stacks renders exactly as recorded", () => {
  it("covers every recipe, and every golden directory belongs to a case", () => {
    const cases = goldenCases();
    const recipes = fs.readdirSync(path.join(ROOT, "recipes")).filter((f) => f.endsWith(".yaml"));
    expect(new Set(cases.map(([, r]) => path.basename(r))).size).toBe(recipes.length);
    if (UPDATE) return;
    const dirs = fs.readdirSync(GOLDEN).sort();
    expect(dirs).toEqual(cases.map(([s, r]) => `${s}--${path.basename(r, ".yaml")}`).sort());
  });

  for (const [stack, recipe] of goldenCases()) {
    it(`${recipe} for stack ${stack}`, async () => {
      const rendered = await renderStack({ root: ROOT, stack, recipe: path.join(ROOT, recipe) });
      const files = new Map(rendered.artifacts.map((a) => [a.path, a.content]));
      files.set("outputs.json", `${JSON.stringify(rendered.outputs, null, 2)}\n`);
      const dir = path.join(GOLDEN, `${stack}--${path.basename(recipe, ".yaml")}`);
      if (UPDATE) {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [p, content] of files) {
          fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
          fs.writeFileSync(path.join(dir, p), content);
        }
      }
      // The list first (a file appeared or vanished), then each file on its own so the diff names it.
      expect([...files.keys()].sort(), `files rendered for ${stack}; regenerate: UPDATE_GOLDEN=1`).toEqual(
        filesUnder(dir),
      );
      for (const [p, content] of files) {
        expect(content, `${path.relative(ROOT, dir)}/${p} differs; if deliberate: UPDATE_GOLDEN=1`).toBe(
          fs.readFileSync(path.join(dir, p), "utf8"),
        );
      }
    });
  }
});
