import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { ROOT } from "../helpers";

// The passing cases are what the real program declares (recette render, the same program under mocks);
// each violating case changes one thing in it. The policies run through their own validate functions.
interface Rendered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const render = (recipe: string, stack: string): Rendered[] => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-policy-"));
  fs.rmSync(out, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin/recette"), "render", recipe, "--stack", stack, "--out", out],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as Rendered[];
};

type Res = { type: string; name: string; urn: string; props: Record<string, any>; opts?: { protect?: boolean } };
const res = (stack: string, r: Rendered, opts: { protect?: boolean } = {}): Res => ({
  type: r.type,
  name: r.name,
  urn: `urn:pulumi:${stack}::recette::${r.type}::${r.name}`,
  props: structuredClone(r.inputs),
  opts,
});
const policy = (name: string) => policies.find((p) => p.name === name)!;

/** The messages a policy reports on one resource, or on a whole stack. */
const check = async (name: string, r: Res | Res[]): Promise<string[]> => {
  const messages: string[] = [];
  const p = policy(name);
  const opts = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
  if ("validateResource" in p && p.validateResource) {
    for (const one of Array.isArray(r) ? r : [r])
      await ((p as ResourceValidationPolicy).validateResource as ResourceValidation)(
        { ...one, opts: { ...opts, ...one.opts }, stackTags: new Map() } as never,
        (m: string) => messages.push(m),
      );
  } else {
    const resources = (Array.isArray(r) ? r : [r]).map(
      (x) =>
        ({
          ...x,
          opts: { ...opts, ...x.opts },
          dependencies: [],
          propertyDependencies: {},
        }) as unknown as PolicyResource,
    );
    await (p as StackValidationPolicy).validateStack!({ resources, stackTags: new Map() } as never, (m) =>
      messages.push(m),
    );
  }
  return messages;
};

let prod: Rendered[];
let dev: Rendered[];
let k3s: Rendered[];
let local: Rendered[];
const one = (rs: Rendered[], type: string, name?: string) =>
  rs.find((r) => r.type === type && (name === undefined || r.name === name))!;

beforeAll(() => {
  prod = render("recipes/blog.yaml", "prod");
  dev = render("recipes/blog.yaml", "dev");
  k3s = render("recipes/blog-k3s.yaml", "prod");
  local = render("recipes/local.yaml", "local");
}, 300_000);

