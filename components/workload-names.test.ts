import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installRecorder, type Registration } from "../engine/render/mocks";
import { resolve } from "../test/registrations";
import * as k3s from "./k3s";
import { physicalName, type Naming } from "./naming";
import * as swarm from "./swarm";
import { networkName } from "./swarm/target";
import { workloadDefaults, type Workload } from "./workload";
import { NETWORK_LOGICALS, networkLogical, workloadNames } from "./workload-names";

const naming: Naming = { project: "recette", stack: "test", recipe: "blog" };

/** A workload with every kind of object a target names: volumes, files, secrets, a route, a published port. */
const blog: Workload = {
  ...workloadDefaults(),
  name: "blog",
  image: "example/blog:1",
  volumes: [
    { name: "data", path: "/var/www/html/data", sizeMiB: 1024, keep: true },
    { name: "cache", path: "/cache", sizeMiB: 64, keep: false },
  ],
  files: [
    { name: "php.ini", path: "/usr/local/etc/php/php.ini", content: "memory_limit=64M" },
    { name: "site conf", path: "/etc/site.conf", content: "x" },
  ],
  secrets: [{ name: "db.pass", path: "/run/secrets/db.pass", content: "hunter2" }],
  routes: [{ host: "blog.example.org", path: "/", port: 80 }],
  published: [{ published: 8080, target: 80, protocol: "tcp" }],
  ports: [80],
  readsOrchestrator: true,
  autoscale: { min: 2, max: 3, cpuPercent: 50 },
};

/** Whether a physical name is `physicalName(logical)`, or that followed by a Swarm suffix (a digest, a random id). */
const namedAfter = (physical: string, logicals: string[]) =>
  logicals.some((l) => {
    const p = physicalName(naming, l);
    return physical === p || (physical.startsWith(`${p}-`) && /^[0-9a-f]{8,10}$/.test(physical.slice(p.length + 1)));
  });

const deployedNames = (registrations: Registration[], of: (r: Registration) => unknown): string[] =>
  registrations
    .filter((r) => r.parent === "recette:test:App::app" && r.custom)
    .map(of)
    .filter((n): n is string => typeof n === "string");

describe("workloadNames", () => {
  it("lists the workload, its volumes, secrets and files, and the Kubernetes objects beside it", () => {
    expect(workloadNames(blog).map((n) => `${n.of} ${n.logical}`)).toEqual([
      "workload blog",
      "volume blog-data",
      "volume blog-cache",
      "secret blog-db-pass",
      "file blog-php-ini",
      "file blog-site conf",
      "kubernetes blog-files",
      "kubernetes blog-secrets",
      "kubernetes blog-published",
    ]);
  });

  it("is every name swarm.Target gives the workload's objects", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
    const target = new swarm.Target("swarm", { naming, provider, mesh: true });
    target.deploy({ ...blog, autoscale: undefined }, new pulumi.ComponentResource("recette:test:App", "app"));
    await settle();
    const names = deployedNames(registrations, (r) => r.inputs.name);
    // volumes, configs, secrets and the service
    expect(names).toHaveLength(2 + 2 + 1 + 1);
    const logicals = workloadNames(blog).map((n) => n.logical);
    for (const name of names) expect(namedAfter(name, logicals), name).toBe(true);
    expect(await resolve(target.networkName)).toBe(physicalName(naming, networkLogical(false)));
  });

  it("is every name k3s.Target gives the workload's objects", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const target = new k3s.Target("k3s", { naming, provider });
    target.deploy(blog, new pulumi.ComponentResource("recette:test:App", "app"));
    await settle();
    const names = deployedNames(registrations, (r) => (r.inputs.metadata as { name?: unknown } | undefined)?.name);
    // claims, ConfigMap, Secret, ServiceAccount, ClusterRole(Binding), Deployment, Services, Ingress, HPA, PDB
    expect(names).toHaveLength(2 + 1 + 1 + 3 + 1 + 2 + 1 + 1 + 1);
    const logicals = workloadNames(blog).map((n) => n.logical);
    for (const name of names) expect(logicals.map((l) => physicalName(naming, l))).toContain(name);
  });

  it("names both stack networks", () => {
    expect(NETWORK_LOGICALS).toEqual(["net", "net-encrypted"]);
    expect(networkName({ naming, encryptOverlay: true })).toBe(physicalName(naming, "net-encrypted"));
  });
});
