import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputs } from "../../engine/cli/outputs";
import { status } from "../../engine/cli/status";
import { sdkVersion } from "../../engine/stack/engine-env";
import { loadRecipe } from "../../engine/load";
import { openStack, pluxmlReleases } from "../../engine/stack/workspace";
import { ROOT } from "../helpers";

// The Automation API plumbing on a stand-in engine: a `pulumi` script in a cache of its own that
// logs each call with the environment it got and answers the few commands these tests need.
const FAKE_PULUMI = `#!/bin/sh
first_path=$(echo "$PATH" | cut -d: -f1)
printf '%s|%s|%s|%s|%s\\n' "$*" "$PULUMI_BACKEND_URL" "$PULUMI_CONFIG_PASSPHRASE" \\
  "$PULUMI_SKIP_UPDATE_CHECK" "$first_path" >> "$FAKE_LOG"
case "$1" in
  version) echo v${"$"}{FAKE_VERSION} ;;
  config) cat "$FAKE_KEY_JSON" ;;
  stack)
    if [ "$2" = output ]; then
      [ -n "$SSH_AUTH_SOCK" ] && ssh-add -l >> "$FAKE_LOG" 2>&1
      case "$*" in
        *--show-secrets*) echo '{"urls":["https://blog.local.test/"],"dockerHost":"ssh://root@10.0.0.1"}' ;;
        *) echo '{"urls":["https://blog.local.test/"],"dockerHost":"[secret]"}' ;;
      esac
    fi ;;
esac
`;

const PINNED = `reg/pluxml:5@sha256:${"ab".repeat(32)}`;
const INSPECT = JSON.stringify([
  { Spec: { Name: "recette-lab-blog", TaskTemplate: { ContainerSpec: { Image: PINNED } } } },
]);

/** A docker client stand-in: logs how it was called, answers `service ls` and `service inspect`. */
const FAKE_DOCKER = `#!/bin/sh
printf 'docker %s|%s|%s\\n' "$*" "$DOCKER_HOST" "\${SSH_AUTH_SOCK:+agent}" >> "$FAKE_LOG"
case "$1 $2" in
  "service ls") echo '{"Name":"recette-lab-blog","Replicas":"1/1","Image":"reg/pluxml:5"}' ;;
  "service inspect") echo '${INSPECT}' ;;
esac
`;

const PLAIN = { tty: false, color: false, columns: 80 };