describe("the policy pack, on what recette declares and on one change to it", () => {
  it("every policy of the issue is in the pack, mandatory", () => {
    expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["swarm-kernel-known-bad", "mandatory"],
      ["swarm-mesh-needs-ipvs", "mandatory"],
      ["traefik-one-replica-with-file-acme", "mandatory"],
      ["acme-ca-per-environment", "mandatory"],
      ["prod-data-protected", "mandatory"],
      ["no-secrets-in-plain-env", "mandatory"],
      ["security-group-public-ports", "mandatory"],
      ["k3s-memory-floor", "mandatory"],
    ]);
  });

  it("swarm-kernel-known-bad: the image's own kernel passes; the 4.10.8 std bootscript fails", async () => {
    const server = res("prod", one(prod, "scaleway:instance/server:Server", "nodes-manager-1"));
    expect(await check("swarm-kernel-known-bad", server)).toEqual([]);
    server.props.bootType = "bootscript";
    server.props.bootscriptId = "x86_64 4.10.8 std #1";
    expect(await check("swarm-kernel-known-bad", server)).toEqual([
      'node manager-1 boots the bootscript "x86_64 4.10.8 std #1", bad in the kernels ' +
        "catalogue: Swarm services converge but published ports refuse connections: the " +
        "kernel has no IPVS, so the routing mesh cannot work. (fix: nodes.kernel: " +
        "default, bootType local with the image's own kernel; see docs/kernels.md)",
    ]);
  });

  it(
    "swarm-mesh-needs-ipvs: host-mode publishing without IPVS " +
      "passes (the local fallback); ingress publishing fails",
    async () => {
      const preflight: Res = {
        type: "recette:preflight:Preflight",
        name: "preflight-local",
        urn: "urn:pulumi:local::recette::recette:preflight:Preflight::preflight-local",
        props: { report: { node: "local", ipvs: false } },
      };
      const services = local.filter((r) => r.type === "docker:index/service:Service").map((r) => res("local", r));
      expect(
        services
          .find((s) => s.name === "traefik")!
          .props.endpointSpec.ports.map((p: { publishMode: string }) => p.publishMode),
      ).toEqual(["host", "host"]);
      expect(await check("swarm-mesh-needs-ipvs", [preflight, ...services])).toEqual([]);
      services.find((s) => s.name === "traefik")!.props.endpointSpec.ports[1].publishMode = "ingress";
      expect(await check("swarm-mesh-needs-ipvs", [preflight, ...services])).toEqual([
        "service traefik publishes port 443 through the routing mesh, but local " +
          "has no IPVS: the port would refuse connections (fix: a kernel with " +
          "IPVS, or orchestrator.routingMesh: fallback for host-mode publishing)",
      ]);
    },
  );

  it("traefik-one-replica-with-file-acme: one replica passes, two fail", async () => {
    const traefik = res("prod", one(prod, "docker:index/service:Service", "traefik"));
    expect(await check("traefik-one-replica-with-file-acme", traefik)).toEqual([]);
    traefik.props.mode.replicated.replicas = 2;
    expect(await check("traefik-one-replica-with-file-acme", traefik)).toEqual([
      "Traefik runs 2 replicas with its certificates in the file /data/acme.json: replicas cannot share it, " +
        "each would request certificates and overwrite the others' (fix: one replica; edge.traefik.replicas: 1)",
    ]);
  });

  // The Environment component says whether the stack is production (its `production` output, from the stack file).
  const env = (stack: string, production: boolean): Res => ({
    type: "recette:index:Environment",
    name: "blog",
    urn: `urn:pulumi:${stack}::recette::recette:index:Environment::blog`,
    props: { production },
  });

  it(
    "acme-ca-per-environment: production on a production stack " +
      "and staging elsewhere pass; the other way round fails",
    async () => {
      const cfg = (rs: Rendered[]) =>
        rs.find((r) => r.type === "docker:index/serviceConfig:ServiceConfig" && r.name.endsWith("traefik.yml"))!;
      expect(await check("acme-ca-per-environment", [env("prod", true), res("prod", cfg(prod))])).toEqual([]);
      expect(await check("acme-ca-per-environment", [env("dev", false), res("dev", cfg(dev))])).toEqual([]);
      expect(await check("acme-ca-per-environment", [env("prod", true), res("prod", cfg(dev))])).toEqual([
        "stack prod is production but uses the Let's Encrypt staging CA: browsers will " +
          "not trust its certificates (fix: edge.traefik.acme.ca: auto or production)",
      ]);
      // The stack's name does not make it production: the stack file does.
      expect(await check("acme-ca-per-environment", [env("prod", false), res("prod", cfg(prod))])).toEqual([
        "stack prod is not production (recette:production: true in its stack file) but uses the Let's Encrypt " +
          "production CA: tests spend production's rate limits (fix: edge.traefik.acme.ca: auto or staging)",
      ]);
      expect(await check("acme-ca-per-environment", [env("live", true), res("live", cfg(prod))])).toEqual([]);
    },
  );

  it(
    "prod-data-protected: a protected kept volume on production " +
      "passes, an unprotected one fails; other stacks are not concerned",
    async () => {
      const volume = one(prod, "docker:index/volume:Volume", "blog-data");
      expect(await check("prod-data-protected", [env("prod", true), res("prod", volume, { protect: true })])).toEqual(
        [],
      );
      expect(
        await check("prod-data-protected", [
          env("dev", false),
          res("dev", one(dev, "docker:index/volume:Volume", "blog-data")),
        ]),
      ).toEqual([]);
      expect(await check("prod-data-protected", [env("prod", false), res("prod", volume, { protect: false })])).toEqual(
        [],
      );
      expect(await check("prod-data-protected", [env("prod", true), res("prod", volume, { protect: false })])).toEqual([
        "docker:index/volume:Volume blog-data keeps the stack's data but is not " +
          "protected: a replace or delete would lose it (fix: protect: true, as " +
          "swarm.Target and k3s.Target set for kept volumes on production stacks)",
      ]);
      const claim = one(k3s, "kubernetes:core/v1:PersistentVolumeClaim");
      expect(
        await check("prod-data-protected", [env("prod", true), res("prod", claim, { protect: false })]),
      ).toHaveLength(1);
    },
  );

  it(
    "no-secrets-in-plain-env: secrets as files pass " +
      "(PLUXML_ADMIN_PASSWORD_FILE); a password in the environment fails",
    async () => {
      const blog = res("prod", one(prod, "docker:index/service:Service", "blog"));
      expect(Object.keys(blog.props.taskSpec.containerSpec.env)).toContain("PLUXML_ADMIN_PASSWORD_FILE");
      expect(await check("no-secrets-in-plain-env", blog)).toEqual([]);
      blog.props.taskSpec.containerSpec.env.SMTP_PASSWORD = "hunter2";
      expect(await check("no-secrets-in-plain-env", blog)).toEqual([
        "blog sets SMTP_PASSWORD in its environment in plain text (fix: a { secret: " +
          "key } reference, mounted as a file: SMTP_PASSWORD_FILE=/run/secrets/…)",
      ]);
      const deployment = res("prod", one(k3s, "kubernetes:apps/v1:Deployment"));
      expect(await check("no-secrets-in-plain-env", deployment)).toEqual([]);
      deployment.props.spec.template.spec.containers[0].env.push({ name: "API_TOKEN", value: "x" });
      expect(await check("no-secrets-in-plain-env", deployment)).toHaveLength(1);
    },
  );

  it(
    "security-group-public-ports: 22/80/443 public and cluster " +
      "ports private pass; the Swarm port open to the internet fails",
    async () => {
      const sg = res("prod", one(prod, "scaleway:instance/securityGroup:SecurityGroup"));
      expect(await check("security-group-public-ports", sg)).toEqual([]);
      sg.props.inboundRules.push({ action: "accept", protocol: "TCP", port: 2377, ipRange: "0.0.0.0/0" });
      expect(await check("security-group-public-ports", sg)).toEqual([
        "security group nodes-sg accepts TCP port 2377 from anywhere (fix: only 22, 80 and 443 " +
          "are public; cluster ports from the private network, the k3s API from nodes.apiAllowFrom)",
      ]);
    },
  );

  it(
    "k3s-memory-floor: k3s on DEV1-S (2 GiB) passes; on " +
      "STARDUST1-S (1 GiB) fails; Swarm on 1 GiB is not concerned",
    async () => {
      const stack = (rs: Rendered[], type?: string) =>
        rs.map((r) => {
          const x = res("prod", r);
          if (type && x.type === "scaleway:instance/server:Server") x.props.type = type;
          return x;
        });
      expect(await check("k3s-memory-floor", stack(k3s))).toEqual([]);
      expect(await check("k3s-memory-floor", stack(prod, "STARDUST1-S"))).toEqual([]);
      const failed = await check("k3s-memory-floor", stack(k3s, "STARDUST1-S"));
      expect(failed[0]).toBe(
        "node manager-1 (STARDUST1-S, 1024 MiB) is under k3s's memory floor: k3s alone takes about " +
          "548.1 MiB (fix: a type with at least 2 GiB, e.g. DEV1-S, or orchestrator.kind: swarm)",
      );
      expect(failed).toHaveLength(k3s.filter((r) => r.type === "scaleway:instance/server:Server").length);
    },
  );
});
