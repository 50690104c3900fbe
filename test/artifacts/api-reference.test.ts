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
  it("docs/api (its declaration files with their TSDoc, the package's types) is what tsc emits from the sources now", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-api-"));
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.types.json", "--outDir", out], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const fresh = tree(out);
    expect(Object.keys(fresh)).toContain("components/swarm/index.d.ts");
    expect(tree(path.join(ROOT, "docs/api")), "docs/api is stale: run npm run docs:api").toEqual(fresh);
  }, 180_000);

  it("every export of package.json points at a source and a declaration file that exist", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | { types: string; default: string }> };
    const missing = Object.values(pkg.exports)
      .flatMap((e) => (typeof e === "string" ? [e] : [e.types, e.default]))
      .filter((f) => !fs.existsSync(path.join(ROOT, f)));
    expect(missing).toEqual([]);
  });
});
