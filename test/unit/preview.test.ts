import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { whyAffected } from "../../engine/delivery/affected";
import { parseEventLog, type EngineEvent } from "../../engine/delivery/events";
import { renderStackMarkdown } from "../../engine/delivery/markdown";
import { summarizePreview } from "../../engine/delivery/summary";
import { ROOT } from "../helpers";

const recorded = (name: string) =>
  parseEventLog(fs.readFileSync(path.join(ROOT, "test/unit/fixtures/engine-events", name), "utf8"), name);
/**
 * GitHub renders pull-request comments as GFM (raw HTML allowed); markdown-it implements the same tables, code spans
 * and HTML blocks.
 */
const html = (md: string) => new MarkdownIt({ html: true }).render(md);
const tableRows = (md: string) =>
  [...html(md).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]),
  );

describe("the preview summary, from the engine's recorded events", () => {
  it(
    "an image tag change on the local stack is exactly one " + "update of the blog service, naming the property path",
    () => {
      const s = summarizePreview(recorded("local-image-tag.jsonl"));
      expect(s.changes.map((c) => [c.change, c.name, c.type, c.stateful])).toEqual([
        ["update", "blog", "docker:index/service:Service", false],
      ]);
      expect(s.changes[0]!.paths).toContain("taskSpec.containerSpec.image");
      expect(s.unchanged).toBe(31);
      const md = renderStackMarkdown({
        stack: "local",
        reason: "Previewed: its recipe recipes/local.yaml changed.",
        preview: s,
        recipeProblems: [],
        failed: false,
      });
      expect(md).toContain("0 to create · 1 to update · 0 to replace · 0 to delete · 31 unchanged");
      expect(tableRows(md)).toEqual([
        ["Change", "Resource", "Type", "Properties that change"],
        [
          "update",
          "<code>blog</code>",
          "<code>docker:index/service:Service</code>",
          s.changes[0]!.paths.map((p) => `<code>${p}</code>`).join("<br>"),
        ],
      ]);
    },
  );

  it('no change gives "No changes" and no table', () => {
    const s = summarizePreview(recorded("local-no-change.jsonl"));
    expect(s.changes).toEqual([]);
    expect(s.errors).toEqual([]);
    const md = renderStackMarkdown({
      stack: "local",
      reason: "Previewed: asked for with --stack.",
      preview: s,
      recipeProblems: [],
      failed: false,
    });
    expect(md).toContain("\nNo changes (32 unchanged).\n");
    expect(tableRows(md)).toEqual([]);
  });

  it(
    "a replacement of a kept volume is in bold and named as losing " +
      "its data; a scratch volume's is not (the check can fail)",
    () => {
      // The recorded update step, turned into replacements of two volumes: one kept (retainOnDelete), one not.
      const step = recorded("local-image-tag.jsonl").find((e) => e.resourcePreEvent?.metadata.op === "update")!;
      const volume = (name: string, retainOnDelete: boolean): EngineEvent => {
        const m = structuredClone(step.resourcePreEvent!.metadata);
        m.op = "replace";
        m.type = "docker:index/volume:Volume";
        m.urn = m.urn.replace(/docker:index\/service:Service::blog$/, `docker:index/volume:Volume::${name}`);
        m.keys = ["name"];
        m.detailedDiff = { name: { diffKind: "update-replace", inputDiff: true } };
        m.old = { ...m.old, retainOnDelete };
        return { resourcePreEvent: { metadata: m } };
      };
      const s = summarizePreview([volume("blog-data", true), volume("scratch", false)]);
      expect(s.changes.map((c) => [c.name, c.change, c.stateful, c.replaceKeys])).toEqual([
        ["blog-data", "replace", true, ["name"]],
        ["scratch", "replace", false, ["name"]],
      ]);
      const md = renderStackMarkdown({ stack: "prod", reason: "r", preview: s, recipeProblems: [], failed: false });
      const rows = tableRows(md);
      expect(rows[1]).toEqual([
        "<strong>replace (stateful: its data is lost)</strong>",
        "<strong><code>blog-data</code></strong>",
        "<code>docker:index/volume:Volume</code>",
        "<code>name</code> (forces replacement)",
      ]);
      expect(rows[2]![0]).toBe("replace");
      expect(md).toContain(
        "**Stateful resources replaced or deleted: `blog-data`. Their data does not survive this change.**",
      );
    },
  );

  it("policy violations and the pack are listed; the engine's errors are quoted in a block", () => {
    const events: EngineEvent[] = [
      {
        policyEvent: {
          resourceUrn: "urn:pulumi:prod::recette::docker:index/volume:Volume::blog-data",
          message: "On prod, volumes that keep data are protected.\nblog-data is not protected",
          policyName: "prod-data-protected",
          policyPackName: "recette",
          policyPackVersion: "0.1.0",
          enforcementLevel: "mandatory",
        },
      },
      { diagnosticEvent: { message: "<{%reset%}>error: preview failed<{%reset%}>\n", severity: "error" } },
      { summaryEvent: { resourceChanges: { same: 3 }, PolicyPacks: { recette: "0.1.0" } } },
    ];
    const md = renderStackMarkdown({
      stack: "prod",
      reason: "r",
      preview: summarizePreview(events),
      recipeProblems: [],
      failed: true,
    });
    expect(md).toContain("Packs: `recette` 0.1.0.");
    expect(md).toContain("- **mandatory** `prod-data-protected` on `blog-data`: blog-data is not protected\n");
    expect(md).toContain("### Errors\n\n```text\nerror: preview failed\n```");
    expect(md).toContain("**The preview failed**");
  });

  it("names, paths and messages from a recipe or a provider cannot break the table, open a link or inject HTML", () => {
    const hostile = "a|b`c<img src=x onerror=alert(1)>[x](http://e)";
    const events: EngineEvent[] = [
      {
        resourcePreEvent: {
          metadata: {
            op: "update",
            urn: `urn:pulumi:s::p::docker:index/service:Service::${hostile}`,
            type: "docker:index/service:Service",
            detailedDiff: { [`labels.${hostile}`]: { diffKind: "update", inputDiff: true } },
          },
        },
      },
      {
        policyEvent: {
          message: `bad ${hostile}\u001b[31m`,
          policyName: "p|q",
          policyPackName: "recette",
          policyPackVersion: "0.1.0",
          enforcementLevel: "advisory",
        },
      },
    ];
    const md = renderStackMarkdown({
      stack: "s",
      reason: "r",
      preview: summarizePreview(events),
      recipeProblems: ["```\n<script>"],
      failed: false,
    });
    const out = html(md);
    expect(out).not.toMatch(/<img|<a |<script/);
    expect(tableRows(md)[1]).toHaveLength(4);
    expect(out).toContain("<code>a|b`c&lt;img src=x onerror=alert(1)&gt;[x](http://e)</code>");
    expect(md).not.toContain("\u001b");
  });
});

