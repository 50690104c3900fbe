import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers";
import { spawnSync } from "node:child_process";

// `recette validate -s <stack>`: the stack and its recipe in one pass (issue #19 part 5). A project of its own
// (Pulumi.yaml named shop) holds the blog recipe and a stack with every kind of mistake at once.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "recette-validate-stack-"));
fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
fs.mkdirSync(path.join(project, "recipes"));
fs.mkdirSync(path.join(project, "stacks"));
fs.copyFileSync(path.join(ROOT, "recipes", "blog.yaml"), path.join(project, "recipes", "blog.yaml"));
const stack = (name: string, text: string) =>
  fs.writeFileSync(path.join(project, "stacks", `Pulumi.${name}.yaml`), text);

stack(
  "bad",
  [
    "config:",
    "  shop:recipe: recipes/blog.yaml",
    "  shop:imageRegistry: rg.fr-par.scw.cloud/shop",
    "  shop:acmeEmail: not-an-address",
    "  shop:smtpUser: blog",
    "  shop:smtpPasword: typo",
    "",
  ].join("\n"),
);
stack(
  "settings",
  [
    "config:",
    "  shop:recipe: recipes/blog.yaml",
    "  shop:acmeEmail: not-an-address",
    "  shop:production: maybe",
    "",
  ].join("\n"),
);
stack("broken", "config:\n  shop:recipe: [recipes/blog.yaml\n");

/** bin/recette run from a folder (vitest cannot load a command's implementation in-process). */
const recetteIn = (cwd: string, ...argv: string[]) => {
  const r = spawnSync(path.join(ROOT, "bin", "recette"), argv, { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout.trimEnd(), stderr: r.stderr.trimEnd() };
};
const inProject = (...argv: string[]) => recetteIn(project, ...argv);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("validate -s: every problem of a stack in one pass", () => {
  it.each<[string, string, { lines: string[]; matching: RegExp[]; last?: string }]>([
    [
      "names each unset key with its command, the value that does not fit and the key nothing reads",
      "bad",
      {
        // Unset plain keys are errors, unset secrets warnings (render and validate run without secrets).
        lines: [
          'recipes/blog.yaml:13:16 nodes.ssh.publicKey: stack bad does not set config "sshPublicKey" ' +
            "(run: recette config set sshPublicKey <value> -s bad)",
          "recipes/blog.yaml:42:19 warning: apps[1].opensmtpd.smarthost.password: " +
            'stack bad does not set secret "smtpPassword" ' +
            "(run: recette config set --secret smtpPassword -s bad)",
        ],
        matching: [
          /^stacks\/Pulumi\.bad\.yaml:4:3 acmeEmail:/,
          /^stacks\/Pulumi\.bad\.yaml:6:3 shop:smtpPasword:.*did you mean smtpPassword\?/,
        ],
        last: "stack bad: 5 errors",
      },
    ],
    [
      "with what the program alone found before: no image registry for remote nodes, a malformed production",
      "settings",
      {
        lines: [
          'stacks/Pulumi.settings.yaml:4:3 shop:production: "maybe" is not true or false ' +
            "(fix: recette config set shop:production true -s settings, or false)",
          "recipes/blog.yaml:6:13 nodes.provider: scaleway pulls recette's images from a registry, " +
            "and stack settings names none: build them with scripts/build-images, push them, " +
            "and run: recette config set imageRegistry <registry> -s settings",
        ],
        matching: [/^stacks\/Pulumi\.settings\.yaml:3:3 acmeEmail:/],
      },
    ],
  ])("%s (stack %s)", (_what, stackName, want) => {
    const r = inProject("validate", "-s", stackName);
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    for (const line of want.lines) expect(lines).toContain(line);
    for (const pattern of want.matching)
      expect(
        lines.some((l) => pattern.test(l)),
        String(pattern),
      ).toBe(true);
    if (want.last !== undefined) expect(lines[lines.length - 1]).toBe(want.last);
  });

  it("--json gives the same problems as one document", () => {
    const r = inProject("validate", "-s", "bad", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { valid: boolean; errors: number; problems: { path: string }[] };
    expect(doc.valid).toBe(false);
    expect(doc.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "nodes.ssh.publicKey",
        "apps[1].opensmtpd.smarthost.password",
        "acmeEmail",
        "shop:smtpPasword",
      ]),
    );
  });

  it("a stack file's YAML error is located in the file (the check can fail: a whole stack is valid)", () => {
    const broken = inProject("validate", "-s", "broken");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^stacks\/Pulumi\.broken\.yaml:\d+:\d+ /);
    const local = recetteIn(ROOT, "validate", "-s", "local");
    expect(local).toMatchObject({
      code: 0,
      stdout: "stacks/Pulumi.local.yaml: valid stack local (recipe local: swarm on local)",
    });
  });

  it("validate with neither a recipe nor a stack is a usage error naming both ways (exit 2)", () => {
    expect(recetteIn(ROOT, "validate")).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "recette validate: give a recipe file, or a stack with -s <stack> (e.g. recette validate recipes/blog.yaml)",
    });
  });
});
