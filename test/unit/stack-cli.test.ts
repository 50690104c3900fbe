import { describe, expect, it } from "vitest";
import { renderDrift, type DriftReport } from "../../engine/cli/drift";
import { appNames, logsArgs, pickWorkload } from "../../engine/cli/logs";
import { destroyCommand } from "../../engine/cli/destroy";
import { driftCommand } from "../../engine/cli/drift";
import { logsCommand } from "../../engine/cli/logs";
import { outputsCommand } from "../../engine/cli/outputs";
import { previewCommand } from "../../engine/cli/preview";
import { refreshCommand } from "../../engine/cli/refresh";
import { statusCommand } from "../../engine/cli/status";
import { upCommand } from "../../engine/cli/up";
import { redactOutputs, renderOutputs } from "../../engine/cli/outputs";
import { previewExitCode } from "../../engine/cli/preview";
import { engineFailure } from "../../engine/cli/stack-command";
import { renderStatus, type StatusReport } from "../../engine/cli/status";
import { edgeEndpoint } from "../../engine/status/edge";
import { urlsOf } from "../../engine/cli/up";
import type { StackReport } from "../../engine/delivery/markdown";
import { summarizePreview } from "../../engine/delivery/summary";
import { isNewerApi } from "../../engine/stack/docker-api";
import { engineEnv, enginePaths, ensurePulumiArgs } from "../../engine/stack/engine-env";
import { parseAgentOutput, sshKeySecret } from "../../engine/stack/ssh-agent";
import { StackError } from "../../engine/stack/stack-error";
import { imageDigest, parseDeployments, parseServiceImages, parseServiceList } from "../../engine/status/workloads";

const COMMANDS = {
  up: upCommand,
  preview: previewCommand,
  refresh: refreshCommand,
  destroy: destroyCommand,
  drift: driftCommand,
  outputs: outputsCommand,
  status: statusCommand,
  logs: logsCommand,
};

/** A command run on its arguments, its output captured; progress in plain lines through stderr. */
const capture = async (name: keyof typeof COMMANDS, ...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    term: { tty: false, color: false, columns: 80 },
    write: (t: string) => err.push(t.trimEnd()),
  };
  const code = await COMMANDS[name](args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
};

describe("the stack commands' arguments (nothing runs before they are right: exit 2)", () => {
  it.each([
    [["up"], "recette up: which stack? (fix: -s <stack>, e.g. -s local)"],
    [["destroy", "--stack"], "recette destroy: Option '-s, --stack <value>' argument missing"],
    [["refresh", "-s", "Prod"], 'recette refresh: --stack "Prod" is not a recette stack name'],
    [["drift", "-s", "local", "--detailed"], "recette drift: Unknown option '--detailed'"],
    [["outputs", "-s", "local", "extra"], "recette outputs: Unexpected argument 'extra'"],
    [["status"], "recette status: which stack? (fix: -s <stack>, e.g. -s local)"],
    [["logs", "-s", "local"], "recette logs: name one app, e.g. blog"],
    [["logs", "blog", "relay", "-s", "local"], "recette logs: name one app, e.g. blog"],
    [["logs", "blog", "-s", "local", "--tail", "many"], "recette logs: --tail takes a number of lines, e.g. --tail 50"],
    [["preview", "-s", "local", "-s", "a_b"], 'recette preview: --stack "a_b" is not a recette stack name'],
  ] as const)("%j → %s", async ([name, ...args], message) => {
    const r = await capture(name, ...args);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]!.startsWith(message)).toBe(true);
    expect(r.err).toMatch(new RegExp(`\nusage: recette ${name} `));
    expect(r.out).toBe("");
  });

  it("a stack without its stack file is refused before the engine is looked for (exit 1, the fix named)", async () => {
    const r = await capture("up", "-s", "nosuch");
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "recette up: stacks/Pulumi.nosuch.yaml: no such stack file (fix: create the stack with " +
        "recette config set recipe recipes/<name>.yaml -s nosuch, " +
        "or pick one of: dev, local, local-k3s, prod, staging)",
    );
  });
});

