import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../engine/model";
import { deriveModel, edgeStackProblem, hostPrefixProblem } from "../../engine/model/derive";
import { renderStack } from "../../engine/render";
import { parseRecipe } from "../../engine/load";
import { localProject, ROOT, readRecipe } from "../helpers";

const model = (text: string) => buildModel(parseRecipe(text, "recipes/x.yaml").recipe);

const WEB = `name: t
nodes: { provider: local }
orchestrator: { kind: swarm, routingMesh: fallback }
edge: { traefik: { acme: { email: a@b.example, ca: pebble } } }
apps:
  - service:
      name: web
      image: nginx:1
      routes: [{ host: web.example.org, port: 80 }, { host: api.example.org, path: /v1, port: 80 }]
      ports: [{ published: 2222, target: 22 }]
  - opensmtpd: { name: relay, deliverTo: a@b.example, delivery: mailbox, publish: 25 }
`;

describe("a derived stack's model (recette drill, preview environments)", () => {
  it("prefixes every routed host with one label and publishes no port (the base stack's nodes hold them)", () => {
    const derived = deriveModel(model(WEB), "drill");
    expect("model" in derived).toBe(true);
    if (!("model" in derived)) return;
    const m = derived.model;
    expect(m.routedHosts.map((h) => h.name)).toEqual(["drill.web.example.org", "drill.api.example.org"]);
    const web = m.apps.find((a) => a.kind === "service");
    expect(web?.kind === "service" && web.spec.ports).toEqual([]);
    expect(web?.kind === "service" && web.spec.routes.map((r) => r.path)).toEqual(["/", "/v1"]);
    const relay = m.apps.find((a) => a.kind === "opensmtpd");
    expect(relay?.kind === "opensmtpd" && relay.spec.publish).toBeUndefined();
    const blog = deriveModel(model(readRecipe("local.yaml")), "pr-42");
    expect("model" in blog && blog.model.routedHosts.map((h) => h.name)).toEqual(["pr-42.blog.local.test"]);
  });

  it.each([
    ["Drill", "is not a DNS label"],
    ["-x", "is not a DNS label"],
    ["a.b", "is not a DNS label"],
    ["x".repeat(64), "is not a DNS label"],
    ["", "is not a DNS label"],
  ])("refuses the prefix %j", (prefix, why) => {
    expect(hostPrefixProblem(prefix)).toContain(why);
    const derived = deriveModel(model(WEB), prefix);
    expect("problems" in derived && derived.problems.join()).toContain(why);
  });

  it("refuses a prefix that makes a host name too long, naming it", () => {
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.example.org`;
    const text = WEB.replace("web.example.org", long);
    const derived = deriveModel(model(text), "x".repeat(63));
    expect("problems" in derived && derived.problems.join()).toContain(
      "is not a valid host name (at most 253 characters)",
    );
  });

  it.each(["local", "recette/local", "org/recette/local/x", "org/re cette/local", ""])(
    "refuses the edge stack %j (not fully qualified)",
    (stack) => expect(edgeStackProblem(stack)).toContain("is not a fully qualified stack"),
  );

  it("accepts a fully qualified edge stack", () =>
    expect(edgeStackProblem("organization/recette/local")).toBeUndefined());
});

describe("a derived stack's resources (render: the same program as up)", () => {
  it(
    "runs its own blog and relay on the base stack's engine, " +
      "routed by the base stack's Traefik under drill.<host>",
    async () => {
      const root = localProject(
        "local-drill",
        "  recette:edgeStack: organization/recette/local\n  recette:hostPrefix: drill\n",
      );
      const r = await renderStack({ root, stack: "local-drill" });
      const types = r.registrations.map((x) => x.type);
      // The base stack's engine, from its (secret) dockerHost output; its swarm, preflight, Traefik and Pebble are not
      // here.
      const provider = r.registrations.find((x) => x.type === "pulumi:providers:docker");
      expect(provider?.inputs.host).toBe("[secret]");
      expect(types).not.toContain("recette:swarm:Cluster");
      expect(types).not.toContain("recette:preflight:Preflight");
      expect(types.filter((t) => t.startsWith("recette:traefik") || t.startsWith("recette:pebble"))).toEqual([]);
      const services = r.registrations.filter((x) => x.type === "docker:index/service:Service");
      expect(services.map((s) => s.inputs.name).sort()).toEqual([
        "recette-local-drill-blog",
        "recette-local-drill-relay",
      ]);
      const blog = services.find((s) => s.inputs.name === "recette-local-drill-blog")!;
      const labels = Object.fromEntries(
        (blog.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]),
      );
      // Its own stack label, and the base stack's edge label, network and certificate resolver.
      expect(labels["recette.stack"]).toBe("recette-local-drill");
      expect(labels["recette.edge"]).toBe("recette-local");
      expect(labels["traefik.swarm.network"]).toBe("recette-local-net");
      expect(labels["traefik.http.routers.recette-local-drill-blog-0.rule"]).toBe("Host(`drill.blog.local.test`)");
      expect(labels["traefik.http.routers.recette-local-drill-blog-0.tls.certresolver"]).toBe("le");
      const networks = (blog.inputs.taskSpec as { networksAdvanceds: { id: string }[] }).networksAdvanceds.map(
        (n) => n.id,
      );
      expect(networks).toEqual(["swarm-network-id", "recette-local-net-id"]);
      // The relay is not routed: only its own network.
      const relay = services.find((s) => s.inputs.name === "recette-local-drill-relay")!;
      expect((relay.inputs.taskSpec as { networksAdvanceds: unknown[] }).networksAdvanceds).toHaveLength(1);
      expect(r.outputs.urls).toEqual(["https://drill.blog.local.test/"]);
      expect(r.outputs.edgeStack).toBe("organization/recette/local");
      fs.rmSync(root, { recursive: true });
    },
  );

  it(
    "on Kubernetes: its own namespace, claims and Deployments on " +
      "the base's cluster, its Ingress labelled for the base's Traefik",
    async () => {
      const root = localProject(
        "local-k3s-drill",
        "  recette:edgeStack: organization/recette/local-k3s\n  recette:hostPrefix: drill\n",
        "local-k3s.yaml",
      );
      const r = await renderStack({ root, stack: "local-k3s-drill" });
      const types = r.registrations.map((x) => x.type);
      // This machine's cluster, by its kubeconfig's path; no Traefik, Pebble or cluster-wide role of its own.
      expect(r.registrations.find((x) => x.type === "pulumi:providers:kubernetes")?.inputs.kubeconfig).toMatch(
        /\.conf$|kubeconfig/,
      );
      expect(types.filter((t) => t.startsWith("recette:traefik") || t.startsWith("recette:pebble"))).toEqual([]);
      expect(types).not.toContain("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
      const of = (type: string) => r.registrations.filter((x) => x.type === type);
      const meta = (x: { inputs: Record<string, unknown> }) =>
        x.inputs.metadata as { name: string; namespace?: string; labels?: Record<string, string> };
      // Its namespace names the stack whose Traefik routes it: recette checks it is its own before deploying there.
      expect(of("kubernetes:core/v1:Namespace").map((n) => [meta(n).name, meta(n).labels?.["recette.edge"]])).toEqual([
        ["recette-local-k3s-drill", "recette-local-k3s"],
      ]);
      expect(
        of("kubernetes:apps/v1:Deployment")
          .map((d) => meta(d).name)
          .sort(),
      ).toEqual(["recette-local-k3s-drill-blog", "recette-local-k3s-drill-relay"]);
      const [ingress, ...more] = of("kubernetes:networking.k8s.io/v1:Ingress");
      expect(more).toEqual([]);
      expect(meta(ingress!)).toMatchObject({
        namespace: "recette-local-k3s-drill",
        // Its own stack label, and the base stack's edge label: the base's Traefik routes it.
        labels: { "recette.stack": "recette-local-k3s-drill", "recette.edge": "recette-local-k3s" },
      });
      expect((ingress!.inputs.spec as { rules: { host: string }[] }).rules.map((x) => x.host)).toEqual([
        "drill.blog.local.test",
      ]);
      // No published port: the base's Traefik holds the node's 80 and 443.
      expect(
        of("kubernetes:core/v1:Service").filter((x) => (x.inputs.spec as { type?: string }).type === "LoadBalancer"),
      ).toEqual([]);
      expect(r.outputs.urls).toEqual(["https://drill.blog.local.test/"]);
      fs.rmSync(root, { recursive: true });
    },
  );

  it(
    "on Kubernetes, the base stack's Traefik routes every " + "Ingress labelled with its edge label, in any namespace",
    async () => {
      const base = await renderStack({ root: ROOT, stack: "local-k3s" });
      const config = base.registrations.find(
        (x) =>
          x.type === "kubernetes:core/v1:ConfigMap" &&
          /traefik/.test(String((x.inputs.metadata as { name: string }).name)),
      );
      const text = Object.values((config?.inputs.data ?? {}) as Record<string, string>).join("\n");
      expect(text).toContain("labelSelector: recette.edge=recette-local-k3s");
      expect(text).not.toContain("namespaces:");
      const ingress = base.registrations.find((x) => x.type === "kubernetes:networking.k8s.io/v1:Ingress")!;
      expect((ingress.inputs.metadata as { labels: Record<string, string> }).labels["recette.edge"]).toBe(
        "recette-local-k3s",
      );
      expect(base.outputs.edge).toMatchObject({
        orchestrator: "k3s",
        label: { name: "recette.edge", value: "recette-local-k3s" },
      });
    },
  );

  it("the base stack's Traefik answers drill.<host> for Pebble's validation too", async () => {
    const base = await renderStack({ root: ROOT, stack: "local" });
    const traefik = base.registrations.find(
      (x) => x.type === "docker:index/service:Service" && x.inputs.name === "recette-local-traefik",
    )!;
    const aliases = (traefik.inputs.taskSpec as { networksAdvanceds: { aliases?: string[] }[] }).networksAdvanceds[0]
      ?.aliases;
    expect(aliases).toEqual(["blog.local.test", "drill.blog.local.test"]);
  });

  it.each([
    ["  recette:edgeStack: organization/recette/local\n", "hostPrefix: edgeStack is set without it"],
    ["  recette:hostPrefix: drill\n", "edgeStack: hostPrefix is set without it"],
    ["  recette:edgeStack: local\n  recette:hostPrefix: drill\n", "is not a fully qualified stack"],
    ["  recette:edgeStack: organization/recette/local\n  recette:hostPrefix: Drill\n", "is not a DNS label"],
    [
      "  recette:edgeStack: organization/recette/local\n  recette:hostPrefix: drill\n  recette:production: true\n",
      "a production stack cannot run on another stack's edge",
    ],
  ])("refuses %j naming the stack file, the key and the fix", async (extra, why) => {
    const root = localProject("local-drill", extra);
    await expect(renderStack({ root, stack: "local-drill" })).rejects.toThrow(why);
    await expect(renderStack({ root, stack: "local-drill" })).rejects.toThrow(
      /stacks\/Pulumi\.local-drill\.yaml \w+: .*\(fix: /,
    );
    fs.rmSync(root, { recursive: true });
  });
});
