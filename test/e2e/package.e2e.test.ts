import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { converged, labelled, mustSucceed, request, sh, timedRun, userEnv, waitFor } from "./helpers";

// The package as a user gets it: `npm pack` of this checkout, installed into an empty folder outside it
// (dependencies from the npm registry), a project made there by `recette init`, then deployed with the
// installed command on this machine's Docker engine: up with live progress to HTTPS 200, status, drift, a
// hand edit, destroy. The project is named `blog` (its objects are blog-local-*) and its recipe moves
// Traefik to ports 18180/18543, so it runs beside the docker lane's own `local` stack (80/443).
const ROOT = path.resolve(__dirname, "../..");
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "recette-package-")));
const tool = path.join(base, "tool");
const project = path.join(base, "blog");
let tarball = "";

const run = (cmd: string, args: string[], cwd: string, timeout = 10 * 60_000) => {
  // Nothing of the checkout leaks in through the environment (npm_config_*, the npm prefix of `npm test`).
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });
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

const LABEL = "blog-local";
const HOST = "blog.local.test";
const HTTP = 18180;
const HTTPS = 18543;
const services = () => labelled("service", LABEL);
const volumes = () => labelled("volume", LABEL);
/** The installed command, run in the project as its user types it. */
const recette = (args: string[], input?: string) =>
  timedRun("npx", ["--no-install", "recette", ...args], { cwd: project, env: userEnv(), ...(input ? { input } : {}) });

afterAll(async () => {
  if (fs.existsSync(path.join(project, "node_modules")) && services().length > 0)
    mustSucceed("npx recette destroy -s local", await recette(["destroy", "-s", "local"]));
  for (const v of volumes()) sh("docker", ["volume", "rm", v]);
  fs.rmSync(base, { recursive: true, force: true });
}, 10 * 60_000);

