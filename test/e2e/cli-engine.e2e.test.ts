import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroy } from "../../engine/cli/destroy";
import { drift } from "../../engine/cli/drift";
import { outputs } from "../../engine/cli/outputs";
import { preview } from "../../engine/cli/preview";
import type { StackIo } from "../../engine/cli/stack-command";
import { up } from "../../engine/cli/up";
import { mustSucceed, ROOT } from "./helpers";

// The stack commands on the real Pulumi engine (the cache scripts/ensure-pulumi fills), on a small
// project of their own that touches neither Docker nor a cloud: random strings and a local command
// that takes a few seconds, so progress lines and their times are seen for real. Its state stays in
// the project's own .recette/state, deleted after.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as command from "@pulumi/command";
const config = new pulumi.Config();
const token = new random.RandomString("token", { length: config.getNumber("length") ?? 8, special: false });
new command.local.Command("wait", { create: "sleep 3" }, { dependsOn: [token] });
export const urls = ["https://engine.test/"];
export const secretToken = pulumi.secret(token.result);
`;

const run = async <O>(fn: (opts: O, io: StackIo) => Promise<number>, opts: O) => {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const io: StackIo = {
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    term: { tty: false, color: false, columns: 100 },
    write: (t: string) => progress.push(...t.split("\n").filter(Boolean)),
  };
  const code = await fn(opts, io);
  return { code, out: out.join("\n"), err: err.join("\n"), progress };
};

describe("recette up|preview|drift|outputs|destroy through the Automation API, on the real engine", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "recette-engine-"));
  const saved = { ...process.env };
  const stackFile = path.join(project, "stacks", "Pulumi.t.yaml");

  beforeAll(() => {
    fs.mkdirSync(path.join(project, "stacks"));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: recette-engine-test\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n" +
        '    nodeargs: "--import=tsx"\nstackConfigDir: stacks\n',
    );
    fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
    fs.writeFileSync(path.join(project, "package.json"), '{ "name": "recette-engine-test", "main": "index.ts" }\n');
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    fs.writeFileSync(stackFile, "config:\n  recette-engine-test:length: 8\n");
    // A fresh shell: nothing from scripts/pulumi-env.sh.
    for (const k of ["PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE"]) delete process.env[k];
  });
  afterAll(async () => {
    const down = await run(destroy, { stack: "t", root: project });
    process.env = saved;
    fs.rmSync(project, { recursive: true, force: true });
    mustSucceed("recette destroy -s t", { code: down.code, stderr: down.err });
  });

  it("up: a line per resource with its time, while it runs; the URLs on stdout; state in the project", async () => {
    const r = await run(up, { stack: "t", refresh: true, root: project });
    expect(r.code, r.err + r.progress.join("\n")).toBe(0);
    expect(r.out).toBe("https://engine.test/");
    expect(r.progress).toContain("+  token (random:index/randomString:RandomString) creating…");
    expect(r.progress.find((l) => l.startsWith("+  wait (command:local:Command) created in "))).toMatch(/ in [3-9]s$/);
    expect(r.progress.at(-1)).toMatch(/^done: 2 created, 0 unchanged in \d+s$/);
    expect(fs.existsSync(path.join(project, ".recette", "state", ".pulumi"))).toBe(true);
  });

  it("outputs --json: the secret output is never shown", async () => {
    const r = await run(outputs, { stack: "t", json: true, root: project });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      stack: "t",
      outputs: { urls: ["https://engine.test/"], secretToken: "[secret]" },
    });
  });

  it(
    "drift: 0 when the stack is what its program says; " + "2 when the stack's config moved on; preview: 2 then",
    async () => {
      const clean = await run(drift, { stack: "t", json: false, root: project });
      expect(clean.code, clean.err).toBe(0);
      expect(clean.out).toBe("t: no drift (the resources match the last deployment, which matches the recipe)");
      fs.writeFileSync(stackFile, "config:\n  recette-engine-test:length: 12\n");
      const pending = await run(drift, { stack: "t", json: true, root: project });
      expect(pending.code, pending.err).toBe(2);
      // A new length replaces the string; the command's own inputs did not change.
      const changes = JSON.parse(pending.out).pending.map((c: { change: string; name: string }) => [c.change, c.name]);
      expect(changes).toEqual([["replace", "token"]]);
      const out = path.join(project, "previews");
      const p = await run(preview, { stacks: ["t"], json: true, out, root: project });
      expect(p.code, p.err).toBe(2);
      expect(JSON.parse(p.out).stacks[0].counts).toEqual({ create: 0, update: 0, replace: 1, delete: 0 });
      expect(p.progress).toContain("+- token (random:index/randomString:RandomString) to replace: length");
      expect(fs.readFileSync(path.join(out, "t.md"), "utf8")).toContain("0 to create · 0 to update · 1 to replace");
    },
  );

  it("destroy: a line per deleted resource", async () => {
    const r = await run(destroy, { stack: "t", root: project });
    expect(r.code, r.err).toBe(0);
    expect(
      r.progress
        .filter((l) => / deleted in \d+s$/.test(l))
        .map((l) => l.split(" ")[2])
        .sort(),
    ).toEqual(["token", "wait"]);
  });
});
