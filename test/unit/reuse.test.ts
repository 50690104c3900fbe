import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Pluxml } from "../../components/pluxml";
import { Service } from "../../components/service";
import * as swarm from "../../components/swarm";
import { installRecorder } from "../../engine/render/mocks";

// The example of docs/components.md, as another team would write it in its own Pulumi program:
// no recipe, just the components on an existing swarm.
describe("reusing the components without a recipe", () => {
  it("a team's program puts a blog and an API on its swarm, with names of its own stack", async () => {
    const { registrations, settle } = installRecorder("shop", "prod");
    const naming = { project: "shop", stack: "prod", recipe: "shop" };
    const provider = new docker.Provider("manager", { host: "ssh://root@192.0.2.10" });
    const target = new swarm.Target("apps", { naming, provider, mesh: true, protectVolumes: true });
    // in the team's program: new pulumi.Config().requireSecret("blogAdminPassword")
    const adminPassword = pulumi.secret("the-team's-secret");
    new Pluxml("blog", {
      target,
      image: "registry.example.org/pluxml:5.8.21",
      host: "blog.shop.example",
      install: {
        title: "Shop news",
        adminName: "Shop",
        adminLogin: "shop",
        adminEmail: "web@shop.example",
        adminPassword,
      },
    });
    new Service("api", {
      target,
      workload: {
        name: "api",
        image: "registry.example.org/api:1.4",
        routes: [{ host: "api.shop.example", path: "/", port: 8080 }],
        ports: [8080],
        replicas: 2,
      },
    });
    await settle();
    const services = registrations
      .filter((r) => r.type === "docker:index/service:Service")
      .map((r) => r.inputs.name)
      .sort();
    expect(services).toEqual(["shop-prod-api", "shop-prod-blog"]);
    const api = registrations.find((r) => r.type === "docker:index/service:Service" && r.name === "api")!;
    expect((api.inputs.mode as { replicated: { replicas: number } }).replicated.replicas).toBe(2);
    expect(api.inputs.labels).toContainEqual({
      label: "traefik.http.routers.shop-prod-api-0.rule",
      value: "Host(`api.shop.example`)",
    });
  });
});
