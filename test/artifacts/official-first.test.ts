import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVersions } from "../../components/images";
import { ROOT } from "../helpers";
import { renderRegistryConfig } from "../lab/lab";

// Official artifacts first, built only when they cannot be had (scripts/build-images for Traefik,
// scripts/ensure-pulumi for the provider plugins). Both paths, for real, without a network and without
// a build: a local registry (Debian's docker-registry, as the lab's) stands in for Docker Hub and a
// local HTTP server for the plugin server; an unreachable address (127.0.0.1:1) makes the scripts fall
// back, and a `go` on PATH that only records that it was called proves where the fallback leads
// without compiling anything (the builds themselves are what `npm run local:up` and CI run).
// The tests tag their own names and never touch this machine's recette/traefik tag.

const VERSIONS = parseVersions(fs.readFileSync(path.join(ROOT, "images", "versions.env"), "utf8"));
const CACHE = process.env.RECETTE_CACHE ?? path.join(os.homedir(), ".cache", "recette");
const PULUMI_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
).version;
const PULUMI_BIN = path.join(CACHE, "pulumi", PULUMI_VERSION, "bin");
const HAS_DOCKER = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
const HAS_REGISTRY = spawnSync("sh", ["-c", "command -v docker-registry"], { stdio: "ignore" }).status === 0;
const HAS_ENGINE = fs.existsSync(path.join(PULUMI_BIN, "pulumi"));
const CI = Boolean(process.env.CI);
const ID = `${process.pid}-${Date.now().toString(36)}`;

interface Run {
  status: number | null;
  out: string;
}
/** Runs a script asynchronously (the plugin server lives in this process and must keep answering). */
const runScript = (script: string, args: string[], env: Record<string, string>): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn("bash", [path.join(ROOT, "scripts", script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (status) => resolve({ status, out }));
  });

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });

const answers = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    http
      .get(url, (r) => {
        r.resume();
        resolve(true);
      })
      .on("error", () => resolve(false));
  });

