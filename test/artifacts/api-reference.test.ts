import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers";

/** Every file under a directory, relative to it, with its text. */
const tree = (dir: string): Record<string, string> =>
  Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
  );

describe("the components package", () => {
  it("docs/api (its declaration files with their TSDoc, the " +
    "package's types) is what tsc emits from the sources now", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-api-"));
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.types.json", "--outDir", out],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const fresh = tree(out);
    expect(Object.keys(fresh)).toContain("components/swarm/index.d.ts");
    expect(tree(path.join(ROOT, "docs/api")), "docs/api is stale: run npm run docs:api").toEqual(fresh);
  }, 180_000);

  it("every export of package.json is compiled from a source that exists, with its declaration file", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    const compiled = Object.values(pkg.exports).filter(
      (e): e is { types: string; default: string } => typeof e !== "string",
    );
    expect(compiled.length).toBeGreaterThan(10);
    for (const e of compiled) {
      expect(e.default).toMatch(/^\.\/dist\/.+\.js$/);
      expect(e.types).toBe(e.default.replace(/\.js$/, ".d.ts"));
    }
    const missingSources = compiled
      .map((e) => e.default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"))
      .filter((f) => !fs.existsSync(path.join(ROOT, f)));
    expect(missingSources).toEqual([]);
    // npm ci builds dist/ (the "prepare" script); npm run build does it by hand.
    const missingBuilt = compiled
      .flatMap((e) => [e.default, e.types])
      .filter((f) => !fs.existsSync(path.join(ROOT, f)));
    expect(missingBuilt, "dist/ is not built: run npm run build").toEqual([]);
  });
});
