import { stringify } from "yaml";
import type { Registration } from "./mocks";

/** A file `recette render` writes: a path under the output directory and its content. */
export interface Artifact {
  path: string;
  content: string;
}

const json = (v: unknown) => `${JSON.stringify(sortKeys(v), null, 2)}\n`;

export const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
};

const labelsOf = (inputs: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(((inputs.labels ?? []) as { label: string; value: string }[]).map((l) => [l.label, l.value]));

const K8S_KIND = /^kubernetes:([a-z0-9.]*\/)?[a-z0-9]+:([A-Za-z]+)$/;

/** A Fleet's server is named `<fleet>-<node>` (components/scaleway/fleet.ts): its files go under the node's name. */
const nodeOf = (r: Registration): string => {
  const fleet = r.parent.split("::")[1] ?? "";
  return fleet && r.name.startsWith(`${fleet}-`) ? r.name.slice(fleet.length + 1) : r.name;
};

/** Turns registrations into the reviewable files: cloud-init, Swarm service specs, Kubernetes objects, config files. */
export const renderArtifacts = (regs: Registration[]): Artifact[] => {
  const out: Artifact[] = [];
  const ordered = [...regs].sort(
    (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.parent.localeCompare(b.parent),
  );
  // A dynamic resource's inputs carry its provider's serialized code (__provider): not for review.
  const reviewable = (inputs: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "__provider"));
  out.push({
    path: "resources.json",
    content: json(
      ordered.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs: reviewable(inputs) })),
    ),
  });
  for (const r of ordered) {
    if (r.type === "scaleway:instance/server:Server") {
      const userData = (r.inputs.userData ?? {}) as Record<string, string>;
      if (userData["cloud-init"])
        out.push({ path: `nodes/${nodeOf(r)}/cloud-init.yaml`, content: userData["cloud-init"] });
    } else if (r.type === "docker:index/service:Service") {
      out.push({ path: `swarm/${r.name}.json`, content: json(r.inputs) });
    } else if (r.type === "docker:index/serviceConfig:ServiceConfig") {
      const file = labelsOf(r.inputs)["recette.file"];
      if (file && typeof r.inputs.data === "string")
        out.push({ path: `files/${file}`, content: Buffer.from(r.inputs.data, "base64").toString("utf8") });
    } else if (K8S_KIND.test(r.type) && r.inputs.kind) {
      const meta = (r.inputs.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
      out.push({
        path: `k8s/${String(r.inputs.kind)}-${meta.name ?? r.name}.yaml`,
        content: stringify(sortKeys(r.inputs), { lineWidth: 0 }),
      });
      const workload = meta.labels?.["recette.files"];
      if (r.inputs.kind === "ConfigMap" && workload) {
        for (const [file, content] of Object.entries((r.inputs.data ?? {}) as Record<string, string>))
          out.push({ path: `files/${workload}/${file}`, content });
      }
    }
  }
  return out;
};
