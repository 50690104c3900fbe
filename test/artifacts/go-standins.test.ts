import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect, it } from "vitest";

// The offline stand-ins' own Go tests (scripts/offline/pulumi-standins/<name>/*_test.go), run by
// `scripts/ensure-pulumi --test-standins` in the very module each build uses (same go.mod, same sources,
// -trimpath as the build). Go caches the compiled packages and the test results (under the cache
// ensure-pulumi uses), so a second run, or a run after ensure-pulumi built the stand-ins, is quick; the
// first one on a machine compiles the bridged providers (minutes). Without Go the test is skipped,
// except in CI, where it fails.
const ROOT = path.resolve(__dirname, "../..");
const HAS_GO = spawnSync("go", ["version"]).status === 0;
const MODULES = [
  "recette.local/pulumi-resource-command",
  "recette.local/pulumi-resource-kubernetes",
  "github.com/terraform-providers/terraform-provider-random/recette",
  "github.com/terraform-providers/terraform-provider-docker/recette",
];
const TIMEOUT = 40 * 60_000;

it.skipIf(!HAS_GO && process.env.CI !== "true")(
  "the Go stand-ins pass their tests (scripts/ensure-pulumi --test-standins)",
  () => {
    expect(HAS_GO, "go is not on PATH: CI runs the stand-ins' Go tests").toBe(true);
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "ensure-pulumi"), "--test-standins"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: TIMEOUT,
      maxBuffer: 64 << 20,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out.slice(-8000)).toBe(0);
    // Each module's tests ran and passed (not "no test files").
    for (const m of MODULES) expect(out, m).toMatch(new RegExp(`^ok\\s+${m.replaceAll(".", "\\.")}\\s`, "m"));
  },
  TIMEOUT,
);
