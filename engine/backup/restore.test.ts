import { describe, expect, it } from "vitest";
import { FORMAT, type Manifest } from "./manifest";
import { foreignProblem } from "./restore";

const m = (stack: string, recipe: string): Manifest => ({
  format: FORMAT,
  recetteVersion: "0.1.0",
  createdAt: "2026-11-26T10:00:00.000Z",
  project: "recette",
  stack,
  recipe,
  apps: ["blog"],
  volumes: [{ logical: "blog-data", workload: "blog", name: `recette-${stack}-blog-data` }],
  files: [{ volume: "blog-data", path: "", type: "dir", mode: "0755", uid: 33, gid: 33 }],
});

describe("foreignProblem", () => {
  it.each<[string, Manifest, string, string, string | undefined, string | undefined]>([
    ["same stack and recipe", m("prod", "blog"), "prod", "blog", undefined, undefined],
    [
      "another stack",
      m("prod", "blog"),
      "dev",
      "blog",
      undefined,
      "the archive comes from stack prod, not dev (to restore another stack's data here, say so: --from-stack prod)",
    ],
    ["another stack, named", m("prod", "blog"), "dev", "blog", "prod", undefined],
    [
      "another stack, misnamed",
      m("prod", "blog"),
      "dev",
      "blog",
      "staging",
      "--from-stack staging does not match the archive, which comes from stack prod",
    ],
    [
      "same stack, another recipe",
      m("dev", "blog"),
      "dev",
      "local",
      undefined,
      "the archive comes from recipe blog, but stack dev runs recipe local (to restore it anyway: --from-stack dev)",
    ],
    ["same stack, another recipe, named", m("dev", "blog"), "dev", "local", "dev", undefined],
    [
      "--from-stack naming this stack is no licence for another archive",
      m("prod", "blog"),
      "dev",
      "blog",
      "dev",
      "--from-stack dev does not match the archive, which comes from stack prod",
    ],
  ])("%s", (_, manifest, stack, recipe, from, expected) => {
    expect(foreignProblem(manifest, stack, recipe, from)).toBe(expected);
  });
});
