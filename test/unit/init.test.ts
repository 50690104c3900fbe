import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { initProject, planProject } from "../../engine/cli/init";
import { npmPackArgs, packPackage } from "../../engine/init/vendor";
import { loadRecipe } from "../../engine/load";
import { renderStack } from "../../engine/render";
import { parseStack } from "../../engine/stack/read";
import { ROOT } from "../helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recette-init-"));
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
};
const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const TARBALL = `recette-${own.version}.tgz`;
/** npm pack's stand-in (a real one runs the checkout's build): writes the tarball, records where. */
const packs: string[] = [];
const fakePack = (destination: string): string => {
  packs.push(destination);
  fs.writeFileSync(path.join(destination, TARBALL), "tarball\n");
  return TARBALL;
};
/** Every file under a folder, relative to it. */
const files = (dir: string): string[] =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();

describe("recette init", () => {
  it("writes the local project: files, what it wrote and the next two commands", () => {
    const dir = path.join(tmp(), "blog");
    const c = capture();
    expect(initProject({ dir }, c.io, fakePack)).toBe(0);
    expect(c.err).toEqual([]);
    const rel = path.relative(process.cwd(), dir);
    expect(c.out).toEqual([
      `packing the running recette into vendor/${TARBALL} (npm pack)`,
      ...[
        `vendor/${TARBALL}`,
        "Pulumi.yaml",
        "package.json",
        "index.js",
        "recipes/local.yaml",
        "stacks/Pulumi.local.yaml",
        ".gitignore",
      ].map((f) => `wrote ${path.join(rel, f)}`),
      `vendor/${TARBALL} is the recette release this project runs (package.json depends on it): commit it.`,
      "to upgrade: copy a newer recette-<version>.tgz into vendor/, then npm install ./vendor/recette-<version>.tgz",
      "next:",
      `  cd ${rel} && npm install`,
      "  npx recette validate recipes/local.yaml",
    ]);
    expect(files(dir)).toEqual([
      ".gitignore",
      "Pulumi.yaml",
      "index.js",
      "package.json",
      "recipes/local.yaml",
      "stacks/Pulumi.local.yaml",
      `vendor/${TARBALL}`,
    ]);
    expect(packs[packs.length - 1]).toBe(path.join(dir, "vendor"));
    expect(parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))).toMatchObject({
      name: "blog",
      runtime: { name: "nodejs", options: { typescript: false } },
      main: "index.js",
      stackConfigDir: "stacks",
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const deps = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies;
    // Never the npm registry's `recette` (another project's): the release it was made with, in vendor/.
    expect(pkg.dependencies).toEqual({ "@pulumi/pulumi": deps["@pulumi/pulumi"], recette: `file:vendor/${TARBALL}` });
    expect(fs.readFileSync(path.join(dir, "index.js"), "utf8")).toContain(
      'module.exports = require("recette").runProgram();',
    );
    expect(fs.readFileSync(path.join(dir, "stacks/Pulumi.local.yaml"), "utf8")).toBe(
      [
        "# The local stack of blog: the recipe it deploys and the values that recipe reads.",
        "# Set these before deploying, in this folder (a --secret value is asked for, then stored encrypted here):",
        "#   recette config set --secret blogAdminPassword -s local" +
          "   (the blog's admin, set when it is installed)",
        "# A production stack says so here: blog:production: true (Let's Encrypt's production CA by default,",
        "# protected volumes). Any other stack is not production, whatever its name.",
        "config:",
        "  blog:recipe: recipes/local.yaml",
        "  blog:imageRegistry: local",
        "",
      ].join("\n"),
    );
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/^node_modules\/\n/);
  });

  it("the project it writes renders: every physical name starts with the project's name, not recette's", async () => {
    const dir = path.join(tmp(), "shop");
    expect(initProject({ dir }, capture().io, fakePack)).toBe(0);
    const { registrations } = await renderStack({ root: dir, stack: "local" });
    const services = registrations.filter((r) => r.type === "docker:index/service:Service").map((r) => r.inputs.name);
    expect(services.sort()).toEqual(["shop-local-blog", "shop-local-pebble", "shop-local-relay", "shop-local-traefik"]);
  }, 60_000);

  it.each([
    ["local", "local", ["blogAdminPassword"]],
    [
      "scaleway-swarm",
      "dev",
      [
        "sshPublicKey",
        "sshPrivateKey",
        "acmeEmail",
        "contactAddress",
        "blogAdminPassword",
        "smtpUser",
        "smtpPassword",
        "imageRegistry",
        "scaleway:access_key",
        "scaleway:secret_key",
        "scaleway:project_id",
      ],
    ],
    [
      "scaleway-k3s",
      "dev",
      [
        "sshPublicKey",
        "sshPrivateKey",
        "acmeEmail",
        "contactAddress",
        "blogAdminPassword",
        "smtpUser",
        "smtpPassword",
        "imageRegistry",
        "scaleway:access_key",
        "scaleway:secret_key",
        "scaleway:project_id",
      ],
    ],
    ["hosts", "dev", ["sshPrivateKey", "acmeEmail", "contactAddress", "blogAdminPassword", "imageRegistry"]],
  ])("template %s: a valid recipe, and stack %s lists the command for each of %j", (template, stack, keys) => {
    const plan = planProject({ dir: path.join(tmp(), "web"), template });
    if ("problem" in plan) throw new Error(plan.problem);
    const recipe = plan.files.find((f) => f.file === `recipes/${template}.yaml`)!;
    const file = path.join(tmp(), "recipe.yaml");
    fs.writeFileSync(file, recipe.content);
    expect(loadRecipe(file).warnings).toEqual([]);
    const stackText = plan.files.find((f) => f.file === `stacks/Pulumi.${stack}.yaml`)!.content;
    const commands = stackText.split("\n").filter((l) => l.startsWith("#   recette config set "));
    expect(commands.map((l) => l.replace(/^# {3}recette config set (--secret )?(\S+) .*$/, "$2"))).toEqual(keys);
    for (const l of commands) expect(l).toMatch(/ -s \S+( < \S+)?( {3}\(.*\))?$/);
    // A secret is asked for (or read from a file), never typed on the command line.
    for (const l of commands.filter((c) => c.includes("--secret")))
      expect(l).toMatch(/^# {3}recette config set --secret \S+ -s \S+( < \S+)?( {3}\(.*\))?$/);
    expect(
      commands.filter((l) => l.includes("--secret")).map((l) => l.replace(/^.* --secret (\S+) .*$/, "$1")),
    ).toEqual(keys.filter((k) => /Password|PrivateKey|secret_key/.test(k)));
    expect(parseStack(stackText, "stacks/Pulumi.local.yaml", "web").config["web:recipe"]).toBe(
      `recipes/${template}.yaml`,
    );
  });

  it("an org-qualified --stack names the stack file by its last part and the commands by the whole name", () => {
    const plan = planProject({ dir: path.join(tmp(), "web"), stack: "acme/prod" });
    if ("problem" in plan) throw new Error(plan.problem);
    const stackFile = plan.files.find((f) => f.file === "stacks/Pulumi.prod.yaml")!;
    expect(stackFile.content).toContain("#   recette config set --secret blogAdminPassword -s acme/prod");
  });

  it("refuses a folder that already holds a Pulumi project, naming the file; writes nothing", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: mine\n");
    const c = capture();
    expect(initProject({ dir, name: "web" }, c.io, fakePack)).toBe(1);
    expect(c.err).toEqual([
      `recette init: ${path.relative(process.cwd(), path.join(dir, "Pulumi.yaml"))} exists: ` +
        "this folder is a Pulumi project already; nothing was written",
    ]);
    expect(files(dir)).toEqual(["Pulumi.yaml"]);
  });

  it("never overwrites: a file it would write is refused before anything is written; other files are kept", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine\n");
    fs.writeFileSync(path.join(dir, ".gitignore"), "mine\n");
    const c = capture();
    expect(initProject({ dir, name: "web" }, c.io, fakePack)).toBe(1);
    expect(c.err).toEqual([
      `recette init: ${path.relative(process.cwd(), path.join(dir, ".gitignore"))} exists; ` +
        "nothing was written (init never overwrites a file)",
    ]);
    expect(files(dir)).toEqual([".gitignore", "notes.txt"]);
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("mine\n");
    fs.rmSync(path.join(dir, ".gitignore"));
    expect(initProject({ dir, name: "web" }, capture().io, fakePack)).toBe(0);
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine\n");
  });

  it.each([
    [{ name: "My_Shop" }, 'recette init: --name "My_Shop" is not a recette project name'],
    [{}, 'recette init: the folder\'s name "My Shop" is not a recette project name'],
    [
      { name: "shop", template: "aws" },
      'recette init: --template "aws": no such template (one of: local, scaleway-swarm, scaleway-k3s, hosts)',
    ],
    [{ name: "shop", stack: "Prod" }, 'recette init: --stack "Prod" is not a recette stack name'],
  ])("refuses %j with exit 2 and writes nothing", (o, message) => {
    const dir = path.join(tmp(), "My Shop");
    const c = capture();
    expect(initProject({ dir, ...o }, c.io, fakePack)).toBe(2);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]!.startsWith(message)).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("a folder that is a file is refused in our words, not Node's", () => {
    const file = path.join(tmp(), "web");
    fs.writeFileSync(file, "x\n");
    const c = capture();
    expect(initProject({ dir: file }, c.io, fakePack)).toBe(1);
    expect(c.err).toEqual([
      `recette init: ${path.relative(process.cwd(), path.join(file, "vendor", TARBALL))}: ` +
        "a file is in the way of this path (pick another folder); nothing was written",
    ]);
  });

  it("a folder whose name is not a project name says how to fix it", () => {
    const c = capture();
    expect(initProject({ dir: path.join(tmp(), "My Shop") }, c.io, fakePack)).toBe(2);
    expect(c.err[0]).toMatch(/\(fix: --name <project>\)$/);
  });

  it("--package copies the tarball into vendor/ and depends on the copy (the project points nowhere else)", () => {
    const from = path.join(tmp(), "recette-9.9.9.tgz");
    fs.writeFileSync(from, "release\n");
    const dir = path.join(tmp(), "web");
    const c = capture();
    const before = packs.length;
    expect(initProject({ dir, packageFile: from }, c.io, fakePack)).toBe(0);
    expect(packs.length).toBe(before);
    expect(fs.readFileSync(path.join(dir, "vendor", "recette-9.9.9.tgz"), "utf8")).toBe("release\n");
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies.recette).toBe("file:vendor/recette-9.9.9.tgz");
    expect(c.out).toContain(
      "vendor/recette-9.9.9.tgz is the recette release this project runs (package.json depends on it): commit it.",
    );
    const missing = path.join(tmp(), "none.tgz");
    expect(planProject({ dir, packageFile: missing })).toEqual({
      problem: `--package ${missing}: no such file (give a recette tarball made by npm pack)`,
    });
  });

  it("a failed npm pack writes nothing and says why", () => {
    const dir = path.join(tmp(), "web");
    const c = capture();
    const failing = () => {
      throw new Error("npm pack /x failed (exit 1): npm ERR! something");
    };
    expect(initProject({ dir }, c.io, failing)).toBe(1);
    expect(c.err).toEqual([
      `recette init: ${path.relative(process.cwd(), path.join(dir, "vendor", TARBALL))}: ` +
        "npm pack /x failed (exit 1): npm ERR! something; nothing was written",
    ]);
    expect(fs.existsSync(path.join(dir, "vendor"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "package.json"))).toBe(false);
  });

  it("packs a package through npm pack's argument list (a package of its own: the checkout's would build)", () => {
    expect(npmPackArgs("/opt/recette", "/p/vendor", false)).toEqual([
      "pack",
      "/opt/recette",
      "--pack-destination",
      "/p/vendor",
      "--json",
      "--ignore-scripts",
    ]);
    expect(npmPackArgs("/src/recette", "/p/vendor", true)).not.toContain("--ignore-scripts");
    const pkg = tmp();
    fs.writeFileSync(path.join(pkg, "package.json"), '{ "name": "recette", "version": "7.0.0", "files": ["a.js"] }\n');
    fs.writeFileSync(path.join(pkg, "a.js"), "module.exports = 1;\n");
    const dest = tmp();
    expect(packPackage(pkg, dest, false)).toBe("recette-7.0.0.tgz");
    expect(fs.existsSync(path.join(dest, "recette-7.0.0.tgz"))).toBe(true);
    expect(() => packPackage(path.join(pkg, "missing"), dest, false)).toThrow(
      /^npm pack .*missing failed \(exit \d+\)/,
    );
  }, 60_000);

  it("is a command of the CLI: recette init <dir> --template hosts; a second positional is a usage error", () => {
    const dir = path.join(tmp(), "edge");
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args], { encoding: "utf8" });
    const tarball = path.join(tmp(), TARBALL);
    fs.writeFileSync(tarball, "tarball\n");
    const r = cli("init", dir, "--template", "hosts", "--package", tarball);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(files(dir)).toContain("recipes/hosts.yaml");
    expect(files(dir)).toContain("stacks/Pulumi.dev.yaml");
    const usage = cli("init", dir, "extra");
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe(
      "recette init: too many arguments (2 given): it takes <dir>\n" +
        "usage: recette init [dir] [options]   (recette init --help for more)\n",
    );
  });

  it(
    "before npm install, the engine commands say npm install " + "in a new project and npm ci once it has a lockfile",
    () => {
      const dir = path.join(tmp(), "blog");
      expect(initProject({ dir }, capture().io, fakePack)).toBe(0);
      const config = () =>
        spawnSync(process.execPath, [path.join(ROOT, "bin", "recette"), "config", "-s", "local"], {
          cwd: dir,
          encoding: "utf8",
        });
      const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json");
      const fresh = config();
      expect(fresh.status).toBe(1);
      expect(fresh.stderr).toBe(
        `recette config: stack local failed:\n${sdk} is missing (fix: run npm install in ${dir})\n`,
      );
      fs.writeFileSync(path.join(dir, "package-lock.json"), "{}\n");
      expect(config().stderr).toBe(
        `recette config: stack local failed:\n${sdk} is missing (fix: run npm ci in ${dir})\n`,
      );
    },
  );
});
