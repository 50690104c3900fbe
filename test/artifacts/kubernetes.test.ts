import { beforeAll, describe, expect, it } from "vitest";
import { renderedK8sObjects, type RenderedObject } from "./k8s-rendered";
import { modelName, modelOf, unknownFields } from "./k8s-schema";

// Every Kubernetes object `recette render` writes is checked against the API's own schema (./k8s-schema.ts),
// a PodDisruptionBudget included (./k8s-rendered.ts).

let objects: RenderedObject[];
beforeAll(async () => {
  objects = await renderedK8sObjects();
  // render redacts a Secret's data as a whole ("[secret]"); its shape is checked with an empty map.
  for (const o of objects) if (o.doc.kind === "Secret" && o.doc.stringData === "[secret]") o.doc.stringData = {};
});

describe("rendered Kubernetes objects (blog-k3s)", () => {
  it("cover every kind the k3s target makes", () => {
    expect([...new Set(objects.map((o) => o.doc.kind))].sort()).toEqual([
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Ingress",
      "Namespace",
      "PersistentVolumeClaim",
      "PodDisruptionBudget",
      "Secret",
      "Service",
      "ServiceAccount",
    ]);
  });

  it("have no field the Kubernetes v1.32 schema does not know", () => {
    for (const { file, doc } of objects) {
      const type = modelName(String(doc.apiVersion), String(doc.kind));
      expect(modelOf(String(doc.apiVersion), String(doc.kind)), `${file}: no model ${type}`).toBeDefined();
      expect(unknownFields(doc, type, file)).toEqual([]);
    }
  });

  it("pass the API's type, format and required-field validation", async () => {
    for (const { file, doc } of objects) {
      const apiVersion = String(doc.apiVersion);
      const mod = (await import(`kubernetes-models/${apiVersion}`)) as Record<
        string,
        new (
          o: unknown,
        ) => { validate(): void }
      >;
      const Kind = mod[String(doc.kind)];
      expect(Kind, `${file}: kubernetes-models has no ${apiVersion} ${String(doc.kind)}`).toBeDefined();
      expect(() => new Kind!(doc).validate(), file).not.toThrow();
    }
  });

  it("the validators refuse a wrong type (the check can fail)", async () => {
    const { Deployment } = (await import("kubernetes-models/apps/v1")) as unknown as Record<
      string,
      new (
        o: unknown,
      ) => { validate(): void }
    >;
    const broken = structuredClone(objects.find((o) => o.doc.kind === "Deployment")!.doc) as {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = "two";
    expect(() => new Deployment!(broken).validate()).toThrow(/replicas must be integer/);
  });

  it("the walk catches a misplaced field (the check can fail)", () => {
    const deployment = objects.find((o) => o.doc.kind === "Deployment")!;
    const broken = structuredClone(deployment.doc) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    broken.spec.template.spec.containers[0]!.replicas = 2;
    expect(unknownFields(broken, "V1Deployment", "d")).toEqual([
      "d.spec.template.spec.containers[0].replicas: unknown field in V1Container",
    ]);
  });
});
