import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderStack } from "../../engine/render";
import { ROOT } from "../helpers";

/** Names of the objects a stack creates (a RemoteImage's name is the image it pulls, shared by design). */
const physicalNames = (regs: { inputs: Record<string, unknown>; type: string }[]) =>
  new Set(
    regs.flatMap((r) => {
      if (r.type === "docker:index/remoteImage:RemoteImage") return [];
      const meta = r.inputs.metadata as { name?: string } | undefined;
      const name = typeof r.inputs.name === "string" ? r.inputs.name : meta?.name;
      return name ? [name] : [];
    }),
  );

describe("recette render", () => {
  it("is byte-identical for the same input", async () => {
    const a = await renderStack({ root: ROOT, stack: "dev" });
    const b = await renderStack({ root: ROOT, stack: "dev" });
    expect(a.artifacts.map((x) => x.content).join("\n")).toBe(b.artifacts.map((x) => x.content).join("\n"));
    expect(a.artifacts.map((x) => x.path)).toContain("nodes/manager-1/cloud-init.yaml");
  });

  it("derives every physical name from project and stack: two stacks never share one", async () => {
    const dev = await renderStack({ root: ROOT, stack: "dev" });
    const staging = await renderStack({ root: ROOT, stack: "staging" });
    const a = physicalNames(dev.registrations);
    const b = physicalNames(staging.registrations);
    expect(a.size).toBeGreaterThan(15);
    expect([...a].filter((n) => b.has(n))).toEqual([]);
    for (const n of a) expect(n).toMatch(/^recette-dev-/);
  });

  it("never lets a secret reach the rendered files (k3s: passwords; Swarm: the join token)", async () => {
    const k3s = await renderStack({ root: ROOT, stack: "staging", recipe: `${ROOT}/recipes/blog-k3s.yaml` });
    const all = k3s.artifacts.map((a) => a.content).join("\n");
    // The mocks' password values must only ever appear redacted.
    expect(all).not.toMatch(/mock-[0-9a-f]{16}/);
    const secret = k3s.artifacts.find((a) => a.path === "k8s/Secret-recette-staging-relay-secrets.yaml");
    expect(secret?.content).toContain('stringData: "[secret]"');
    // The Swarm join token exists only in a Swarm render: the join step reads it, redacted, from its environment.
    const swarm = await renderStack({ root: ROOT, stack: "dev" });
    expect(swarm.artifacts.map((a) => a.content).join("\n")).not.toContain("SWMTKN");
    const join = swarm.registrations.find((r) => r.name === "swarm-worker-1-join");
    expect(join?.inputs.environment).toBe("[secret]");
    expect(String(join?.inputs.create)).toContain('--token "$JOIN_TOKEN"');
  });

  it("gives each app's URL with the edge's HTTPS port when it is not 443", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-ports-"));
    const recipe = fs
      .readFileSync(path.join(ROOT, "recipes/local.yaml"), "utf8")
      .replace(/^edge:\n {2}traefik:\n/m, "edge:\n  traefik:\n    ports: { http: 8080, https: 8443 }\n");
    fs.writeFileSync(path.join(dir, "local.yaml"), recipe);
    const ported = await renderStack({ root: ROOT, stack: "local", recipe: path.join(dir, "local.yaml") });
    expect(ported.outputs.urls).toEqual(["https://blog.local.test:8443/"]);
    const plain = await renderStack({ root: ROOT, stack: "local" });
    expect(plain.outputs.urls).toEqual(["https://blog.local.test/"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("reports unset stack config with the command that sets it", async () => {
    await expect(renderStack({ root: ROOT, stack: "local", recipe: `${ROOT}/recipes/blog.yaml` })).rejects.toThrow(
      new RegExp(
        [
          "recipes\\/blog.yaml:\\d+:\\d+ nodes.ssh.publicKey: stack local does not set config ",
          '"sshPublicKey" \\(run: recette config set sshPublicKey <value> -s local\\)',
        ].join(""),
      ),
    );
  });
});
