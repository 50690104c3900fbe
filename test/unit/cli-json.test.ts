import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ExplainReport } from "../../engine/cli/explain";
import type { ValidateReport } from "../../engine/cli/validate";
import { LOCAL_MINIMAL, ROOT, tempRecipe } from "../helpers";
import { listing, recette } from "./cli-helpers";

describe("--json: one JSON document on stdout (docs/cli.md), the same exit codes", () => {
  it("validate --json of a valid recipe: exit 0", () => {
    const r = recette("validate", "--json", "recipes/blog.yaml");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      file: "recipes/blog.yaml",
      valid: true,
      recipe: { name: "blog", orchestrator: "swarm", provider: "scaleway", apps: 3 },
      errors: 0,
      warnings: 0,
      problems: [],
    } satisfies ValidateReport);
  });

  it("validate --json of an invalid recipe: exit 1, every problem with its place, nothing on stderr", () => {
    const file = tempRecipe(`${LOCAL_MINIMAL}colour: blue\napps:\n  - service: { name: Web, image: nginx }\n`);
    const r = recette("validate", file, "--json");
    expect([r.status, r.stderr]).toEqual([1, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      file,
      valid: false,
      recipe: null,
      errors: 2,
      warnings: 0,
      problems: [
        {
          file,
          line: 4,
          col: 1,
          path: "colour",
          severity: "error",
          message: 'unknown key "colour" (allowed here: name, description, nodes, orchestrator, edge, apps)',
        },
        {
          file,
          line: 6,
          col: 22,
          path: "apps[0].service.name",
          severity: "error",
          message:
            '"Web" is not a valid name (lower-case letters, digits and -, starting with a letter, ' +
            "at most 32 characters; e.g. relay)",
        },
      ],
    } satisfies ValidateReport);
    const missing = recette("validate", "--json", "recipes/nope.yaml");
    expect(missing.status).toBe(1);
    expect((JSON.parse(missing.stdout) as ValidateReport).problems.map((p) => [p.file, p.line, p.severity])).toEqual([
      ["recipes/nope.yaml", 1, "error"],
    ]);
  });

  it("explain --json: the table's figures, per node, in MiB", () => {
    const r = recette("explain", "--json", "recipes/blog.yaml");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const doc = JSON.parse(r.stdout) as ExplainReport;
    expect(Object.keys(doc)).toEqual([
      "recipe",
      "orchestrator",
      "provider",
      "nodes",
      "totalMiB",
      "alternative",
      "estimates",
      "kernel",
    ]);
    expect([doc.recipe, doc.orchestrator, doc.provider, doc.alternative.orchestrator]).toEqual([
      "blog",
      "swarm",
      "scaleway",
      "k3s",
    ]);
    expect(doc.nodes.map((n) => n.name)).toEqual(["manager-1", "worker-1", "worker-2"]);
    expect(doc.nodes[0]).toMatchObject({ role: "manager", memoryMiB: 2048, osMiB: 71, orchestratorMiB: 84 });
    expect(doc.nodes[1]!.workloads).toEqual([
      { name: "blog", mib: 15 },
      { name: "whoami", mib: 32 },
    ]);
    const sum = doc.nodes.reduce(
      (s, n) => s + n.osMiB + n.orchestratorMiB + n.workloads.reduce((a, w) => a + w.mib, 0),
      0,
    );
    expect(Math.abs(doc.totalMiB - sum)).toBeLessThanOrEqual(doc.nodes.length * 2);
    expect(doc.kernel[1]).toMatch(/^IPVS: required \(routing mesh/);
    const bad = recette("explain", "--json", "recipes/nope.yaml");
    expect([bad.status, bad.stdout]).toEqual([1, ""]);
  });
});

describe("schema writes only with --write", () => {
  it("schema alone prints the JSON Schema, the same as the checked-in file, and writes nothing", () => {
    const before = listing();
    const r = recette("schema");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(fs.readFileSync(path.join(ROOT, "recipes", "recipe.schema.json"), "utf8")),
    );
    expect(listing()).toEqual(before);
  });
});

describe("-s on render", () => {
  it("render -s local writes what render --stack local writes", () => {
    const out = (flag: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-render-s-"));
      const r = recette("render", "recipes/local.yaml", flag, "local", "--out", dir);
      expect(r.status, r.stderr).toBe(0);
      return fs.readFileSync(path.join(dir, "resources.json"), "utf8");
    };
    expect(out("-s")).toBe(out("--stack"));
  });
});

describe("docs/cli.md stays true", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "cli.md"), "utf8");
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
    (m) => JSON.parse(m[1]!) as Record<string, unknown>,
  );

  it("its --json examples have the fields the commands print, in their order", () => {
    const keys = (o: unknown) => Object.keys(o as object);
    const validate = JSON.parse(recette("validate", "--json", "recipes/blog.yaml").stdout) as ValidateReport;
    const explain = JSON.parse(recette("explain", "--json", "recipes/blog.yaml").stdout) as ExplainReport;
    expect(blocks).toHaveLength(2);
    expect(keys(blocks[0])).toEqual(keys(validate));
    expect(keys((blocks[0]!.problems as unknown[])[0])).toEqual(["file", "line", "col", "path", "message", "severity"]);
    expect(keys(blocks[1])).toEqual(keys(explain));
    expect(keys((blocks[1]!.nodes as unknown[])[0])).toEqual(keys(explain.nodes[0]));
    expect(blocks[1]!.totalMiB).toBe(explain.totalMiB);
  });

  it("its table names every command", async () => {
    const { COMMANDS } = await import("../../engine/cli/defs");
    const rows = [...doc.matchAll(/^\| `([a-z]+)[ `]/gm)].map((m) => m[1]);
    expect(rows).toEqual(COMMANDS.map((c) => c.name));
  });
});