/** A temporary directory with a `go` that records its arguments in go.calls and fails. */
const fakeGo = (dir: string): { path: string; calls: string } => {
  const bin = path.join(dir, "fake-go");
  fs.mkdirSync(bin, { recursive: true });
  const calls = path.join(dir, "go.calls");
  fs.writeFileSync(
    path.join(bin, "go"),
    `#!/bin/sh\necho "go $*" >>'${calls}'\necho "fake go: no builds in this test" >&2\nexit 1\n`,
    { mode: 0o755 },
  );
  return { path: `${bin}:${process.env.PATH}`, calls };
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recette-official-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A test that needs `need`: in CI a missing prerequisite fails it, elsewhere it is skipped and its name says why. */
const when = (need: boolean) => (need || CI ? it : it.skip);
const skipNote = (need: boolean, why: string) => (need || CI ? "" : ` [skipped: ${why}]`);

describe("build-images: the official Traefik image first", () => {
  const BASE = VERSIONS.BASE_IMAGE ?? "";
  const haveBase = HAS_DOCKER && spawnSync("docker", ["image", "inspect", BASE], { stdio: "ignore" }).status === 0;
  const ready = haveBase && HAS_REGISTRY;
  const why = !HAS_DOCKER ? "no Docker engine" : !haveBase ? `${BASE} is not built` : "no docker-registry";
  const TAG = `recette-test-${ID}/traefik:${VERSIONS.TRAEFIK_VERSION}`;
  const OFFLINE_TAG = `recette-test-${ID}/traefik-offline:${VERSIONS.TRAEFIK_VERSION}`;
  let registry: ChildProcess | undefined;
  let port = 0;
  let digest = "";
  const removals: string[] = [TAG];

  beforeAll(async () => {
    if (!ready) return;
    // The local registry, serving an image under library/traefik as Docker Hub serves the official one.
    port = await freePort();
    const storage = path.join(tmp, "registry");
    fs.mkdirSync(storage);
    fs.writeFileSync(path.join(tmp, "registry.yml"), renderRegistryConfig(storage, `127.0.0.1:${port}`));
    registry = spawn("docker-registry", ["serve", path.join(tmp, "registry.yml")], { stdio: "ignore" });
    for (let i = 0; i < 100 && !(await answers(`http://127.0.0.1:${port}/v2/`)); i++)
      await new Promise((r) => setTimeout(r, 100));
    // Any image will do: what is tested is the pull by digest. The Debian base is always here and small.
    const remote = `127.0.0.1:${port}/library/traefik:${VERSIONS.TRAEFIK_VERSION}`;
    removals.push(remote);
    expect(spawnSync("docker", ["tag", BASE, remote]).status).toBe(0);
    const push = spawnSync("docker", ["push", remote], { encoding: "utf8" }); // 127.0.0.0/8: plain HTTP allowed
    expect(push.status, push.stderr).toBe(0);
    digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1] ?? "";
    expect(digest).toMatch(/^sha256:/);
    removals.push(`127.0.0.1:${port}/library/traefik@${digest}`);
  }, 300_000);

  afterAll(() => {
    if (registry?.pid) process.kill(registry.pid);
    for (const r of removals) spawnSync("docker", ["rmi", r], { stdio: "ignore" });
  });

  const env = (registryAddr: string, extra: Record<string, string> = {}) => ({
    RECETTE_UPSTREAM_REGISTRY: registryAddr,
    RECETTE_TRAEFIK_IMAGE: TAG,
    RECETTE_CACHE: path.join(tmp, "cache"),
    RECETTE_UPSTREAM_PROBE_SECONDS: "5",
    ...extra,
  });

  when(ready)(
    `a registry that answers: pulled by digest and tagged, no Go build${skipNote(ready, why)}`,
    async () => {
      expect(ready, why).toBe(true);
      const go = fakeGo(path.join(tmp, "pull"));
      const e = env(`127.0.0.1:${port}`, { RECETTE_TRAEFIK_DIGEST: digest, PATH: go.path });
      const which = await runScript("build-images", ["--which", "--only", "traefik"], e);
      expect(which.out).toContain(
        `traefik: pull 127.0.0.1:${port}/library/traefik@${digest} (127.0.0.1:${port} answers)`,
      );

      const t0 = Date.now();
      const r = await runScript("build-images", ["--only", "traefik"], e);
      expect(r.status, r.out).toBe(0);
      const lines = r.out.split("\n").filter((l) => l.includes("traefik: "));
      expect(lines, r.out).toHaveLength(1); // the one line that says which path was taken
      expect(lines[0]).toMatch(
        new RegExp(
          `traefik: official image 127\\.0\\.0\\.1:${port}/library/traefik@${digest} \\(digest matched\\), ` +
            `tagged ${TAG.replace(/[.]/g, "\\.")}, in \\d+s; no build$`,
        ),
      );
      expect(r.out).not.toMatch(/Go module|go build|go mod/);
      expect(fs.existsSync(go.calls), "go was called").toBe(false);
      expect(fs.existsSync(path.join(tmp, "cache", "traefik"))).toBe(false);
      const id = (ref: string) =>
        spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).stdout.trim();
      expect(id(TAG)).toBe(id(BASE));
      console.log(`pull path: ${lines[0]} (${Date.now() - t0} ms)`);

      // Pulled once: kept, also by --which.
      const again = await runScript("build-images", ["--only", "traefik"], e);
      expect(again.out).toContain(`${TAG} exists (the official image ${digest}): skipped`);
      expect((await runScript("build-images", ["--which", "--only", "traefik"], e)).out).toContain(
        `traefik: keep ${TAG} (the official image ${digest})`,
      );
    },
    300_000,
  );

  when(HAS_DOCKER)(
    `a registry that does not answer: one line, then the Go module build${skipNote(HAS_DOCKER, "no Docker engine")}`,
    async () => {
      expect(HAS_DOCKER, "no Docker engine").toBe(true);
      const go = fakeGo(path.join(tmp, "fallback"));
      // a tag of its own: the test above made TAG
      const e = env("127.0.0.1:1", { PATH: go.path, RECETTE_TRAEFIK_IMAGE: OFFLINE_TAG });
      const which = await runScript("build-images", ["--which", "--only", "traefik"], e);
      expect(which.status).toBe(0);
      expect(which.out).toMatch(
        new RegExp(
          `^traefik: build from the Go module github\\.com/traefik/traefik/v3@${VERSIONS.TRAEFIK_VERSION} ` +
            "\\(127\\.0\\.0\\.1:1 does not answer \\(.+\\)\\)$",
          "m",
        ),
      );
      expect(fs.existsSync(go.calls)).toBe(false); // --which builds nothing

      const r = await runScript("build-images", ["--only", "traefik"], e);
      const line = r.out.split("\n").find((l) => l.includes("does not answer"));
      expect(line, r.out).toMatch(
        new RegExp(
          [
            "traefik: 127\\.0\\.0\\.1:1 does not answer \\(.+\\): ",
            "building Traefik v[\\d.]+ from its Go module instead ",
            "\\(the offline path, scripts/offline/traefik\\.sh\\)$",
          ].join(""),
        ),
      );
      expect(r.out).not.toContain("official image");
      // ... and the Go build is what follows: the fake go was asked for Traefik's module, then the run stopped.
      expect(fs.readFileSync(go.calls, "utf8")).toContain(
        `mod download -json github.com/traefik/traefik/v3@${VERSIONS.TRAEFIK_VERSION}`,
      );
      expect(r.status).not.toBe(0);
      expect(spawnSync("docker", ["image", "inspect", OFFLINE_TAG], { stdio: "ignore" }).status).not.toBe(0);
      console.log(`fallback path: ${line}`);
    },
    120_000,
  );
});

