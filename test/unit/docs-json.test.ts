import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { DrillReport } from "../../engine/cli/drill";
import type { DriftReport } from "../../engine/cli/drift";
import { previewJson } from "../../engine/cli/preview";
import type { StatusReport } from "../../engine/cli/status";
import type { Drift } from "../../engine/delivery/drift";
import type { ResourceChange } from "../../engine/delivery/summary";
import type { CertificateStatus } from "../../engine/status/certificate";
import type { WorkloadStatus } from "../../engine/status/workloads";
import { ROOT } from "../helpers";

// docs/operations.md shows what `recette preview|drift|status|drill --json` print. Each example's fields are
// compared here with the code's: the document printed (preview), or the report's type, every key of which a
// `Record<keyof …, true>` must list (the compiler refuses a missing or an extra one), so neither can drift.

const doc = fs.readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
const examples = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
  (m) => JSON.parse(m[1]!.replaceAll("…", "")) as Record<string, unknown>,
);
/** The example whose top-level keys include `key` (each command's has a field of its own). */
const example = (key: string) => {
  const found = examples.filter((e) => key in e);
  expect(found, `one --json example with "${key}" in docs/operations.md`).toHaveLength(1);
  return found[0]!;
};
const keys = (o: unknown) => Object.keys(o as object);

const statusKeys: Record<keyof StatusReport, true> = {
  stack: true,
  orchestrator: true,
  urls: true,
  workloads: true,
  certificates: true,
  problems: true,
};
const workloadKeys: Record<keyof WorkloadStatus, true> = {
  name: true,
  kind: true,
  desired: true,
  running: true,
  image: true,
  digest: true,
  health: true,
};
// `error` is printed only when the handshake failed.
const certificateKeys: Record<Exclude<keyof CertificateStatus, "error">, true> = {
  url: true,
  address: true,
  issuer: true,
  expires: true,
  daysLeft: true,
};
const driftKeys: Record<keyof DriftReport, true> = { stack: true, drift: true, pending: true, clean: true };
const driftEntryKeys: Record<keyof Drift, true> = { name: true, type: true, urn: true, kind: true, paths: true };
const changeKeys: Record<keyof ResourceChange, true> = {
  change: true,
  name: true,
  type: true,
  urn: true,
  paths: true,
  replaceKeys: true,
  stateful: true,
};
const drillKeys: Record<keyof DrillReport, true> = {
  stack: true,
  drillStack: true,
  backup: true,
  rpoSeconds: true,
  rtoSeconds: true,
  phases: true,
  url: true,
  certificate: true,
  articles: true,
  adminLogin: true,
  problems: true,
  ok: true,
};

describe("docs/operations.md's --json examples have the fields the commands print", () => {
  it("preview: the document previewJson makes, with a change entry as the summary has it", () => {
    const printed = previewJson(
      {
        stack: "local",
        reason: "Previewed: asked for with -s.",
        recipeProblems: [],
        failed: false,
        preview: { changes: [], unchanged: 30, policyPacks: [], violations: [], errors: [], warnings: [] },
      },
      ".recette/preview/local.md",
    );
    const shown = (example("stacks").stacks as Record<string, unknown>[])[0]!;
    expect(keys(shown)).toEqual(keys(printed));
    expect(keys((shown.changes as unknown[])[0])).toEqual(keys(changeKeys));
  });

  it("drift, status and drill: every field of their reports, in order", () => {
    const drift = example("drift");
    expect(keys(drift)).toEqual(keys(driftKeys));
    expect(keys((drift.drift as unknown[])[0])).toEqual(keys(driftEntryKeys));
    const status = example("certificates");
    expect(keys(status)).toEqual(keys(statusKeys));
    expect(keys((status.workloads as unknown[])[0])).toEqual(keys(workloadKeys));
    expect(keys((status.certificates as unknown[])[0])).toEqual(keys(certificateKeys));
    expect(keys(example("drillStack"))).toEqual(keys(drillKeys));
  });
});
