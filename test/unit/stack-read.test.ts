import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stackInfo } from "../../engine/cli/stack-info";
import { formatProblem, RecipeError } from "../../engine/load";
import { checkStack, validateStack } from "../../engine/stack/check";
import { stackOrchestrator } from "../../engine/backup/orchestrator";
import { stackFiles } from "../../engine/delivery/affected";
import { parseStack, readStack, StackError } from "../../engine/stack/read";
import { yamlErrorWords } from "../../engine/load/yaml-words";
import { ROOT } from "../helpers";

/** A project folder with one stack file holding `text` (and the repository's recipes). */
const project = (stack: string, text: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-stack-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), text);
  fs.symlinkSync(path.join(ROOT, "recipes"), path.join(dir, "recipes"));
  return dir;
};

const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof StackError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

const BOMB = `config:
  a: &a ["x","x","x","x","x","x","x","x","x"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]
`;

describe("readStack: the one way to read a stack file", () => {
  it("returns the config as Pulumi hands it over, the secure keys and where each key is", () => {
    const s = parseStack(
      "config:\n" +
        "  recette:recipe: recipes/local.yaml\n" +
        "  acmeEmail: a@example.org\n" +
        "  recette:pw:\n" +
        "    secure: AAE=\n" +
        "  n: 3\n",
      "stacks/Pulumi.t.yaml",
      "recette",
    );
    expect(s.config).toEqual({
      "recette:recipe": "recipes/local.yaml",
      "recette:acmeEmail": "a@example.org",
      "recette:pw": "[secret]",
      "recette:n": "3",
    });
    expect(s.secure).toEqual(["recette:pw"]);
    expect(s.at("acmeEmail")).toEqual({ line: 3, col: 3 });
    expect(s.at("recette:pw")).toEqual({ line: 4, col: 3 });
  });

  it.each([
    ["a: 1\na: 2\n", "2:1", "this key is written twice in the same mapping: keep one"],
    ["a:\n\tb: 1\n", "2:1", "a tab indents this line: indent with spaces"],
    [
      "a:\n  b: 1\n c: 2\n",
      "3:1",
      "the indentation does not line up: the keys of one mapping start in the same column, and what a key holds is " +
        "indented more than the key",
    ],
    [
      "a: {b: 1\n",
      "2:1",
      "a { mapping is not closed: end it with } (a mapping that goes on to the next lines is indented more than its " +
        "key)",
    ],
    [
      'a: "\\q"\n',
      "1:5",
      "an escape between double quotes that YAML does not know: write \\\\ for a backslash, or use single quotes",
    ],
    [
      "a: b: c\n",
      "1:4",
      "two keys on one line (a: b: c): put the inner mapping on its own indented lines, or quote the value",
    ],
    ["a: 1\n---\nb: 2\n", "2:1", "a second document starts here (---): the file holds one"],
  ])("says a YAML error in its own words, at its place: %j", (text, at, words) => {
    expect(problemsOf(() => parseStack(text, "stacks/Pulumi.t.yaml", "recette"))).toEqual([
      `stacks/Pulumi.t.yaml:${at} YAML: ${words}`,
    ]);
  });

  it("an error code it does not know gets a plain sentence, never the library's words", () => {
    expect(yamlErrorWords({ code: "IMPOSSIBLE", message: "Some internal wording" })).toBe(
      "not valid YAML here (check the indentation, the quotes and the brackets)",
    );
  });

  it.each([
    [
      "broken YAML, at its line and column",
      "config:\n  recette:recipe: [unclosed\n",
      "stacks/Pulumi.t.yaml:3:1 YAML: a [ list is not closed: end it with ] (a list that goes on to the next lines " +
        "is indented more than its key)",
    ],
    [
      "an alias bomb, before expanding it",
      BOMB,
      "stacks/Pulumi.t.yaml:3:10 YAML: aliases expand out of proportion to the text (an alias bomb); write the " +
        "values out instead",
    ],
    [
      "a control character",
      'config:\n  recette:x: "a\\u001bb"\n',
      "stacks/Pulumi.t.yaml:2:14 config.recette:x: contains the control character U+001B (only printable text, tabs " +
        "and newlines are allowed)",
    ],
    [
      "a config that is not a mapping",
      "config: [a]\n",
      "stacks/Pulumi.t.yaml:1:9 config: is a mapping of keys to values (e.g. recette:acmeEmail: ops@example.org)",
    ],
  ])("refuses %s, naming the file, line and column", (_what, text, problem) => {
    expect(problemsOf(() => parseStack(text, "stacks/Pulumi.t.yaml", "recette"))).toEqual([problem]);
  });

  it("names a missing stack file, the recette command that creates it and the stacks that exist", () => {
    expect(problemsOf(() => readStack(ROOT, "nope"))).toEqual([
      "stacks/Pulumi.nope.yaml no such stack file (fix: create the stack with recette config set recipe " +
        "recipes/<name>.yaml -s nope, or pick one of: dev, local, local-k3s, prod, staging)",
    ]);
  });

  it("in a project with no stack yet, says so instead of listing none", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-nostack-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    expect(problemsOf(() => readStack(dir, "prod"))).toEqual([
      "stacks/Pulumi.prod.yaml no such stack file; the project has no stack yet (fix: create it with recette config " +
        "set recipe recipes/<name>.yaml -s prod)",
    ]);
    expect(problemsOf(() => readStack(dir, "Prod"))).toEqual([expect.not.stringContaining("stacks:")]);
  });

  it("outside a project, sends the user to recette init", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-noproject-"));
    expect(problemsOf(() => readStack(dir, "prod"))).toEqual([
      `stacks/Pulumi.prod.yaml not in a project: no Pulumi.yaml in ${dir} or any folder above it (fix: cd into your ` +
        `project, or create one with recette init <folder>)`,
    ]);
  });

  it("backup reports an unreadable stack file instead of taking the stack for Swarm", () => {
    const dir = project("k", "config:\n  recette:recipe: [recipes/local-k3s.yaml\n");
    expect(() => stackOrchestrator(dir, "k")).toThrow(StackError);
    const good = project("k", "config:\n  recette:recipe: recipes/local-k3s.yaml\n");
    expect(stackOrchestrator(good, "k")).toEqual({
      kind: "k3s",
      recipeFile: "recipes/local-k3s.yaml",
      localNodes: true,
    });
    expect(stackOrchestrator(good, "absent")).toBeUndefined();
  });

  it("delivery reads the stack with the same limits: an alias bomb names no recipe", () => {
    expect(stackFiles(project("b", BOMB), "b")).toEqual({ stack: "b", stackFile: "stacks/Pulumi.b.yaml" });
    expect(stackFiles(ROOT, "local")).toEqual({
      stack: "local",
      stackFile: "stacks/Pulumi.local.yaml",
      recipe: "recipes/local.yaml",
    });
  });
});