describe("exit codes as Terraform's -detailed-exitcode", () => {
  const report = (changes: number, failed = false, previewed = true): StackReport => {
    const preview = summarizePreview([]);
    for (let i = 0; i < changes; i++)
      preview.changes.push({
        change: "update",
        name: `s${i}`,
        type: "t",
        urn: `u${i}`,
        paths: [],
        replaceKeys: [],
        stateful: false,
      });
    return { stack: "local", reason: "", recipeProblems: [], failed, ...(previewed ? { preview } : {}) };
  };
  it.each([
    ["no change", [report(0)], 0],
    ["not affected", [report(0, false, false)], 0],
    ["changes on one stack", [report(0), report(2)], 2],
    ["one preview failed", [report(2), report(0, true)], 1],
  ])("preview: %s → exit %d", (_, reports, code) => expect(previewExitCode(reports)).toBe(code));

  const drift = (over: Partial<DriftReport>): DriftReport => ({
    stack: "local",
    drift: [],
    pending: [],
    clean: false,
    ...over,
  });
  it("drift: a hand edit is named on stdout; stderr says recette up puts it back", () => {
    const r = renderDrift(
      drift({
        drift: [
          {
            name: "blog",
            type: "docker:index/service:Service",
            urn: "u",
            kind: "changed",
            paths: ["taskSpec.containerSpec.env.HAND_FIX"],
          },
        ],
      }),
    );
    expect(r.out).toEqual([
      "drift: blog (docker:index/service:Service) changed outside Pulumi: taskSpec.containerSpec.env.HAND_FIX",
    ]);
    expect(r.err).toEqual([
      "recette drift: 1 resource of stack local changed by hand: recette up -s local puts it back " +
        "(it reads the resources back first); to keep a change, put it in the recipe first",
    ]);
  });
  it("drift: clean says so on stdout and nothing on stderr; pending changes point at preview then up", () => {
    expect(renderDrift(drift({ clean: true }))).toEqual({
      out: ["local: no drift (the resources match the last deployment, which matches the recipe)"],
      err: [],
    });
    const pending = renderDrift(
      drift({
        pending: [
          { change: "update", name: "blog", type: "t", urn: "u", paths: ["image"], replaceKeys: [], stateful: false },
        ],
      }),
    );
    expect(pending.out).toEqual(["pending: update blog (t): image"]);
    expect(pending.err).toEqual([
      "recette drift: stack local is behind its recipe or code: " +
        "recette preview -s local shows what recette up -s local changes",
    ]);
  });
});

describe("the engine's environment (what source scripts/pulumi-env.sh sets)", () => {
  const p = enginePaths("/proj", "3.248.0", { HOME: "/home/u" });
  it("the cached engine under ~/.cache/recette (or $RECETTE_CACHE), the state under the project", () => {
    expect(p).toEqual({
      version: "3.248.0",
      root: "/home/u/.cache/recette/pulumi/3.248.0",
      bin: "/home/u/.cache/recette/pulumi/3.248.0/bin",
      pulumiHome: "/home/u/.cache/recette/pulumi-home",
      state: "/proj/.recette/state",
    });
    expect(enginePaths("/proj", "3.248.0", { HOME: "/home/u", RECETTE_CACHE: "/c" }).bin).toBe("/c/pulumi/3.248.0/bin");
  });
  it("local backend and the local passphrase when the user chose neither", () => {
    expect(engineEnv(p, { PATH: "/usr/bin" })).toEqual({
      PATH: "/home/u/.cache/recette/pulumi/3.248.0/bin:/usr/bin",
      PULUMI_HOME: "/home/u/.cache/recette/pulumi-home",
      PULUMI_SKIP_UPDATE_CHECK: "1",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_BACKEND_URL: "file:///proj/.recette/state",
      PULUMI_CONFIG_PASSPHRASE: "recette-local-only",
    });
  });
  it.each([
    [{ PULUMI_BACKEND_URL: "s3://bucket" }, undefined, undefined],
    [{ PULUMI_CONFIG_PASSPHRASE: "" }, "file:///proj/.recette/state", undefined],
    [{ PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }, "file:///proj/.recette/state", undefined],
  ])("the user's own backend or passphrase wins: %j", (env, backend, passphrase) => {
    const v = engineEnv(p, env);
    expect(v.PULUMI_BACKEND_URL).toBe(backend);
    expect(v.PULUMI_CONFIG_PASSPHRASE).toBe(passphrase);
  });
  it.each([
    ["local", "swarm", []],
    ["local", "k3s", ["--kubernetes"]],
    ["hosts", "swarm", []],
    ["scaleway", "k3s", ["--all-providers"]],
  ])("ensure-pulumi for nodes %s and %s: %j", (provider, kind, args) => {
    expect(ensurePulumiArgs({ nodes: { provider }, orchestrator: { kind } })).toEqual(args);
  });
});