describe("the package, installed outside the checkout", () => {
  it("ships compiled JavaScript and what the engine, images and cluster scripts need; no TypeScript, no tests", () => {
    const listed = run("tar", ["-tzf", tarball], base)
      .stdout.split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    for (const f of [
      "bin/recette",
      "dist/cli.js",
      "dist/engine/cli/main.js",
      "dist/engine/program.d.ts",
      "dist/components/naming.d.ts",
      "templates/recipes/local.yaml",
      "recipes/recipe.schema.json",
      "images/versions.env",
      "images/pluxml/Dockerfile",
      "scripts/ensure-pulumi",
      "scripts/build-images",
      "scripts/offline/traefik.sh",
      "scripts/offline/traefik/Dockerfile",
      "scripts/offline/pulumi.sh",
      "scripts/offline/pulumi-standins/standins.sh",
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
    // The project carries the release it was made with (the registry's `recette` is another project's).
    const vendored = `vendor/${path.basename(tarball)}`;
    expect(init.stdout).toContain(`${vendored} is the recette release this project runs`);
    expect(fs.readFileSync(path.join(project, vendored))).toEqual(fs.readFileSync(tarball));
    expect(JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")).dependencies.recette).toBe(
      `file:${vendored}`,
    );
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

  it("recette config set --secret reads the value from stdin and stores it encrypted in the stack file", async () => {
    expect(services(), "a blog-local stack is running: destroy it first").toEqual([]);
    const recipeFile = path.join(project, "recipes/local.yaml");
    // The user's own edit: other ports, since this machine's 80 and 443 belong to another stack.
    const recipe = fs.readFileSync(recipeFile, "utf8");
    expect(recipe).toMatch(/^edge:\n {2}traefik:\n/m);
    fs.writeFileSync(
      recipeFile,
      recipe.replace(/^edge:\n {2}traefik:\n/m, `edge:\n  traefik:\n    ports: { http: ${HTTP}, https: ${HTTPS} }\n`),
    );
    const set = await recette(["config", "set", "--secret", "blogAdminPassword", "-s", "local"], "package-admin-pw");
    expect(set.code, set.stderr).toBe(0);
    const stackText = fs.readFileSync(path.join(project, "stacks/Pulumi.local.yaml"), "utf8");
    expect(stackText).toMatch(/^ {2}blog:blogAdminPassword:\n {4}secure: v1:/m);
    expect(stackText).not.toContain("package-admin-pw");
    const listed = await recette(["config", "-s", "local", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)["blog:blogAdminPassword"]).toEqual({ secret: true });
  });

  it("npx recette up -s local: a line per resource while it runs, the URL at the end, HTTPS 200", async () => {
    const up = await recette(["up", "-s", "local"]);
    expect(up.code, up.stderr.slice(-4000)).toBe(0);
    expect(up.stdout).toBe(`https://${HOST}:${HTTPS}/\n`);
    const created = up.lines.filter((l) =>
      /^\+ {2}\S+ \(docker:index\/service:Service\) created in \d+(m\d\d)?s$/.test(l.text),
    );
    expect(created.map((l) => l.text.split(" ")[2]).sort()).toEqual(["blog", "pebble", "relay", "traefik"]);
    // Progress, not a report at the end: the first service was announced well before the command ended.
    expect(up.lines.find((l) => / creating…$/.test(l.text))!.at).toBeLessThan(up.seconds - 5);
    // The engine's summary, then the wait until the URL answers through Traefik: up prints it only then.
    const texts = up.lines.map((l) => l.text);
    const done = texts.findIndex((t) => /^done: \d+ created, 0 unchanged in \d+(m\d\d)?s$/.test(t));
    expect(done, up.stderr.slice(-2000)).toBeGreaterThan(0);
    expect(texts.slice(done + 1)).toEqual([
      `waiting for https://${HOST}:${HTTPS}/ to answer`,
      `https://${HOST}:${HTTPS}/ answers (HTTP 200) at 127.0.0.1:${HTTPS}`,
    ]);
    console.log(`package: npx recette up -s local took ${up.seconds.toFixed(0)} s`);
    await converged(LABEL);
    const ok = await waitFor(
      "HTTPS 200 from the blog",
      async () => {
        const r = await request("https", HOST, HTTPS, "/");
        return r.status === 200 ? r : undefined;
      },
      240,
    );
    expect(ok.body).toContain("PluXml");
  });

  it(
    "npx recette preview --json: no change, and the " + "policy pack recette ships (compiled) ran on the stack",
    async () => {
      const preview = await recette(["preview", "-s", "local", "--json"]);
      expect(preview.code, preview.stderr.slice(-3000)).toBe(0);
      const [doc] = JSON.parse(preview.stdout).stacks;
      expect(doc.failed).toBe(false);
      expect(doc.counts).toMatchObject({ create: 0, update: 0, delete: 0, replace: 0 });
      expect(doc.policyPacks.map((p: { name: string }) => p.name)).toEqual(["recette"]);
      expect(doc.violations).toEqual([]);
    },
  );

  it("npx recette status --json: the URL, each service running, the certificate from the local CA", async () => {
    const report = await waitFor(
      "a Pebble certificate in recette status",
      async () => {
        const r = await recette(["status", "-s", "local", "--json"]);
        if (r.code !== 0) throw new Error(r.stderr);
        const doc = JSON.parse(r.stdout);
        return /Pebble/.test(doc.certificates[0]?.issuer ?? "") ? doc : undefined;
      },
      180,
    );
    expect(report.urls).toEqual([`https://${HOST}:${HTTPS}/`]);
    expect(
      report.workloads.map((w: { name: string; health: string; running: number }) => [w.name, w.health, w.running]),
    ).toEqual(["blog", "pebble", "relay", "traefik"].map((s) => [`${LABEL}-${s}`, "ok", 1]));
    expect(report.problems).toEqual([]);
  });

  it("npx recette drift: exit 0, then exit 2 naming a hand edit; destroy removes every service", async () => {
    const clean = await recette(["drift", "-s", "local"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(sh("docker", ["service", "update", "--detach", "--env-add", "HAND_FIX=1", `${LABEL}-blog`]).status).toBe(0);
    const drift = await recette(["drift", "-s", "local", "--json"]);
    expect(drift.code, drift.stderr).toBe(2);
    expect(JSON.parse(drift.stdout).drift.map((d: { name: string; paths: string[] }) => [d.name, d.paths])).toEqual([
      ["blog", ["taskSpec.containerSpec.env.HAND_FIX"]],
    ]);
    const down = await recette(["destroy", "-s", "local"]);
    expect(down.code, down.stderr.slice(-4000)).toBe(0);
    expect(services()).toEqual([]);
    // The blog's data volume is kept on purpose, and its name comes from the user's project.
    expect(volumes().some((v) => v.startsWith(`${LABEL}-`))).toBe(true);
  });
});
