import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The package as a user gets it: `npm pack` of this checkout, installed into an empty folder outside it
// (dependencies from the npm registry), a project made there by `recette init`. No Docker, no engine.
const ROOT = path.resolve(__dirname, "../..");
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "recette-package-")));
const tool = path.join(base, "tool");
const project = path.join(base, "blog");
let tarball = "";

const run = (cmd: string, args: string[], cwd: string, timeout = 10 * 60_000) => {
  // Nothing of the checkout leaks in through the environment (npm_config_*, the npm prefix of `npm test`).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"));
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env, timeout, maxBuffer: 64 * 1024 * 1024 });
  return {
    status: r.status,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    output: `${r.stdout ?? ""}${r.stderr ?? ""}`,
  };
};

/** Every path under `dir` (symbolic links not followed), with where each link points. */
const walk = (dir: string): { file: string; target?: string }[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isSymbolicLink()) return [{ file, target: path.resolve(dir, fs.readlinkSync(file)) }];
    return e.isDirectory() ? [{ file }, ...walk(file)] : [{ file }];
  });

beforeAll(() => {
  expect(path.relative(ROOT, base).startsWith("..")).toBe(true);
  const pack = run("npm", ["pack", "--pack-destination", base, "--json"], ROOT);
  expect(pack.status, pack.output).toBe(0);
  tarball = path.join(base, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  fs.mkdirSync(tool);
  fs.writeFileSync(path.join(tool, "package.json"), '{ "private": true }\n');
  const install = run("npm", ["install", "--no-audit", "--no-fund", tarball], tool);
  expect(install.status, install.output).toBe(0);
}, 15 * 60_000);

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("the package, installed outside the checkout", () => {
  it("ships compiled JavaScript and what the engine, images and cluster scripts need; no TypeScript, no tests", () => {
    const listed = run("tar", ["-tzf", tarball], base)
      .stdout.split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    for (const f of [
      "bin/recette",
      "dist/engine/cli/main.js",
      "dist/engine/program.d.ts",
      "dist/components/naming.d.ts",
      "templates/recipes/local.yaml",
      "recipes/recipe.schema.json",
      "images/versions.env",
      "images/pluxml/Dockerfile",
      "scripts/ensure-pulumi",
      "scripts/build-images",
      "scripts/ensure-kubernetes",
      "scripts/vendor-file",
    ]) {
      expect(listed, f).toContain(f);
    }
    expect(listed.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(listed.filter((f) => /^(test|stacks|engine|components)\//.test(f) || /\.pem$/.test(f))).toEqual([]);
  });

  it("npx recette init, npm install, validate (exit 0), --help; nothing points into the checkout", () => {
    const init = run("npx", ["recette", "init", project, "--package", tarball], tool);
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    expect(init.stdout).toContain("next:\n  cd ../blog && npm install\n  npx recette validate recipes/local.yaml\n");
    const install = run("npm", ["install", "--no-audit", "--no-fund"], project);
    expect(install.status, install.output).toBe(0);
    // No TypeScript loader at run time: the installed CLI runs dist/.
    expect(fs.existsSync(path.join(project, "node_modules", "tsx"))).toBe(false);
    const validate = run("npx", ["recette", "validate", "recipes/local.yaml"], project);
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toBe("recipes/local.yaml: valid recipe blog (swarm on local, 2 apps)\n");
    expect(validate.status).toBe(0);
    const help = run("npx", ["recette", "--help"], project);
    expect(help.status, help.output).toBe(0);
    expect(help.stdout).toContain("init");
    for (const dir of [tool, project]) {
      const entries = walk(dir);
      expect(
        entries.filter((e) => e.target !== undefined && !path.relative(ROOT, e.target).startsWith("..")),
        dir,
      ).toEqual([]);
      expect(entries.filter((e) => !path.relative(ROOT, fs.realpathSync(e.file)).startsWith(".."))).toEqual([]);
    }
    const own = walk(project).filter(
      (e) => !e.file.includes(`${path.sep}node_modules${path.sep}`) && fs.statSync(e.file).isFile(),
    );
    expect(own.filter((e) => fs.readFileSync(e.file, "utf8").includes(ROOT)).map((e) => e.file)).toEqual([]);
  });

  it("the components resolve to compiled JavaScript with declarations, for Node and for TypeScript", () => {
    const resolved = run(process.execPath, ["-p", 'require.resolve("recette/components/naming")'], project);
    expect(resolved.stdout.trim()).toBe(
      path.join(project, "node_modules", "recette", "dist", "components", "naming.js"),
    );
    const named = run(
      process.execPath,
      [
        "-p",
        'require("recette/components/naming").physicalName({ project: "blog", stack: "dev", recipe: "r" }, "web")',
      ],
      project,
    );
    expect(named.stdout.trim()).toBe("blog-dev-web");
    fs.writeFileSync(
      path.join(project, "check.ts"),
      [
        'import { physicalName } from "recette/components/naming";',
        'const n: string = physicalName({ project: "a", stack: "b", recipe: "c" }, "d");',
        "export default n;",
        "",
      ].join("\n"),
    );
    // The checkout's TypeScript compiler, reading only the project's files: resolution through package.json "exports".
    const tsc = run(
      process.execPath,
      [
        path.join(ROOT, "node_modules/typescript/bin/tsc"),
        "--noEmit",
        "--strict",
        "--module",
        "node16",
        "--moduleResolution",
        "node16",
        "--traceResolution",
        "check.ts",
      ],
      project,
    );
    expect(tsc.status, tsc.output).toBe(0);
    const declaration = path.join(project, "node_modules/recette/dist/components/naming.d.ts");
    expect(tsc.stdout).toContain(`'recette/components/naming' was successfully resolved to '${declaration}'`);
  });
});
