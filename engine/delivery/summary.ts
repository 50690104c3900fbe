import type { EngineEvent, StepMetadata } from "./events";
import { isStatefulType } from "./stateful";

export type Change = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  change: Change;
  /** The resource's logical name (the URN's last part). */
  name: string;
  type: string;
  urn: string;
  /** Property paths that change, sorted (detailed diff when the provider gives one, else top-level keys). */
  paths: string[];
  /** Properties that force the replacement. */
  replaceKeys: string[];
  /** A volume or claim that keeps data (retainOnDelete or protect): its replacement or deletion loses data. */
  stateful: boolean;
}

export interface PolicyViolation {
  pack: string;
  policy: string;
  level: string;
  message: string;
  resource?: string;
}

export interface PreviewSummary {
  changes: ResourceChange[];
  unchanged: number;
  policyPacks: { name: string; version: string }[];
  violations: PolicyViolation[];
  errors: string[];
  warnings: string[];
}

const OPS: Record<string, Change> = {
  create: "create",
  import: "create",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "import-replacement": "replace",
  delete: "delete",
  discard: "delete",
};

export const nameOf = (urn: string): string => urn.split("::").pop() ?? urn;

const pathsOf = (m: StepMetadata): string[] =>
  [...new Set(m.detailedDiff ? Object.keys(m.detailedDiff) : (m.diffs ?? []))].sort();

/** What a preview's engine events say will happen, resource by resource, in the engine's order. */
export const summarizePreview = (events: EngineEvent[]): PreviewSummary => {
  const byUrn = new Map<string, ResourceChange>();
  let unchanged = new Set<string>();
  let engineSame: number | undefined;
  const violations: PolicyViolation[] = [];
  const packs = new Map<string, string>();
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (m) {
      if (m.type === "pulumi:pulumi:Stack") continue;
      const change = OPS[m.op];
      if (!change) {
        if (m.op === "same") unchanged.add(m.urn);
        continue;
      }
      const kept = [m.old, m.new].some((s) => s?.retainOnDelete === true || s?.protect === true);
      const prior = byUrn.get(m.urn);
      const next: ResourceChange = {
        change: prior?.change === "replace" ? "replace" : change,
        name: nameOf(m.urn),
        type: m.type,
        urn: m.urn,
        paths: [...new Set([...(prior?.paths ?? []), ...pathsOf(m)])].sort(),
        replaceKeys: [
          ...new Set([...(prior?.replaceKeys ?? []), ...(change === "replace" ? (m.keys ?? []) : [])]),
        ].sort(),
        stateful: (prior?.stateful ?? false) || (isStatefulType(m.type) && kept),
      };
      byUrn.set(m.urn, next);
    }
    const p = e.policyEvent;
    if (p) {
      violations.push({
        pack: p.policyPackName,
        policy: p.policyName,
        level: p.enforcementLevel,
        message: p.message.trim(),
        ...(p.resourceUrn ? { resource: nameOf(p.resourceUrn) } : {}),
      });
      packs.set(p.policyPackName, p.policyPackVersion);
    }
    for (const s of [e.policyAnalyzeStackSummaryEvent, e.policyAnalyzeSummaryEvent])
      if (s) packs.set(s.policyPackName, s.policyPackVersion);
    const sum = e.summaryEvent;
    if (sum) engineSame = sum.resourceChanges.same ?? 0;
    // The summary keys packs as "<name>|<stack>|<path>": only the name is worth showing.
    if (sum)
      for (const [key, version] of Object.entries(sum.policyPacks ?? sum.PolicyPacks ?? {}))
        packs.set(key.split("|")[0]!, version);
    const d = e.diagnosticEvent;
    if (d && !d.ephemeral) {
      // The engine repeats a failed program's message as an error on the stack; keep each text once.
      const text = d.message.replace(/\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g, "").trim();
      if (d.severity === "error" && text && !errors.includes(text)) errors.push(text);
      if (d.severity === "warning" && text && !warnings.includes(text)) warnings.push(text);
    }
  }
  unchanged = new Set([...unchanged].filter((u) => !byUrn.has(u)));
  return {
    changes: [...byUrn.values()],
    // The engine's own count when the preview finished (it counts the stack itself, not providers).
    unchanged: engineSame ?? unchanged.size,
    policyPacks: [...packs].map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name)),
    violations,
    errors,
    warnings,
  };
};

/** Counts per kind of change. */
export const countChanges = (s: PreviewSummary): Record<Change, number> => {
  const n: Record<Change, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of s.changes) n[c.change]++;
  return n;
};