describe("which stacks a change touches", () => {
  const local = { stack: "local", stackFile: "stacks/Pulumi.local.yaml", recipe: "recipes/local.yaml" };
  it.each([
    [["recipes/local.yaml"], "its recipe recipes/local.yaml changed"],
    [["stacks/Pulumi.local.yaml"], "its stack file stacks/Pulumi.local.yaml changed"],
    [["components/traefik/config.ts", "README.md"], "code every stack runs changed: components/traefik/config.ts"],
    [
      ["engine/a.ts", "engine/b.ts", "index.ts", "policy/index.ts", "package-lock.json"],
      "code every stack runs changed: engine/a.ts, engine/b.ts, index.ts and 2 more",
    ],
    [
      [
        "recipes/blog.yaml",
        "stacks/Pulumi.prod.yaml",
        "docs/workflow.md",
        "test/unit/x.test.ts",
        ".github/workflows/preview.yml",
      ],
      undefined,
    ],
  ])("%j → %s", (changed, why) => {
    expect(whyAffected(changed, local)).toBe(why);
  });
});

describe("recette preview (CLI)", () => {
  const recette = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, "bin", "recette"), "preview", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
  it("refuses a stack name that is not one (2) and a ref git does not know (1), before running anything", () => {
    const bad = recette("--stack", "Prod");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^recette preview: --stack "Prod" is not a recette stack name/);
    const ref = recette("-s", "local", "--changed-from=--output=/tmp/x");
    expect(ref.status).toBe(1);
    expect(ref.stderr).toBe(
      'recette preview: --changed-from "--output=/tmp/x": not a commit git knows here ' +
        "(fix: git fetch the base branch, e.g. git fetch origin main, and pass origin/main)\n",
    );
  });

  it(
    "writes a summary that says the preview failed, with " + "the reason, when the stack has no stack file (exit 1)",
    () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-preview-"));
      const r = recette("-s", "nosuch", "--out", out);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe(`nosuch: preview failed (${path.relative(ROOT, path.join(out, "nosuch.md"))})\n`);
      expect(r.stderr).toBe(
        "recette preview: nosuch: stacks/Pulumi.nosuch.yaml: no such stack file (fix: create the stack with " +
          "recette config set recipe recipes/<name>.yaml -s nosuch, " +
          "or pick one of: dev, local, local-k3s, prod, staging)\n",
      );
      const md = fs.readFileSync(path.join(out, "nosuch.md"), "utf8");
      expect(md).toContain("**The preview failed**");
      expect(md).toContain(
        "stacks/Pulumi.nosuch.yaml: no such stack file (fix: create the stack with recette config set",
      );
    },
  );

  it("--json: one document on stdout, each stack with its verdict, counts and summary file", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-preview-"));
    const r = recette("-s", "nosuch", "--out", out, "--json");
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["stacks"]);
    expect(doc.stacks).toHaveLength(1);
    expect(doc.stacks[0]).toMatchObject({
      stack: "nosuch",
      previewed: true,
      failed: true,
      counts: { create: 0, update: 0, replace: 0, delete: 0 },
      changes: [],
    });
    expect(doc.stacks[0].summary).toBe(path.relative(ROOT, path.join(out, "nosuch.md")));
  });
});