describe("the ssh-agent a remote Swarm needs", () => {
  it.each([
    ["hosts", "swarm", "sshPrivateKey"],
    ["scaleway", "swarm", "sshPrivateKey"],
    ["local", "swarm", undefined],
    ["hosts", "k3s", undefined],
  ])("nodes %s, %s → the key %s", (provider, kind, key) => {
    expect(
      sshKeySecret({ orchestrator: { kind }, nodes: { provider, ssh: { privateKey: { secret: "sshPrivateKey" } } } }),
    ).toBe(key);
  });
  it("reads ssh-agent -s's output; refuses output without a socket", () => {
    expect(
      parseAgentOutput(
        "SSH_AUTH_SOCK=/tmp/ssh-X/agent.12; export SSH_AUTH_SOCK;\nSSH_AGENT_PID=13; export SSH_AGENT_PID;\n",
      ),
    ).toEqual({ socket: "/tmp/ssh-X/agent.12", pid: 13 });
    expect(parseAgentOutput("Could not open a connection")).toBeUndefined();
  });
  it.each([
    ["1.50", "1.41", true],
    ["1.41", "1.41", false],
    ["1.9", "1.41", false],
    ["1.41.1", "1.41", true],
  ])("client API %s newer than the daemon's %s: %s", (a, b, newer) => expect(isNewerApi(a, b)).toBe(newer));
});

