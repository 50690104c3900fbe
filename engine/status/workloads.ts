/**
 * What `recette status` shows of each workload, read from the orchestrator itself (Docker's and
 * kubectl's JSON), not from Pulumi's state: the state says what was asked, this says what runs.
 */
export interface WorkloadStatus {
  name: string;
  kind: "service" | "deployment";
  desired: number;
  running: number;
  image: string;
  /** The image's sha256 digest when the workload pins one (registry images); null for images built here. */
  digest: string | null;
  /** "ok" when every desired replica runs, else what is wrong. */
  health: string;
}

/** `repo:tag@sha256:…` → `sha256:…`. */
export const imageDigest = (image: string): string | null => /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1] ?? null;

export const withoutDigest = (image: string): string => image.replace(/@sha256:[0-9a-f]{64}$/, "");

const health = (running: number, desired: number): string =>
  running >= desired
    ? "ok"
    : running === 0
      ? `down: no replica running of ${desired}`
      : `degraded: ${running} of ${desired} replicas running`;

/** `docker service ls --format '{{json .}}'`: one JSON object per line (Name, Replicas "1/1", Image). */
export const parseServiceList = (text: string): WorkloadStatus[] =>
  text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const s: { Name?: unknown; Replicas?: unknown; Image?: unknown } = JSON.parse(l);
      const [running = 0, desired = 0] =
        /^(\d+)\/(\d+)/
          .exec(String(s.Replicas ?? ""))
          ?.slice(1)
          .map(Number) ?? [];
      const image = String(s.Image ?? "");
      return {
        name: String(s.Name ?? ""),
        kind: "service" as const,
        desired,
        running,
        image: withoutDigest(image),
        digest: imageDigest(image),
        health: health(running, desired),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

/** `docker service inspect`'s image (the spec's, with its digest when pinned; `ls` shortens it). */
export const parseServiceImages = (text: string): Map<string, string> => {
  const specs: unknown = JSON.parse(text || "[]");
  const images = new Map<string, string>();
  if (!Array.isArray(specs)) return images;
  for (const s of specs) {
    const name: unknown = s?.Spec?.Name;
    const image: unknown = s?.Spec?.TaskTemplate?.ContainerSpec?.Image;
    if (typeof name === "string" && typeof image === "string") images.set(name, image);
  }
  return images;
};

/** `kubectl get deployments -o json`: spec.replicas against status.readyReplicas (ready = passing its probes). */
export const parseDeployments = (text: string): WorkloadStatus[] => {
  const list: { items?: unknown } = JSON.parse(text || "{}");
  const items = Array.isArray(list.items) ? list.items : [];
  return items
    .map((d) => {
      const desired = Number(d?.spec?.replicas ?? 1);
      const running = Number(d?.status?.readyReplicas ?? 0);
      const image = String(d?.spec?.template?.spec?.containers?.[0]?.image ?? "");
      return {
        name: String(d?.metadata?.name ?? ""),
        kind: "deployment" as const,
        desired,
        running,
        image: withoutDigest(image),
        digest: imageDigest(image),
        health: health(running, desired),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
};