describe("a stack opened through the Automation API, on a stand-in engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-ws-"));
  const cache = path.join(dir, "cache");
  const log = path.join(dir, "engine.log");
  const version = sdkVersion(ROOT);
  const bin = path.join(cache, "pulumi", version, "bin");
  const saved = { ...process.env };
  /** A project of its own: the lab recipe on hosts reached over SSH, its key in the stack. */
  const project = path.join(dir, "project");

  beforeAll(() => {
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "", { mode: 0o755 });
    // First on the engine's PATH, so status finds it before any real client.
    fs.writeFileSync(path.join(bin, "docker"), FAKE_DOCKER, { mode: 0o755 });
    fs.mkdirSync(path.join(project, "stacks"), { recursive: true });
    fs.mkdirSync(path.join(project, "recipes"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
    fs.copyFileSync(path.join(ROOT, "recipes/lab.yaml"), path.join(project, "recipes/lab.yaml"));
    fs.writeFileSync(path.join(project, "stacks/Pulumi.lab.yaml"), "config:\n  recette:recipe: recipes/lab.yaml\n");
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    const key = path.join(dir, "id_ed25519");
    expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "recette-test-key", "-f", key]).status).toBe(
      0,
    );
    fs.writeFileSync(path.join(dir, "key.json"), JSON.stringify({ value: fs.readFileSync(key, "utf8"), secret: true }));
    Object.assign(process.env, {
      RECETTE_CACHE: cache,
      FAKE_LOG: log,
      FAKE_VERSION: version,
      FAKE_KEY_JSON: path.join(dir, "key.json"),
    });
    for (const k of [
      "PULUMI_BACKEND_URL",
      "PULUMI_CONFIG_PASSPHRASE",
      "PULUMI_CONFIG_PASSPHRASE_FILE",
      "SSH_AUTH_SOCK",
    ])
      delete process.env[k];
  });
  afterAll(() => {
    process.env = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (root: string, stack: string) => {
    fs.rmSync(log, { force: true });
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (s: string) => out.push(s),
      err: (s: string) => err.push(s),
      term: { tty: false, color: false, columns: 80 },
      write: (t: string) => err.push(t),
    };
    const code = await outputs({ root, stack, json: true }, io);
    return {
      code,
      out: out.join("\n"),
      err: err.join("\n"),
      engine: fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [],
    };
  };

  it("runs the cached engine with the environment pulumi-env.sh sets, and never prints a secret output", async () => {
    const r = await run(ROOT, "local");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      stack: "local",
      outputs: { urls: ["https://blog.local.test/"], dockerHost: "[secret]" },
    });
    const state = `file://${path.join(ROOT, ".recette", "state")}`;
    expect(r.engine.filter((l) => !l.startsWith("version"))).toEqual([
      `stack select --stack local --non-interactive|${state}|recette-local-only|1|${bin}`,
      `stack output --json --stack local --non-interactive|${state}|recette-local-only|1|${bin}`,
      `stack output --json --show-secrets --stack local --non-interactive|${state}|recette-local-only|1|${bin}`,
    ]);
  });

  it("a Swarm over ssh://: the engine runs with an ssh-agent holding the stack's key, stopped on close", async () => {
    fs.rmSync(log, { force: true });
    const progress: string[] = [];
    const s = await openStack({ root: project, stack: "lab", agent: true, progress: (l) => progress.push(l) });
    const socket = s.env.SSH_AUTH_SOCK!;
    expect(fs.existsSync(socket)).toBe(true);
    await s.stack.outputs();
    s.close();
    const lines = fs.readFileSync(log, "utf8").split("\n");
    expect(lines.find((l) => l.startsWith("config get"))).toMatch(
      /^config get recette:sshPrivateKey --json --stack lab /,
    );
    // ssh-add -l, run by the engine stand-in: the agent it was given holds the key.
    expect(lines.filter((l) => / recette-test-key \(ED25519\)$/.test(l))).toHaveLength(2);
    expect(progress).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(spawnSync("ssh-add", ["-l"], { env: { ...process.env, SSH_AUTH_SOCK: socket } }).status).toBe(2);
  });

  it("a stack without its key is refused, naming the file and the command that sets it", async () => {
    fs.writeFileSync(process.env.FAKE_KEY_JSON!, "");
    // An agent the caller started is used instead (CI loads the key into one).
    process.env.SSH_AUTH_SOCK = "/tmp/callers-agent.sock";
    const theirs = await openStack({ root: project, stack: "lab", agent: true, progress: () => undefined });
    expect(theirs.env.SSH_AUTH_SOCK).toBeUndefined();
    theirs.close();
    delete process.env.SSH_AUTH_SOCK;
    await expect(openStack({ root: project, stack: "lab", agent: true, progress: () => undefined })).rejects.toThrow(
      "stacks/Pulumi.lab.yaml: no sshPrivateKey (the SSH key the Docker provider uses; " +
        "fix: recette config set --secret sshPrivateKey -s lab < your-key-file)",
    );
  });

  it(
    "a stack without a stack file: recette config set recipe " +
      "creates it (what the refusals advise), get is refused",
    () => {
      fs.rmSync(log, { force: true });
      const recette = (...argv: string[]) =>
        spawnSync(path.join(ROOT, "bin", "recette"), argv, { cwd: project, env: process.env, encoding: "utf8" });
      const set = recette("config", "set", "recipe", "recipes/lab.yaml", "-s", "fresh");
      expect(set.stderr).toBe("");
      expect(set.status).toBe(0);
      const calls = fs.readFileSync(log, "utf8").split("\n");
      expect(calls.some((l) => l.startsWith("config set recipe --stack fresh -- recipes/lab.yaml|"))).toBe(true);
      const get = recette("config", "get", "recipe", "-s", "other");
      expect(get.status).toBe(1);
      expect(get.stderr.trimEnd()).toBe(
        "recette config: stacks/Pulumi.other.yaml: no such stack file (fix: create the stack with " +
          "recette config set recipe recipes/<name>.yaml -s other, or pick one of: lab)",
      );
    },
  );

  it("status: docker reaches the stack's dockerHost through the agent; the digest comes from the spec", async () => {
    fs.rmSync(log, { force: true });
    const key = path.join(dir, "id_ed25519");
    fs.writeFileSync(process.env.FAKE_KEY_JSON!, JSON.stringify({ value: fs.readFileSync(key, "utf8"), secret: true }));
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      term: PLAIN,
      write: () => undefined,
    };
    const code = await status({ root: project, stack: "lab", json: true }, io);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(out.join("\n"))).toEqual({
      stack: "lab",
      orchestrator: "swarm",
      urls: ["https://blog.local.test/"],
      workloads: [
        {
          name: "recette-lab-blog",
          kind: "service",
          desired: 1,
          running: 1,
          image: "reg/pluxml:5",
          digest: `sha256:${"ab".repeat(32)}`,
          health: "ok",
        },
      ],
      certificates: [],
      problems: [],
    });
    const calls = fs
      .readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("docker "));
    expect(calls).toEqual([
      "docker service ls --filter label=recette.stack=recette-lab --format {{json .}}|ssh://root@10.0.0.1|agent",
      "docker service inspect recette-lab-blog|ssh://root@10.0.0.1|agent",
    ]);
  });
});

describe("the PluXml releases a local stack's images are built for", () => {
  const recipe = () => loadRecipe(path.join(ROOT, "recipes", "local.yaml")).recipe;
  it("are build-images' default (no argument) while the recipe keeps the pinned release", () => {
    expect(pluxmlReleases(recipe())).toEqual([]);
  });
  it("are named with --pluxml when an app asks for another release", () => {
    const r = recipe();
    for (const a of r.apps) if (a.pluxml) a.pluxml.version = "5.8.20";
    expect(pluxmlReleases(r)).toEqual(["--pluxml", "5.8.20"]);
  });
});
