import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { capacityProblem, envStackName, parseTtl, refProblem } from "../../engine/cli/env";
import { copiedKeys } from "../../engine/stack/derived";
import { buildModel } from "../../engine/model";
import { parseRecipe } from "../../engine/load";
import { localProject, ROOT } from "../helpers";
import { recette } from "./cli-helpers";

const model = (memory: string) =>
  buildModel(
    parseRecipe(
      `name: t
nodes:
  provider: hosts
  ssh: { privateKey: { secret: k } }
  hosts: [{ name: m1, address: 10.0.0.1, role: manager, memory: ${memory} }]
orchestrator: { kind: swarm, routingMesh: fallback }
edge: { traefik: { acme: { email: a@b.example, ca: pebble } } }
apps:
  - service: { name: web, image: nginx:1, resources: { memory: 256Mi }, routes: [{ host: web.example.org, port: 80 }] }
`,
      "recipes/t.yaml",
    ).recipe,
  );

describe("recette env: preview environments", () => {
  it("names an environment's stack after its base", () => {
    expect(envStackName("staging", "pr-42")).toBe("staging-pr-42");
    expect(envStackName("acme/staging", "pr-42")).toBe("acme/staging-pr-42");
  });

  it.each([
    ["30s", 30_000],
    ["30m", 1_800_000],
    ["72h", 259_200_000],
    ["7d", 604_800_000],
  ])("reads --ttl %s", (ttl, ms) => expect(parseTtl(ttl)).toBe(ms));

  it.each(["0h", "72", "3w", "-1h", "1.5h", "", "99999h"])("refuses --ttl %j", (ttl) =>
    expect(parseTtl(ttl)).toMatchObject({ problem: expect.stringContaining("is not a duration") }),
  );

  it("refuses one environment more than the nodes' memory holds, with recette explain's figures", () => {
    // 1 GiB: the OS, Swarm, Traefik, Pebble and web (256 MiB) leave room for two more web services, not three.
    const base = model("1Gi");
    const env = (name: string) => ({ name, model: base });
    expect(capacityProblem(base, [env("pr-1"), env("pr-2")])).toBeUndefined();
    expect(capacityProblem(base, [env("pr-1"), env("pr-2"), env("pr-3")])).toMatch(
      new RegExp(
        [
          "^the nodes have no room for 3 preview environments: node m1 would need \\d+ ",
          "MiB of its 1024 MiB \\(recette explain's figures\\); remove one first",
        ].join(""),
      ),
    );
  });

  it("does not limit nodes whose memory the recipe does not give", () => {
    const base = buildModel(
      parseRecipe(
        "name: t\nnodes: { provider: local }\norchestrator: { kind: swarm, routingMesh: fallback }\n" +
          "edge: { traefik: { acme: { email: a@b.example, ca: pebble } } }\napps: []\n",
        "recipes/t.yaml",
      ).recipe,
    );
    expect(
      capacityProblem(
        base,
        Array.from({ length: 50 }, (_, i) => ({ name: `pr-${i}`, model: base })),
      ),
    ).toBeUndefined();
  });

  it.each([
    [["env", "-s", "local"], "<action> is missing"],
    [["env", "up", "-s", "local"], "env up needs --name <name>"],
    [["env", "up", "-s", "local", "--name", "PR_1"], '--name "PR_1" is not a DNS label'],
    [["env", "ls", "-s", "local", "--name", "pr-1"], "env ls takes no --name"],
    [["env", "down", "-s", "local", "--name", "pr-1", "--ttl", "1h"], "--ref and --ttl are for env up"],
    [["env", "up", "-s", "local", "--name", "pr-1", "--ttl", "soon"], '--ttl "soon" is not a duration'],
    [["env", "up", "-s", "local", "--name", "x".repeat(40)], "the environment's stack"],
  ])("refuses %j as a usage error (exit 2)", (args, why) => {
    const r = recette(...args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(why);
  });

  it("refuses a base stack without a Traefik of its own, naming its recipe (exit 1; any orchestrator)", () => {
    const root = localProject("bare", "  recette:blogAdminPassword: x\n");
    const file = path.join(root, "recipes", "local.yaml");
    const recipe = parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    delete recipe.edge;
    fs.writeFileSync(file, stringify(recipe));
    const r = spawnSync(path.join(ROOT, "bin", "recette"), ["env", "up", "-s", "bare", "--name", "pr-1"], {
      cwd: root,
      encoding: "utf8",
    });
    fs.rmSync(root, { recursive: true });
    expect(r.status, r.stderr).toBe(1);
    // The recipe itself is refused first: its routes need an edge router.
    expect(r.stderr).toMatch(/^recette env: \S*recipes\/local\.yaml:\d+:\d+ apps: .*\(add edge\.traefik\)/);
  });
});

describe("recette env --ref and --name: what reaches git and the stack's name", () => {
  it.each(["main", "feature/new-blog", "v1.2.3", "refs/pull/42/head", "a1b2c3d", "HEAD~1", "main@{upstream}"])(
    "accepts the ref %j",
    (ref) => expect(refProblem(ref)).toBeUndefined(),
  );

  it.each(["--output=/tmp/evil", "-p", "main..evil", "a:b", "with space", "", "@{-1}", "x".repeat(201)])(
    "refuses the ref %j before git sees it",
    (ref) => expect(refProblem(ref)).toContain("is not a git branch, tag or commit"),
  );

  it("refuses --ref=--output=… as a usage error, and the drill's name for an environment", () => {
    const ref = recette("env", "up", "-s", "local", "--name", "pr-1", "--ref=--output=/tmp/recette-evil");
    expect(ref.status, ref.stderr).toBe(2);
    expect(ref.stderr).toContain("is not a git branch, tag or commit");
    const drill = recette("env", "up", "-s", "local", "--name", "drill");
    expect(drill.status, drill.stderr).toBe(2);
    expect(drill.stderr).toContain("--name drill is recette drill's scratch stack");
  });

  it("gives an environment only the base's keys its recipe reads too, and the registry", () => {
    const recipe = (keys: string[]) =>
      parseRecipe(
        `name: t
nodes: { provider: local }
orchestrator: { kind: swarm, routingMesh: fallback }
apps:
  - service:
      name: web
      image: nginx:1
      secrets: { ${keys.map((k, i) => `s${i}: { secret: ${k} }`).join(", ")} }
`,
        "recipes/t.yaml",
      ).recipe;
    expect(copiedKeys(recipe(["dbPassword", "apiToken"]), recipe(["apiToken", "prodOnlySecret"]))).toEqual([
      "recipe",
      "imageRegistry",
      "apiToken",
    ]);
  });
});
