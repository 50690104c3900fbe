import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startApiServer, type ApiServer } from "../kubernetes/apiserver";
import { etcdBinary, findKubernetesBinaries } from "../kubernetes/binaries";
import { renderedK8sObjects, type RenderedObject } from "./k8s-rendered";

// The source of truth for the k3s target's objects: the real Kubernetes API server (the version
// scripts/ensure-kubernetes builds) accepts every object `recette render` makes for
// recipes/blog-k3s.yaml, with server-side dry-run and strict field validation. The schema walk in
// kubernetes.test.ts stays as the fast check that needs no binaries.
//
// Runs when the binaries are cached; in CI (CI=true) their absence fails the suite (they are built by
// scripts/ensure-kubernetes --build-only).

const { bins, missing } = findKubernetesBinaries(["kube-apiserver", "kubectl"]);
const etcd = etcdBinary();
const absent = [...missing, ...(etcd ? [] : ["etcd (Debian's etcd-server)"])];
const inCi = process.env.CI === "true";
// .ci/run's `npm test` sets RECETTE_K8S_DEFERRED=1: this file then runs in the e2e suite's kubernetes
// lane (test/e2e/run), right after that lane has built the binaries.
const deferred = process.env.RECETTE_K8S_DEFERRED === "1";

describe.runIf(inCi && !deferred && absent.length > 0)("real API server (CI)", () => {
  it("has its binaries (build them with scripts/ensure-kubernetes --build-only)", () => {
    expect(absent).toEqual([]);
  });
});

describe.skipIf(absent.length > 0 || deferred)("rendered Kubernetes objects (blog-k3s) on the real API server", () => {
  let api: ApiServer;
  let objects: RenderedObject[];

  beforeAll(async () => {
    // A PodDisruptionBudget included: the same recipe with a replicated Deployment supplies it (./k8s-rendered.ts).
    objects = await renderedK8sObjects();
    // render redacts a Secret's data as a whole; the API gets keys with stand-in values instead.
    for (const o of objects)
      if (o.doc.kind === "Secret" && o.doc.stringData === "[secret]") o.doc.stringData = { "redacted-by-render": "x" };
    api = await startApiServer({ etcd: etcd!, apiserver: bins["kube-apiserver"], kubectl: bins.kubectl });
  }, 120_000);
  afterAll(async () => api?.stop());

  const dryRun = (doc: Record<string, unknown>) =>
    api.kubectl(
      [
        "apply",
        "--server-side",
        "--dry-run=server",
        "--validate=strict",
        "--field-manager=recette-test",
        "-o",
        "json",
        "-f",
        "-",
      ],
      stringify(doc),
    );

  it("accepts every object (server-side dry-run, strict fields)", () => {
    expect(objects.length).toBeGreaterThan(10);
    // Namespaced objects need their namespace to exist: it is dry-run first, then created for real.
    const namespaces = objects.filter((o) => o.doc.kind === "Namespace");
    expect(namespaces).toHaveLength(1);
    const refused: string[] = [];
    for (const o of namespaces) {
      const r = dryRun(o.doc);
      if (r.status !== 0) refused.push(`${o.file}: ${r.stderr.trim()}`);
      const created = api.kubectl(["apply", "--server-side", "-f", "-"], stringify(o.doc));
      expect(created.status, created.stderr).toBe(0);
    }
    for (const o of objects.filter((x) => x.doc.kind !== "Namespace")) {
      const r = dryRun(o.doc);
      if (r.status !== 0) {
        refused.push(`${o.file}: ${r.stderr.trim()}`);
        continue;
      }
      // The answer is the object as the API would store it: same kind and name, defaults filled in.
      const stored = JSON.parse(r.stdout) as { kind: string; metadata: { name: string; uid?: string } };
      expect(stored.kind).toBe(o.doc.kind);
      expect(stored.metadata.name).toBe((o.doc.metadata as { name: string }).name);
    }
    expect(refused).toEqual([]);
  });

  it("stores nothing on a dry-run", () => {
    const deployments = api.kubectl(["get", "deployments", "-A", "-o", "name"]);
    expect(deployments.status, deployments.stderr).toBe(0);
    expect(deployments.stdout.trim()).toBe("");
  });

  it("refuses an unknown field (the check can fail)", () => {
    const broken = structuredClone(objects.find((o) => o.doc.kind === "Deployment")!.doc) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    broken.spec.template.spec.containers[0]!.replicas = 2;
    const r = dryRun(broken as unknown as Record<string, unknown>);
    expect(r.status).not.toBe(0);
    // Server-side apply checks the object against the API's own schema (structured-merge-diff).
    expect(r.stderr).toContain('.spec.template.spec.containers[name="blog"].replicas: field not declared in schema');
  });

  it("refuses an invalid value (the check can fail)", () => {
    const broken = structuredClone(objects.find((o) => o.doc.kind === "Service")!.doc) as {
      spec: { ports: { port: number }[] };
    };
    broken.spec.ports[0]!.port = 70000;
    const r = dryRun(broken as unknown as Record<string, unknown>);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.ports\[0\]\.port: Invalid value: 70000/);
  });
});
