import { driftOf, type Drift } from "../delivery/drift";
import { recordRun } from "../delivery/engine-run";
import { policyPackDir } from "../delivery/pulumi";
import { summarizePreview, type ResourceChange } from "../delivery/summary";
import { escapeControls } from "../load/text";
import {
  engineFailure,
  parseStackArgs,
  progressOf,
  STACK_OPTION,
  projectRoot,
  withStack,
  type StackIo,
  type StackOptions,
} from "./stack-command";

export const summary =
  "is the stack still what its recipe says? names every resource changed by hand (exit 2) and how to put it back";
export const usage = "recette drift -s <stack> [--json]   e.g. recette drift -s prod";

export interface DriftReport {
  stack: string;
  /** Resources whose real state differs from the last deployment (changed or deleted by hand). */
  drift: Drift[];
  /** What `recette up` would change because the recipe or code moved on since the last deployment. */
  pending: ResourceChange[];
  clean: boolean;
}

/** The report's lines: stdout names each difference, stderr says what to do. */
export const renderDrift = (r: DriftReport): { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  for (const d of r.drift)
    out.push(
      d.kind === "deleted"
        ? `drift: ${d.name} (${d.type}) was deleted outside Pulumi`
        : `drift: ${d.name} (${d.type}) changed outside Pulumi: ${d.paths.join(", ")}`,
    );
  for (const c of r.pending)
    out.push(`pending: ${c.change} ${c.name} (${c.type})${c.paths.length ? `: ${c.paths.join(", ")}` : ""}`);
  if (r.clean) out.push(`${r.stack}: no drift (the resources match the last deployment, which matches the recipe)`);
  const n = r.drift.length;
  if (n)
    err.push(
      `recette drift: ${n} resource${n === 1 ? "" : "s"} of stack ${r.stack} changed by hand: ` +
        `recette up -s ${r.stack} puts ${n === 1 ? "it" : "them"} back ` +
        "(it reads the resources back first); to keep a change, put it in the recipe first",
    );
  if (r.pending.length)
    err.push(
      `recette drift: stack ${r.stack} is behind its recipe or code: ` +
        `recette preview -s ${r.stack} shows what recette up -s ${r.stack} changes`,
    );
  return { out, err };
};

/**
 * Two questions, both answered by the engine without changing anything:
 * 1. does reality still match the last deployment? `refresh --preview-only` (hand edits, deleted objects);
 * 2. does the last deployment still match the code and recipe? a preview that must find no change.
 * Exit 0 clean; 2 drift or pending changes; 1 the engine failed.
 */
export const drift = async (opts: StackOptions & { json: boolean }, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  const root = projectRoot(opts);
  return withStack("drift", { ...opts, agent: true }, io, live, async (s) => {
    const refresh = await recordRun("previewRefresh", s.stack, live.onEvent);
    if (!refresh.ok) {
      live.stop();
      const errors = summarizePreview(refresh.events).errors;
      io.err(
        errors.length
          ? `recette drift: reading stack ${opts.stack} back failed:\n${escapeControls(errors.join("\n"))}`
          : engineFailure("drift", opts.stack, refresh.failure, false),
      );
      return 1;
    }
    const pack = policyPackDir(root);
    const previewed = await recordRun("preview", s.stack, live.onEvent, pack ? [pack] : []);
    live.stop();
    const pending = summarizePreview(previewed.events);
    if (!previewed.ok) {
      io.err(
        pending.errors.length
          ? `recette drift: preview of stack ${opts.stack} failed:\n${escapeControls(pending.errors.join("\n"))}`
          : engineFailure("drift", opts.stack, previewed.failure, false),
      );
      return 1;
    }
    const drifts = driftOf(refresh.events);
    const report: DriftReport = {
      stack: opts.stack,
      drift: drifts,
      pending: pending.changes,
      clean: drifts.length === 0 && pending.changes.length === 0,
    };
    const text = renderDrift(report);
    if (opts.json) io.out(JSON.stringify(report, null, 2));
    else for (const l of text.out) io.out(l);
    for (const l of text.err) io.err(l);
    return report.clean ? 0 : 2;
  });
};

export const driftCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("drift", usage, args, { ...STACK_OPTION, json: { type: "boolean" } }, io);
  return p.ok ? drift({ stack: p.values.stack!, json: p.values.json === true }, io) : p.code;
};