describe("ensure-pulumi: the official plugins first", () => {
  const why = `no Pulumi engine at ${PULUMI_BIN} (scripts/ensure-pulumi makes it)`;
  const PLUGINS = ["command", "random", "docker"].map((name) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", name, "package.json"), "utf8"));
    return { name, version: String(pkg.pulumi.version) };
  });
  let server: http.Server | undefined;
  let port = 0;
  const cache = path.join(tmp, "pulumi-cache");

  beforeAll(async () => {
    // A plugin server as `pulumi plugin install --server URL` reads one:
    // URL/pulumi-resource-NAME-vVERSION-OS-ARCH.tar.gz,
    // holding a plugin that only says which one it is.
    const files = path.join(tmp, "plugin-server");
    fs.mkdirSync(files, { recursive: true });
    for (const p of PLUGINS) {
      const dir = path.join(tmp, `plugin-${p.name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `pulumi-resource-${p.name}`), `#!/bin/sh\necho official-stand-in ${p.name}\n`, {
        mode: 0o755,
      });
      const tar = spawnSync("tar", [
        "-C",
        dir,
        "-czf",
        path.join(files, `pulumi-resource-${p.name}-v${p.version}-linux-amd64.tar.gz`),
        ".",
      ]);
      expect(tar.status).toBe(0);
    }
    server = http.createServer((req, res) => {
      const f = path.join(files, path.basename(req.url ?? ""));
      if (fs.existsSync(f) && fs.statSync(f).isFile()) res.end(fs.readFileSync(f));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
    // A cache of its own, with this machine's engine (CLI and language host) but no plugin.
    fs.mkdirSync(path.join(cache, "pulumi", PULUMI_VERSION), { recursive: true });
    if (HAS_ENGINE) fs.symlinkSync(PULUMI_BIN, path.join(cache, "pulumi", PULUMI_VERSION, "bin"));
  });
  afterAll(() => server?.close());

  when(HAS_ENGINE)(
    `a plugin server that answers: official plugins installed, nothing built${skipNote(HAS_ENGINE, why)}`,
    async () => {
      expect(HAS_ENGINE, why).toBe(true);
      const go = fakeGo(path.join(tmp, "plugins-pull"));
      const e = { RECETTE_PLUGIN_SERVER: `http://127.0.0.1:${port}`, RECETTE_CACHE: cache, PATH: go.path };
      const which = await runScript("ensure-pulumi", ["--which"], e);
      for (const p of PLUGINS)
        expect(which.out).toContain(
          `plugin ${p.name} ${p.version}: official, pulumi plugin install from http://127.0.0.1:${port}`,
        );

      const t0 = Date.now();
      const r = await runScript("ensure-pulumi", [], e);
      expect(r.status, r.out).toBe(0);
      for (const p of PLUGINS) {
        expect(r.out).toMatch(
          new RegExp(`plugin ${p.name} ${p.version}: official, from http://127\\.0\\.0\\.1:${port} \\(\\d+s\\)`),
        );
        const bin = path.join(
          cache,
          "pulumi-home",
          "plugins",
          `resource-${p.name}-v${p.version}`,
          `pulumi-resource-${p.name}`,
        );
        expect(spawnSync(bin, [], { encoding: "utf8" }).stdout).toBe(`official-stand-in ${p.name}\n`);
      }
      expect(r.out).not.toMatch(/Go modules instead|stand-in built|go mod download/);
      expect(fs.existsSync(go.calls), "go was called").toBe(false);
      console.log(`plugins, pull path: ${PLUGINS.length} plugins in ${Date.now() - t0} ms`);
      const kept = await runScript("ensure-pulumi", ["--which"], e);
      for (const p of PLUGINS) expect(kept.out).toContain(`plugin ${p.name} ${p.version}: keep (installed)`);
    },
    120_000,
  );

  when(HAS_ENGINE)(
    `a plugin server that does not answer: one line, then the Go module build${skipNote(HAS_ENGINE, why)}`,
    async () => {
      expect(HAS_ENGINE, why).toBe(true);
      const go = fakeGo(path.join(tmp, "plugins-fallback"));
      const fresh = path.join(tmp, "pulumi-cache-fallback");
      fs.mkdirSync(path.join(fresh, "pulumi", PULUMI_VERSION), { recursive: true });
      fs.symlinkSync(PULUMI_BIN, path.join(fresh, "pulumi", PULUMI_VERSION, "bin"));
      const e = { RECETTE_PLUGIN_SERVER: "http://127.0.0.1:1", RECETTE_CACHE: fresh, PATH: go.path };
      const which = await runScript("ensure-pulumi", ["--which"], e);
      for (const p of PLUGINS)
        expect(which.out).toMatch(
          new RegExp(
            `^plugin ${p.name} ${p.version}: build from Go modules ` +
              "\\(http://127\\.0\\.0\\.1:1 does not answer \\(.+\\)\\)$",
            "m",
          ),
        );

      const r = await runScript("ensure-pulumi", [], e);
      const first = PLUGINS[0];
      const line = r.out.split("\n").find((l) => l.includes("does not answer"));
      expect(line, r.out).toMatch(
        new RegExp(
          `http://127\\.0\\.0\\.1:1 does not answer \\(.+\\): building ${first?.name} ${first?.version} ` +
            "from Go modules instead \\(the offline path, scripts/offline/pulumi\\.sh\\)$",
        ),
      );
      // ... and the Go build is what follows: the official module first, then the stand-in (the fake go stops it
      // there).
      expect(fs.readFileSync(go.calls, "utf8")).toContain(
        "mod download -json github.com/pulumi/pulumi-command/provider@v",
      );
      expect(r.status).not.toBe(0);
      console.log(`plugins, fallback path: ${line}`);
    },
    120_000,
  );
});
