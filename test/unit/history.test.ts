import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { initProject } from "../../engine/cli/init";
import { parseRollbackPin } from "../../engine/compose/pins";
import { loadRecipe } from "../../engine/load";
import { renderStack } from "../../engine/render";
import { appendHistory, chooseRollback, historyFile, readHistory, type HistoryEntry } from "../../engine/stack/history";
import { spawnSync } from "node:child_process";
import { ROOT } from "../helpers";

/** bin/recette in its own process (vitest cannot load the commands' .ts), from the folder `cwd`. */
const recette = (cwd: string, ...args: string[]) => {
  const r = spawnSync(path.join(ROOT, "bin", "recette"), args, { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout.trimEnd(), stderr: r.stderr.trimEnd() };
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recette-history-"));
const SHA = "a".repeat(64);
const digest = (c: string) => `@sha256:${c.repeat(64)}`;
const entry = (update: number, images: Record<string, string>, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  update,
  time: `2026-12-0${update}T10:00:00.000Z`,
  kind: "up",
  by: "ops@box",
  recipe: SHA,
  images,
  ...extra,
});
const v1 = { blog: `reg.example/pluxml:5.8.20${digest("1")}`, traefik: `reg.example/traefik:v3${digest("2")}` };
const v2 = { ...v1, blog: `reg.example/pluxml:5.8.21${digest("3")}` };
const v3 = { ...v2, traefik: `reg.example/traefik:v3.1${digest("4")}` };

describe("recette history's record", () => {
  it("appends one line per update and reads them back oldest first; a stack with an organization is encoded", () => {
    const root = tmp();
    // Numbered by recette: 1, 2… (the file backend numbers every update 0 in pulumi stack history).
    expect(appendHistory(root, "acme/prod", entry(9, v1)).update).toBe(1);
    expect(appendHistory(root, "acme/prod", entry(0, v2, { commit: "3f2a9c1" })).update).toBe(2);
    expect(historyFile(root, "acme/prod")).toBe(path.join(root, ".recette", "history", "acme%2Fprod.jsonl"));
    expect(readHistory(root, "acme/prod").entries.map((e) => [e.update, e.images.blog, e.commit])).toEqual([
      [1, v1.blog, undefined],
      [2, v2.blog, "3f2a9c1"],
    ]);
    expect(readHistory(root, "other")).toEqual({ entries: [], skipped: [] });
  });

  it("skips, by line number, a line that is not an update record (hand-edited, truncated)", () => {
    const root = tmp();
    appendHistory(root, "prod", entry(0, v1));
    fs.appendFileSync(historyFile(root, "prod"), '{"update": "two"}\n{"upd\n');
    appendHistory(root, "prod", entry(0, v2));
    const read = readHistory(root, "prod");
    expect(read.entries.map((e) => e.update)).toEqual([1, 2]);
    expect(read.skipped).toEqual([2, 3]);
  });
});

describe("what recette rollback puts back", () => {
  const history = [entry(1, v1), entry(2, v2), entry(3, v3)];

  it("by default, the latest earlier update whose images differ, only for the services that differ", () => {
    const c = chooseRollback("prod", history, {});
    expect(c.ok && [c.to.update, c.images]).toEqual([2, { traefik: v2.traefik }]);
  });

  it("--service limits it: the latest update where that service ran another image", () => {
    const c = chooseRollback("prod", history, { services: ["blog"] });
    expect(c.ok && [c.to.update, c.images]).toEqual([1, { blog: v1.blog }]);
  });

  it("--to picks the update: every service that differs from now", () => {
    const c = chooseRollback("prod", history, { to: 1 });
    expect(c.ok && c.images).toEqual({ blog: v1.blog, traefik: v1.traefik });
  });

  it.each([
    [
      [],
      {},
      "no update of stack prod is recorded here (recette up " +
        "records the images of each update; fix: recette up -s prod)",
    ],
    [history, { to: 7 }, "update 7 is not in stack prod's history (recorded: 1, 2, 3; see recette history -s prod)"],
    [history, { to: 3 }, "update 3 is what stack prod runs now"],
    [history, { services: ["blgo"] }, "stack prod runs no service named blgo (its services: blog, traefik)"],
    [
      [entry(1, v1), entry(2, v1)],
      {},
      "every recorded update of stack prod ran the images that run " +
        "now: nothing to roll back to (see recette history -s prod)",
    ],
    [history, { to: 2, services: ["blog"] }, "update 2 ran the same images as now for blog: nothing to roll back"],
  ] as const)("refuses, naming why: %#", (entries, opts, message) => {
    expect(chooseRollback("prod", entries as HistoryEntry[], opts as { to?: number; services?: string[] })).toEqual({
      ok: false,
      message,
    });
  });
});

describe("the rollback pin in the stack file", () => {
  it("accepts the pin recette rollback writes; refuses anything else, naming each problem", () => {
    const pin = { recipe: SHA, update: 2, images: { blog: v1.blog } };
    expect(parseRollbackPin(JSON.stringify(pin))).toEqual({ pin, problems: [] });
    expect(parseRollbackPin("{").problems).toEqual(["is not JSON"]);
    expect(parseRollbackPin("[]").problems).toEqual(["is not a JSON object"]);
    expect(
      parseRollbackPin(JSON.stringify({ recipe: "x", update: 0, images: { Blog: "a b", web: "x;rm -rf /" } })).problems,
    ).toEqual([
      "recipe: expected the recipe's sha256 (64 hexadecimal digits)",
      "update: expected an update number (1 or more)",
      'images: "Blog" is not a service name',
      'images.Blog: "a b" is not an image reference (expected e.g. ' +
        "traefik/whoami:v1.10 or registry.example.org/team/app:1.2)",
      'images.web: "x;rm -rf /" is not an image reference (expected ' +
        "e.g. traefik/whoami:v1.10 or registry.example.org/team/app:1.2)",
    ]);
  });

  it("the program runs the pinned image while the recipe " +
    "is the one it was made for, and reports every image", async () => {
    const dir = path.join(tmp(), "shop");
    // npm pack's stand-in: the checkout's own pack would build it first.
    const pack = (destination: string) => {
      fs.writeFileSync(path.join(destination, "recette-0.1.0.tgz"), "");
      return "recette-0.1.0.tgz";
    };
    expect(initProject({ dir }, { out: () => undefined, err: () => undefined }, pack)).toBe(0);
    const sha = loadRecipe(path.join(dir, "recipes", "local.yaml")).sha256;
    const stackFile = path.join(dir, "stacks", "Pulumi.local.yaml");
    const plain = fs.readFileSync(stackFile, "utf8");
    const blogImage = async () => {
      const r = await renderStack({ root: dir, stack: "local" });
      const blog = r.registrations.find((x) => x.type === "docker:index/service:Service" && x.name === "blog");
      const spec = blog?.inputs.taskSpec as { containerSpec: { image: string } };
      return [spec.containerSpec.image, (r.outputs.images as Record<string, string>).blog];
    };
    expect(await blogImage()).toEqual(["recette/pluxml:5.8.21", "recette/pluxml:5.8.21"]);
    const pin = (recipe: string) =>
      `${plain}  shop:rollback: ` +
      `'${JSON.stringify({ recipe, update: 4, images: { blog: "recette/pluxml:5.8.20" } })}'\n`;
    fs.writeFileSync(stackFile, pin(sha));
    expect(await blogImage()).toEqual(["recette/pluxml:5.8.20", "recette/pluxml:5.8.20"]);
    // Made for another text of the recipe: lifted, the recipe's image runs.
    fs.writeFileSync(stackFile, pin("b".repeat(64)));
    expect(await blogImage()).toEqual(["recette/pluxml:5.8.21", "recette/pluxml:5.8.21"]);
  }, 60_000);
});

describe("recette rollback and history on the command line", () => {
  it.each([
    [["rollback", "-s", "local", "--to", "two"], 'recette rollback: --to "two" is not an update number'],
    [["rollback", "-s", "local", "--to", "0"], 'recette rollback: --to "0" is not an update number'],
    [["rollback", "-s", "local", "--service", "Blog;x"], 'recette rollback: --service "Blog;x" is not a service name'],
    [["rollback"], "recette rollback: --stack <name> is required"],
    [["history", "-s", "../x"], "recette history: --stack"],
  ])("refuses %j with exit 2 and the usage", (argv, message) => {
    const r = recette(ROOT, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/\nusage: recette (rollback|history) (-s|--stack) </);
  });

  it("rollback with nothing recorded is refused before the engine starts (exit 1)", () => {
    const r = recette(tmp(), "rollback", "-s", "never-deployed-here");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "recette rollback: no update of stack never-deployed-here is recorded here (recette " +
        "up records the images of each update; fix: recette up -s never-deployed-here)",
    });
  });

  it("history lists the updates newest first; --json for scripts", () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    appendHistory(root, "prod", entry(0, v1, { commit: "8e07b41", time: "2026-12-01T10:00:00.000Z" }));
    appendHistory(root, "prod", entry(0, v1, { kind: "rollback", rollbackTo: 1, time: "2026-12-02T10:00:00.000Z" }));
    {
      const text = recette(root, "history", "-s", "prod");
      expect(text.code).toBe(0);
      expect(text.stdout.split("\n")).toEqual([
        "update 2  2026-12-02T10:00:00.000Z  rollback to update 1  by ops@box",
        `  blog     ${v1.blog}`,
        `  traefik  ${v1.traefik}`,
        "",
        "update 1  2026-12-01T10:00:00.000Z  up  by ops@box at 8e07b41",
        `  blog     ${v1.blog}`,
        `  traefik  ${v1.traefik}`,
      ]);
      const json = JSON.parse(recette(root, "history", "-s", "prod", "--json").stdout);
      expect(json.updates.map((u: HistoryEntry) => u.update)).toEqual([2, 1]);
      const none = recette(root, "history", "-s", "staging");
      expect([none.code, none.stdout, none.stderr]).toEqual([
        0,
        "",
        "recette history: no update of stack staging is recorded here yet (recette up -s staging records one)",
      ]);
    }
  });
});
