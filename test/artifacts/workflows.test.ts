import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers";

// actionlint, built from its Go module by scripts/ensure-actionlint (npm test runs it through
// scripts/ensure-validators), checks the workflows: syntax, expressions, job and step references,
// the local composite action's inputs, and every `run:` script with shellcheck.
const actionlint = (): string => {
  const r = spawnSync("bash", [path.join(ROOT, "scripts/ensure-actionlint")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/ensure-actionlint: ${r.stderr}`);
  return r.stdout.trim();
};
const lint = (cwd: string) => spawnSync(actionlint(), ["-no-color", "-oneline"], { cwd, encoding: "utf8" });

const WORKFLOWS = path.join(ROOT, ".github/workflows");
const files = [
  ...fs.readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f)),
  path.join(ROOT, ".github/actions/recette-setup/action.yml"),
];
const steps = (file: string): { uses?: string; run?: string }[] => {
  const doc = parse(fs.readFileSync(file, "utf8")) as {
    jobs?: Record<string, { steps?: object[] }>;
    runs?: { steps?: object[] };
  };
  return [...Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? []), ...(doc.runs?.steps ?? [])] as {
    uses?: string;
    run?: string;
  }[];
};

describe("the GitHub workflows", () => {
  it("pass actionlint (with shellcheck on every run: script)", () => {
    const r = lint(ROOT);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("a workflow with a mistake fails actionlint, naming it (the check can fail)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-actionlint-"));
    fs.cpSync(path.join(ROOT, ".github"), path.join(dir, ".github"), { recursive: true });
    spawnSync("git", ["init", "-q"], { cwd: dir }); // actionlint finds the workflows from the repository root
    const drift = path.join(dir, ".github/workflows/drift.yml");
    fs.writeFileSync(
      drift,
      fs.readFileSync(drift, "utf8").replace("STACK: ${{ matrix.stack }}", "STACK: ${{ matrix.stak }}"),
    );
    const r = lint(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        [
          '^\\.github\\/workflows\\/drift\\.yml:\\d+:\\d+: property "stak" is not ',
          "defined in object type \\{stack: string\\} \\[expression\\]$",
        ].join(""),
        "m",
      ),
    );
  });

  it("pin every third-party action by commit SHA", () => {
    const uses = files
      .flatMap((f) => steps(f).map((s) => s.uses))
      .filter((u): u is string => u !== undefined && !u.startsWith("./"));
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
  });

  it("call exactly recette preview and recette drift, and pulumi up with the policy pack", () => {
    const runs = (name: string) =>
      steps(path.join(WORKFLOWS, name))
        .map((s) => s.run ?? "")
        .join("\n");
    // Exit 2 (changes to review) passes the step; 1 (a failed preview) fails it.
    expect(runs("preview.yml")).toContain(
      'npx recette preview -s "$STACK" --changed-from "$BASE" --out previews || [ "$?" -eq 2 ]',
    );
    expect(runs("drift.yml")).toContain('npx recette drift --stack "$STACK"');
    expect(runs("deploy.yml")).toContain(
      'pulumi up --stack "$STACK" --refresh --yes --non-interactive --policy-pack policy',
    );
    const up = parse(fs.readFileSync(path.join(WORKFLOWS, "up.yml"), "utf8")) as {
      jobs: Record<string, { needs?: string; with: { stack: string } }>;
    };
    expect(Object.entries(up.jobs).map(([k, j]) => [k, j.needs ?? null, j.with.stack])).toEqual([
      ["dev", null, "dev"],
      ["staging", "dev", "staging"],
      ["prod", "staging", "prod"],
    ]);
    expect(
      (parse(fs.readFileSync(path.join(WORKFLOWS, "deploy.yml"), "utf8")) as { jobs: { up: { environment: string } } })
        .jobs.up.environment,
    ).toBe("${{ inputs.stack }}");
  });
});
