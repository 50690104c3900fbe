import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployProblems } from "../../engine/stack/check";
import { ROOT } from "../helpers";

// recette up and preview (and rollback, once it has an update to go back to) refuse a stack that misses a secret or has
// any other problem before the
// engine (or a build) starts, every problem at once (issue #19 part 5: "preview and up refuse"). A project
// of its own (Pulumi.yaml named shop) with the blog recipe; no engine, image or Docker is needed to refuse.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "recette-deploy-check-"));
fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
fs.mkdirSync(path.join(project, "recipes"));
fs.mkdirSync(path.join(project, "stacks"));
fs.copyFileSync(path.join(ROOT, "recipes", "blog.yaml"), path.join(project, "recipes", "blog.yaml"));
fs.writeFileSync(
  path.join(project, "stacks", "Pulumi.prod.yaml"),
  "config:\n  shop:recipe: recipes/blog.yaml\n" +
    "  shop:imageRegistry: rg.fr-par.scw.cloud/shop\n  shop:smtpPasword: typo\n",
);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

const recette = (...argv: string[]) => {
  const r = spawnSync(path.join(ROOT, "bin", "recette"), argv, { cwd: project, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The secrets blog.yaml reads, each of which prod leaves unset. */
const SECRETS = ["sshPrivateKey", "blogAdminPassword", "smtpPassword"];

describe("a stack missing its secrets is refused before the engine starts", () => {
  it("recette up: every problem at once, each with its fix; nothing changed (exit 1)", () => {
    const r = recette("up", "-s", "prod");
    expect(r.code, r.stderr).toBe(1);
    for (const key of SECRETS)
      expect(r.stderr).toContain(
        `stack prod does not set secret "${key}" (run: recette config set --secret ${key} -s prod)`,
      );
    // A key nothing reads is a warning for up, as for the program (scripts set keys for other recipes).
    expect(r.stderr).toMatch(/stacks\/Pulumi\.prod\.yaml:4:3 warning: shop:smtpPasword: .*did you mean smtpPassword\?/);
    expect(r.stderr).toMatch(/recette up: stack prod: \d+ problems to fix first \(above\); nothing was changed/);
    // Nothing ran: no engine output, no state made.
    expect(r.stderr).not.toMatch(/ensure-pulumi|build-images/);
    expect(fs.existsSync(path.join(project, ".recette", "state"))).toBe(false);
  });

  it("recette preview: the same problems in its report, exit 1", () => {
    const r = recette("preview", "-s", "prod");
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("prod: preview failed");
    expect(r.stderr).toContain("recette preview: prod: ");
    for (const key of SECRETS) expect(r.stderr).toContain(`does not set secret "${key}"`);
    expect(r.stderr).not.toMatch(/ensure-pulumi|build-images/);
  });
});

describe("values the stack file does not hold may come from elsewhere: the program reports then", () => {
  const copy = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-deploy-check-"));
    fs.cpSync(project, dir, { recursive: true });
    return dir;
  };

  it("the check finds the missing secrets of the plain project", () => {
    expect(deployProblems(project, "prod").filter((p) => p.severity !== "warning").length).toBeGreaterThan(3);
  });

  it("a Pulumi.yaml config default, or an ESC environment the stack imports: no refusal before the engine", () => {
    const withDefault = copy();
    fs.appendFileSync(path.join(withDefault, "Pulumi.yaml"), "config:\n  shop:acmeEmail: admin@example.org\n");
    expect(deployProblems(withDefault, "prod")).toEqual([]);
    const withEnvironment = copy();
    fs.appendFileSync(path.join(withEnvironment, "stacks", "Pulumi.prod.yaml"), "environment:\n  - shop/prod\n");
    expect(deployProblems(withEnvironment, "prod")).toEqual([]);
    // Declared types and descriptions are no values: still checked.
    const typed = copy();
    fs.appendFileSync(path.join(typed, "Pulumi.yaml"), "config:\n  shop:acmeEmail:\n    type: string\n");
    expect(deployProblems(typed, "prod").length).toBeGreaterThan(3);
    for (const d of [withDefault, withEnvironment, typed]) fs.rmSync(d, { recursive: true, force: true });
  });

  it("a stack without a stack file here, or one that names no recipe, is not a recipe's: left to the engine", () => {
    expect(deployProblems(project, "nosuch")).toEqual([]);
    const plain = copy();
    fs.writeFileSync(path.join(plain, "stacks", "Pulumi.prod.yaml"), "config:\n  shop:length: 8\n");
    expect(deployProblems(plain, "prod")).toEqual([]);
    fs.rmSync(plain, { recursive: true, force: true });
  });
});
