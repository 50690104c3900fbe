import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../engine/backup/manifest";
import { drillStackName } from "../../engine/cli/drill";
import { derivableBase, qualifiedStack } from "../../engine/stack/derived";
import { pluxmlDate, publishedArticles } from "../../engine/drill/articles";
import { localProject, ROOT } from "../helpers";
import { recette } from "./cli-helpers";

const file = (volume: string, p: string) =>
  ({ volume, path: p, type: "file", mode: "0644", uid: 33, gid: 33, size: 1, sha256: "0".repeat(64) }) as const;

const manifest = (paths: string[], volume = "blog-data"): Manifest => ({
  format: "recette-backup/1",
  recetteVersion: "0.0.0",
  createdAt: "2026-12-07T10:00:00.000Z",
  project: "recette",
  stack: "local",
  recipe: "local",
  apps: ["blog"],
  volumes: [{ logical: volume, workload: "blog", name: `recette-local-${volume}` }],
  files: paths.map((p) => file(volume, p)),
});

describe("recette drill: the articles a restored blog must serve", () => {
  const now = new Date("2026-12-07T10:00:00Z");

  it("lists published articles with PluXml's own link, and leaves out drafts, unpublished and future ones", () => {
    const m = manifest([
      "articles/0001.home.001.202612070900.hello.xml",
      "articles/0002.001,002.001.202612071059.in-two-categories.xml",
      "articles/0003.draft,001.001.202612070900.a-draft.xml",
      "articles/_0004.001.001.202612070900.unpublished.xml",
      // 11:30 in Paris is 10:30 UTC: after the drill's start.
      "articles/0005.001.001.202612071130.tomorrow-ish.xml",
      "statiques/001.about.php",
      // PluXml serves only [\w-]+ as an article's url part.
      "articles/0006.home.001.202612070900.not.served.xml",
      "configuration/parametres.xml",
    ]);
    expect(publishedArticles(m, "blog-data", now, "Europe/Paris")).toEqual([
      { file: "articles/0001.home.001.202612070900.hello.xml", path: "/index.php?article1/hello" },
      {
        file: "articles/0002.001,002.001.202612071059.in-two-categories.xml",
        path: "/index.php?article2/in-two-categories",
      },
    ]);
  });

  it("reads only the blog's data volume", () => {
    const m = manifest(["articles/0001.home.001.202612070900.hello.xml"], "traefik-acme");
    expect(publishedArticles(m, "blog-data", now, "UTC")).toEqual([]);
  });

  it("writes the date as PluXml does, in the blog's time zone", () => {
    expect(pluxmlDate(now, "Europe/Paris")).toBe("202612071100");
    expect(pluxmlDate(now, "UTC")).toBe("202612071000");
    expect(pluxmlDate(new Date("2026-12-31T23:30:00Z"), "Asia/Tokyo")).toBe("202701010830");
  });
});

describe("recette drill: the scratch stack's names", () => {
  it("is <stack>-drill, qualified like the stack", () => {
    expect(drillStackName("local")).toBe("local-drill");
    expect(drillStackName("acme/prod")).toBe("acme/prod-drill");
  });

  it("references the stack fully qualified, as a StackReference takes it", () => {
    expect(qualifiedStack("local", "recette")).toBe("organization/recette/local");
    expect(qualifiedStack("acme/prod", "recette")).toBe("acme/recette/prod");
    expect(qualifiedStack("acme/blog/prod", "recette")).toBe("acme/blog/prod");
  });
});

describe("recette drill refuses before anything runs", () => {
  it("takes a k3s stack as its base, as a Swarm one; a caller may limit the orchestrators, naming the recipe", () => {
    const k3s = derivableBase(ROOT, "local-k3s", "recette drill");
    expect("model" in k3s && k3s.model.orchestrator.kind).toBe("k3s");
    expect(derivableBase(ROOT, "local-k3s", "recette drill", ["swarm"])).toEqual({
      problem: "recipes/local-k3s.yaml: orchestrator k3s: recette drill runs on Swarm stacks only for now",
    });
  });

  it("an archive that is not there, saying what to give (exit 1)", () => {
    const r = recette("drill", "-s", "local", "--backup", "/nonexistent/local.tar.gz");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("recette drill: there is no file /nonexistent/local.tar.gz: give the path of a .tar.gz");
  });

  it("a stack name too long for its scratch stack (exit 2)", () => {
    const r = recette("drill", "-s", "a".repeat(38));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain("recette drill: the drill's stack");
  });
});

describe("recette drill and env refuse a derived stack as their base", () => {
  it("names the stack file and says why (exit 1), before any engine runs", () => {
    const dir = localProject(
      "local-pr-1",
      "  recette:blogAdminPassword: x\n  recette:edgeStack: organization/recette/local\n  recette:hostPrefix: pr-1\n",
    );
    for (const args of [
      ["drill", "-s", "local-pr-1"],
      ["env", "up", "-s", "local-pr-1", "--name", "pr-2"],
    ]) {
      const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        "stacks/Pulumi.local-pr-1.yaml: stack local-pr-1 is itself derived from another stack (edgeStack)",
      );
    }
    fs.rmSync(dir, { recursive: true });
  });
});
