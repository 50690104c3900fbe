import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withStackKey } from "../../engine/cli/volumes";

// backup and restore load the stack's SSH key into an agent only when they reach nodes over ssh://, no
// agent runs, and the stack file holds the key; every other case goes on without opening the stack
// (which would need the engine): these cases must never start one.
describe("withStackKey (recette backup/restore over ssh://)", () => {
  const sock = process.env.SSH_AUTH_SOCK;
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    if (sock === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = sock;
  });
  const run = (stack: string, hosts: (string | undefined)[]) =>
    withStackKey(
      stack,
      hosts,
      () => undefined,
      async () => process.env.SSH_AUTH_SOCK ?? "no agent",
    );

  it("leaves a local engine alone", async () => {
    delete process.env.SSH_AUTH_SOCK;
    expect(await run("local", [undefined, "unix:///var/run/docker.sock"])).toBe("no agent");
  });

  it("uses the agent the caller runs", async () => {
    process.env.SSH_AUTH_SOCK = "/tmp/caller-agent.sock";
    expect(await run("lab", ["ssh://root@10.253.1.3"])).toBe("/tmp/caller-agent.sock");
  });

  it("goes on with ssh as configured when the stack has no file, or its file no key", async () => {
    delete process.env.SSH_AUTH_SOCK;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-stack-key-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
    fs.mkdirSync(path.join(dir, "stacks"));
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.nokey.yaml"), "config:\n  demo:recipe: missing.yaml\n");
    process.chdir(dir);
    expect(await run("nofile", ["ssh://root@192.0.2.1"])).toBe("no agent");
    expect(await run("nokey", ["ssh://root@192.0.2.1"])).toBe("no agent");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