describe("recette stack-info", () => {
  const run = (stack: string, json: boolean, root = ROOT) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = stackInfo(stack, { out: (s) => out.push(s), err: (s) => err.push(s) }, { json, root });
    return { code, out: out.join("\n"), err };
  };

  it("prints one JSON document describing the stack", () => {
    const r = run("local-k3s", true);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      stack: "local-k3s",
      file: "stacks/Pulumi.local-k3s.yaml",
      recipe: "recipes/local-k3s.yaml",
      orchestrator: "k3s",
      provider: "local",
      production: false,
      imageRegistry: "local",
      secure: ["recette:blogAdminPassword"],
    });
  });

  it("names the stack file once in a production value it refuses", () => {
    const r = run(
      "p",
      false,
      project("p", "config:\n  recette:recipe: recipes/local.yaml\n  recette:production: maybe\n"),
    );
    expect(r).toEqual({
      code: 1,
      out: "",
      err: [
        'stacks/Pulumi.p.yaml:3:3 recette:production: "maybe" is not true or false ' +
          "(fix: recette config set recette:production true -s p, or false)",
      ],
    });
  });

  it("exits 1 with the located problem on a broken stack file", () => {
    const r = run("x", true, project("x", "config:\n  recette:recipe: 'open\n"));
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toEqual([
      "stacks/Pulumi.x.yaml:3:1 YAML: a quoted value is not closed: end it with the quote it starts with",
    ]);
  });
});