describe("outputs, status and logs", () => {
  it("secret outputs are never shown, not even in JSON", () => {
    const o = redactOutputs({
      urls: { value: ["https://blog.local.test/"], secret: false },
      dockerHost: { value: "ssh://root@10.0.0.1", secret: true },
    });
    expect(o).toEqual({ urls: ["https://blog.local.test/"], dockerHost: "[secret]" });
    expect(renderOutputs(o)).toEqual(["dockerHost: [secret]", 'urls: ["https://blog.local.test/"]']);
    expect(urlsOf({ urls: { value: ["https://a/", 3], secret: false } })).toEqual(["https://a/"]);
  });

  const digest = `sha256:${"ab".repeat(32)}`;
  it("Swarm services: replicas, image, digest when pinned, health", () => {
    const ls = [
      JSON.stringify({ Name: "recette-local-traefik", Replicas: "1/1", Image: "recette/traefik:v3" }),
      JSON.stringify({ Name: "recette-local-blog", Replicas: "0/1", Image: `rg/pluxml:5@${digest}` }),
      JSON.stringify({ Name: "recette-local-relay", Replicas: "1/2 (max 1 per node)", Image: "x" }),
    ].join("\n");
    expect(parseServiceList(ls)).toEqual([
      {
        name: "recette-local-blog",
        kind: "service",
        desired: 1,
        running: 0,
        image: "rg/pluxml:5",
        digest,
        health: "down: no replica running of 1",
      },
      {
        name: "recette-local-relay",
        kind: "service",
        desired: 2,
        running: 1,
        image: "x",
        digest: null,
        health: "degraded: 1 of 2 replicas running",
      },
      {
        name: "recette-local-traefik",
        kind: "service",
        desired: 1,
        running: 1,
        image: "recette/traefik:v3",
        digest: null,
        health: "ok",
      },
    ]);
    expect(
      parseServiceImages(
        JSON.stringify([{ Spec: { Name: "a", TaskTemplate: { ContainerSpec: { Image: `i@${digest}` } } } }]),
      ),
    ).toEqual(new Map([["a", `i@${digest}`]]));
    expect(imageDigest("i:1@sha256:short")).toBeNull();
  });

  it("Kubernetes Deployments: ready replicas against the desired count", () => {
    const json = JSON.stringify({
      items: [
        {
          metadata: { name: "blog" },
          spec: { replicas: 2, template: { spec: { containers: [{ image: "p:1" }] } } },
          status: { readyReplicas: 2 },
        },
      ],
    });
    expect(parseDeployments(json)).toEqual([
      { name: "blog", kind: "deployment", desired: 2, running: 2, image: "p:1", digest: null, health: "ok" },
    ]);
  });

  it("the edge is the first manager's public address, on the recipe's HTTPS port", () => {
    const nodes = {
      value: { w: { role: "worker", publicAddress: "10.0.0.2" }, m: { role: "manager", publicAddress: "10.0.0.1" } },
      secret: false,
    };
    const remote = { nodes: { provider: "hosts" }, orchestrator: { kind: "swarm" } };
    expect(edgeEndpoint({ ...remote, edge: { traefik: { ports: { https: 18443 } } } }, { nodes })).toEqual({
      address: "10.0.0.1",
      port: 18443,
    });
    expect(edgeEndpoint(remote, {})).toBeUndefined();
  });

  it("the status as a person reads it", () => {
    const r: StatusReport = {
      stack: "local",
      orchestrator: "swarm",
      urls: ["https://blog.local.test/"],
      workloads: [
        { name: "recette-local-blog", kind: "service", desired: 1, running: 1, image: "p:1", digest, health: "ok" },
      ],
      certificates: [
        {
          url: "https://blog.local.test/",
          address: "127.0.0.1:443",
          issuer: "Pebble Intermediate CA 1a2b",
          expires: "2027-03-01T00:00:00.000Z",
          daysLeft: 84,
        },
        {
          url: "https://mail.local.test/",
          address: "127.0.0.1:443",
          issuer: null,
          expires: null,
          daysLeft: null,
          error: "ECONNREFUSED",
        },
      ],
      problems: [],
    };
    expect(renderStatus(r)).toEqual([
      "stack local (Docker Swarm)",
      "  https://blog.local.test/",
      "services:",
      "  recette-local-blog  1/1  ok  p:1@sha256:abababababab…",
      "certificates:",
      "  blog.local.test: issued by Pebble Intermediate CA 1a2b, expires 2027-03-01 (84 days)",
      "  mail.local.test: no answer from 127.0.0.1:443 (ECONNREFUSED)",
    ]);
  });

  it.each([
    ["swarm", true, ["service", "logs", "--timestamps", "--tail", "50", "--follow", "recette-local-blog"]],
    [
      "k3s",
      false,
      [
        "logs",
        "-n",
        "recette-local",
        "--timestamps",
        "--tail",
        "50",
        "--all-containers",
        "deployment/recette-local-blog",
      ],
    ],
  ] as const)("logs on %s (follow %s): %j", (kind, follow, args) => {
    expect(logsArgs(kind, "recette-local", "recette-local-blog", follow, 50)).toEqual(args);
  });

  it("logs: an app is found by its physical name, else as named; the apps are listed as a person types them", () => {
    const swarm = ["recette-local-blog", "recette-local-relay"];
    expect(pickWorkload(swarm, "recette-local-blog", "blog")).toBe("recette-local-blog");
    expect(pickWorkload(swarm, "recette-local-blgo", "blgo")).toBeUndefined();
    expect(pickWorkload(["blog"], "recette-local-blog", "blog")).toBe("blog");
    expect(pickWorkload(undefined, "recette-local-blog", "blog")).toBe("recette-local-blog");
    expect(appNames(["recette-local-blog", "traefik"], "recette-local")).toEqual(["blog", "traefik"]);
  });

  it("an engine failure: our own problems as they are, the engine's last lines when its events said nothing", () => {
    expect(engineFailure("up", "local", new StackError("no key"), false)).toBe("recette up: no key");
    expect(engineFailure("up", "local", new Error("x"), true)).toBe(
      "recette up: stack local failed (the engine's errors are above)",
    );
    expect(engineFailure("up", "local", new Error("code: 255\n stderr: \u001b[31merror: no backend\n"), false)).toBe(
      "recette up: stack local failed:\ncode: 255\n stderr: \\x1b[31merror: no backend",
    );
  });
});
