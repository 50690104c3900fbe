import { parseArgs } from "node:util";
import { driftOf } from "../delivery/drift";
import { policyPackDir, runWithEvents } from "../delivery/pulumi";
import { summarizePreview } from "../delivery/summary";
import { escapeControls } from "../load/text";
import { projectRootOrHere } from "../project";
import { validateStackName } from "../stack-name";

export const summary = "exit 1 naming every resource (and property) that differs from the stack's last deployment or from its recipe";
export const usage = "recette drift --stack <name>   e.g. recette drift --stack prod";

/**
 * Two questions, both answered by the engine without changing anything:
 * 1. does reality still match the last deployment? `pulumi refresh --preview-only` (hand edits, deleted objects);
 * 2. does the last deployment still match the code and recipe? `pulumi preview --expect-no-changes`.
 * Exit 0 clean; 1 drift, pending changes or a failed engine run; 2 usage.
 */
export const driftCommand = (
  args: string[],
  io: { out: (s: string) => void; err: (s: string) => void },
  root = projectRootOrHere(),
): number => {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { stack: { type: "string" } } });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  const stack = parsed.values.stack;
  const bad = stack === undefined ? "is required" : validateStackName(stack);
  if (bad || stack === undefined) {
    io.err(`recette drift: --stack ${escapeControls(bad ?? "")}\nusage: ${usage}`);
    return 2;
  }
  const refresh = runWithEvents(root, ["refresh", "--preview-only", "--stack", stack]);
  if (refresh.status !== 0) {
    const s = summarizePreview(refresh.events);
    io.err(`recette drift: pulumi refresh --preview-only -s ${stack} failed:\n${escapeControls(s.errors.join("\n") || refresh.output.trim())}`);
    return 1;
  }
  const drifts = driftOf(refresh.events);
  const pack = policyPackDir(root);
  const preview = runWithEvents(root, ["preview", "--expect-no-changes", "--stack", stack, ...(pack ? ["--policy-pack", pack] : [])]);
  const pending = summarizePreview(preview.events);
  for (const d of drifts)
    io.out(d.kind === "deleted" ? `drift: ${d.name} (${d.type}) was deleted outside Pulumi` : `drift: ${d.name} (${d.type}) changed outside Pulumi: ${d.paths.join(", ")}`);
  for (const c of pending.changes) io.out(`pending: ${c.change} ${c.name} (${c.type})${c.paths.length ? `: ${c.paths.join(", ")}` : ""}`);
  const previewFailed = preview.status !== 0 && pending.changes.length === 0;
  if (previewFailed) io.err(`recette drift: pulumi preview -s ${stack} failed:\n${escapeControls(pending.errors.join("\n") || preview.output.trim())}`);
  if (drifts.length === 0 && pending.changes.length === 0 && !previewFailed) {
    io.out(`${stack}: no drift (the resources match the last deployment, which matches the recipe)`);
    return 0;
  }
  if (drifts.length)
    io.err(`recette drift: ${drifts.length} resource${drifts.length === 1 ? "" : "s"} of stack ${stack} changed by hand: undo the edit, or put the change in the recipe and run pulumi up -s ${stack} (see docs/workflow.md)`);
  if (pending.changes.length) io.err(`recette drift: stack ${stack} is behind its recipe or code: run recette preview --stack ${stack}, then pulumi up -s ${stack}`);
  return 1;
};