/** Every problem checkStack finds, formatted as printed; [] for a stack it accepts. */
const checkProblems = (root: string, stack: string, recipe?: string): string[] => {
  try {
    checkStack(root, stack, recipe);
  } catch (e) {
    if (e instanceof RecipeError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

describe("checkStack: a stack and its recipe, every problem in one pass", () => {
  const problems = checkProblems;

  it("reports the stack file's YAML error and the recipe's problems together", () => {
    const dir = project("b", "config:\n  recette:acmeEmail: [x\n");
    const recipe = path.join(dir, "r.yaml");
    fs.writeFileSync(recipe, "name: t\nnodes: { provider: local }\norchestator: { kind: swarm }\n");
    expect(problems(dir, "b", recipe)).toEqual([
      "stacks/Pulumi.b.yaml:3:1 YAML: a [ list is not closed: end it with ] (a list that goes on to the next lines " +
        "is indented more than its key)",
      `${recipe}:3:1 orchestator: unknown key "orchestator" (did you mean "orchestrator"?)`,
    ]);
  });

  it("refuses a key nothing reads and lists the unset secret with it, in one pass", () => {
    const dir = project("v", "config:\n  recette:recipe: recipes/local.yaml\n  recette:acmeEmial: ops@example.org\n");
    expect(problems(dir, "v")).toEqual([
      "stacks/Pulumi.v.yaml:3:3 recette:acmeEmial: neither the recipe nor recette reads this key; remove it " +
        "(recette config rm acmeEmial -s v) or read it in the recipe as { config: acmeEmial }",
      "recipes/local.yaml:28:19 warning: apps[0].pluxml.admin.password: stack v does not set secret " +
        '"blogAdminPassword" ' +
        "(run: recette config set --secret blogAdminPassword -s v)",
    ]);
  });
});

describe("checkStack: what the program refuses is found in the same pass", () => {
  const problems = (root: string, stack: string) => checkProblems(root, stack);
  const blog = (extra: string) =>
    `config:\n  recette:recipe: recipes/blog.yaml\n  recette:acmeEmail: not-an-address\n${extra}`;

  it(
    "a recipe pulling images from a registry the stack does not name, " + "and a malformed production, with the rest",
    () => {
      const found = problems(project("s", blog("  recette:production: maybe\n")), "s");
      expect(found).toEqual(
        expect.arrayContaining([
          'stacks/Pulumi.s.yaml:4:3 recette:production: "maybe" is not true or false ' +
            "(fix: recette config set recette:production true -s s, or false)",
          "recipes/blog.yaml:6:13 nodes.provider: scaleway pulls recette's images from a registry, and stack s names " +
            "none: build them with scripts/build-images, push them, and run: recette config set imageRegistry " +
            "<registry> -s s",
        ]),
      );
      expect(found.some((l) => l.startsWith("stacks/Pulumi.s.yaml:3:3 acmeEmail: "))).toBe(true);
    },
  );

  it("an imageRegistry that is not a registry (the check can fail: a registry passes)", () => {
    const bad = problems(project("r", blog("  recette:imageRegistry: not a registry\n")), "r");
    expect(bad).toContain(
      'stacks/Pulumi.r.yaml:4:3 imageRegistry: "not a registry" is not a registry (expected e.g. ' +
        "rg.fr-par.scw.cloud/recette or 10.0.0.1:5000; fix: recette config set imageRegistry <registry> -s r)",
    );
    const good = problems(project("r", blog("  recette:imageRegistry: 10.0.0.1:5000\n")), "r");
    expect(good.filter((l) => /imageRegistry|nodes\.provider/.test(l))).toEqual([]);
    expect(good.some((l) => l.includes("acmeEmail"))).toBe(true);
  });
});

describe("validateStack: what validate -s prints", () => {
  it("exits 0 on a good stack, printing its warnings; 1 with every problem", () => {
    const run = (stack: string, root = ROOT) => {
      const err: string[] = [];
      return { code: validateStack(stack, { out: () => {}, err: (s) => err.push(s) }, { root }), err };
    };
    expect(run("local")).toEqual({ code: 0, err: [] });
    const bad = run(
      "x",
      project("x", "config:\n  recette:recipe: recipes/local.yaml\n  recette:blogAdminPassword: 'a\n"),
    );
    expect(bad).toEqual({
      code: 1,
      err: ["stacks/Pulumi.x.yaml:4:1 YAML: a quoted value is not closed: end it with the quote it starts with"],
    });
  });
});

describe("validate <recipe> -s <stack> with a recipe that is not the stack's own", () => {
  it(
    "says so first, naming both files, and notes the keys only its own recipe reads, never advising to remove " +
      "them",
    () => {
      const err: string[] = [];
      const code = validateStack(
        "prod",
        { out: () => {}, err: (s) => err.push(s) },
        { root: ROOT, recipe: "recipes/local.yaml" },
      );
      expect(code).toBe(0);
      expect(err[0]).toBe(
        "stacks/Pulumi.prod.yaml:10:3 warning: recette:recipe: stack prod's recipe is recipes/blog.yaml, not " +
          "recipes/local.yaml: " +
          "its values are checked against a recipe that is not its own (to check the stack as it deploys: recette " +
          "validate -s prod)",
      );
      expect(err).toContain(
        "stacks/Pulumi.prod.yaml:12:3 warning: recette:acmeEmail: recipes/local.yaml does not read this key; " +
          "stack prod's own recipe, recipes/blog.yaml, may (nothing to fix)",
      );
      expect(err.filter((l) => l.includes("config rm"))).toEqual([]);
    },
  );

  it("the stack's own recipe given by name is no other recipe (the check can fail: a typo is still refused)", () => {
    const dir = project("o", "config:\n  recette:recipe: recipes/local.yaml\n  recette:blogAdminPasswrd: x\n");
    const err: string[] = [];
    const code = validateStack(
      "o",
      { out: () => {}, err: (s) => err.push(s) },
      { root: dir, recipe: "recipes/local.yaml" },
    );
    expect(code).toBe(1);
    expect(err[0]).toMatch(
      /^stacks\/Pulumi\.o\.yaml:3:3 recette:blogAdminPasswrd: .*did you mean blogAdminPassword\?.*config rm/,
    );
  });
});
