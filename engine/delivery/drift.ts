import type { EngineEvent, StepMetadata } from "./events";
import { nameOf } from "./summary";

/** A resource whose real state differs from what the last deployment recorded. */
export interface Drift {
  name: string;
  type: string;
  urn: string;
  /** "changed" (property paths differ) or "deleted" (gone from the provider). */
  kind: "changed" | "deleted";
  paths: string[];
}

/**
 * The drifted resources a `pulumi refresh --preview-only` event log reports. Nothing is filtered out:
 * a difference the engine reports is one the next `pulumi up --refresh` acts on. (Swarm services are
 * attached to their network by ID for that reason: by name, the Docker provider read every service
 * back as different and a refresh planned to replace them all.)
 */
export const driftOf = (events: EngineEvent[]): Drift[] => {
  const planned = new Map<string, string>();
  const drifts: Drift[] = [];
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre) planned.set(pre.urn, pre.op);
    const m: StepMetadata | undefined = e.resOutputsEvent?.metadata;
    // The engine rewrites a refresh step's outputs event to update (changed) or delete (gone).
    if (!m || planned.get(m.urn) !== "refresh") continue;
    if (m.op === "delete") drifts.push({ name: nameOf(m.urn), type: m.type, urn: m.urn, kind: "deleted", paths: [] });
    if (m.op === "update")
      drifts.push({
        name: nameOf(m.urn),
        type: m.type,
        urn: m.urn,
        kind: "changed",
        paths: Object.keys(m.detailedDiff ?? {}).sort(),
      });
  }
  return drifts;
};
