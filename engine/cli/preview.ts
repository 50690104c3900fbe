import * as fs from "node:fs";
import * as path from "node:path";
import { stackFiles, whyAffected } from "../delivery/affected";
import { recordRun } from "../delivery/engine-run";
import { changedFiles } from "../delivery/git";
import { renderStackMarkdown, type StackReport } from "../delivery/markdown";
import { policyPackDir } from "../delivery/pulumi";
import { countChanges, summarizePreview } from "../delivery/summary";
import { formatProblem, loadRecipe, RecipeError } from "../load";
import { escapeControls } from "../load/text";
import { deployProblems } from "../stack/check";
import { listStacks } from "../stack/name";
import { openStack, type StackSession } from "../stack/workspace";
import { failureText, parseStackArgs, progressOf, projectRoot, type StackIo } from "./stack-command";

export const summary =
  "what `recette up` would change on each stack a change touches: progress on stderr, one Markdown summary per stack";
export const usage =
  "recette preview [-s <stack>]... [--changed-from <git ref>] [--out <dir>] [--json]" +
  "   e.g. recette preview -s dev -s prod --changed-from origin/main";

/** The recipe's problems as `file:line:col path: message`, relative to the repository. */
export const recipeProblems = (root: string, recipe: string | undefined): string[] => {
  if (!recipe) return [];
  try {
    return loadRecipe(path.join(root, recipe)).warnings.map((p) => formatProblem({ ...p, file: recipe }));
  } catch (e) {
    if (e instanceof RecipeError) return e.problems.map((p) => formatProblem({ ...p, file: recipe }));
    throw e;
  }
};

export interface PreviewOptions {
  stacks: string[];
  changedFrom?: string;
  out?: string;
  json: boolean;
  root?: string;
}

/** One stack in `recette preview --json` (docs/operations.md documents the shape). */
export const previewJson = (r: StackReport, file: string) => ({
  stack: r.stack,
  reason: r.reason,
  previewed: r.preview !== undefined,
  failed: r.failed,
  counts: r.preview ? countChanges(r.preview) : null,
  unchanged: r.preview?.unchanged ?? null,
  changes: r.preview?.changes ?? [],
  policyPacks: r.preview?.policyPacks ?? [],
  violations: r.preview?.violations ?? [],
  errors: r.preview?.errors ?? [],
  warnings: r.preview?.warnings ?? [],
  recipeProblems: r.recipeProblems,
  summary: file,
});

/** The one-line verdict per stack on stdout. */
export const verdict = (r: StackReport): string => {
  if (!r.preview) return "not affected";
  if (r.failed) return "preview failed";
  if (r.preview.changes.length === 0) return "no changes";
  const n = countChanges(r.preview);
  return `${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete`;
};

/** Terraform's -detailed-exitcode: 1 a preview failed, 2 changes, 0 no change. */
export const previewExitCode = (reports: StackReport[]): number =>
  reports.some((r) => r.failed) ? 1 : reports.some((r) => (r.preview?.changes.length ?? 0) > 0) ? 2 : 0;

const previewStack = async (root: string, stack: string, report: StackReport, io: StackIo) => {
  const live = progressOf(io);
  let session: StackSession | undefined;
  try {
    // Every problem of the stack file and the recipe, each missing secret included, before the engine starts.
    const problems = deployProblems(root, stack);
    if (problems.some((p) => p.severity !== "warning")) {
      report.preview = summarizePreview([]);
      report.failed = true;
      report.preview.errors.push(...problems.map(formatProblem));
      return;
    }
    session = await openStack({ root, stack, agent: true, progress: live.say });
    const pack = policyPackDir(root);
    const run = await recordRun("preview", session.stack, live.onEvent, pack ? [pack] : []);
    report.preview = summarizePreview(run.events);
    report.failed = !run.ok;
    // Before the engine starts (no such stack, no engine), the CLI's own words are the only explanation.
    if (!run.ok && report.preview.errors.length === 0)
      report.preview.errors.push(failureText(stack, run.failure, false));
  } catch (e) {
    report.preview = summarizePreview([]);
    report.failed = true;
    report.preview.errors.push(failureText(stack, e, false));
  } finally {
    live.stop();
    session?.close();
  }
};

export const preview = async (opts: PreviewOptions, io: StackIo): Promise<number> => {
  const root = projectRoot(opts);
  let changed: string[] | undefined;
  if (opts.changedFrom !== undefined) {
    try {
      changed = changedFiles(root, opts.changedFrom);
    } catch (e) {
      io.err(`recette preview: ${escapeControls((e as Error).message)}`);
      return 1;
    }
  }
  const out = path.resolve(opts.out ?? path.join(root, ".recette", "preview"));
  fs.mkdirSync(out, { recursive: true });
  const reports: StackReport[] = [];
  const docs = [];
  for (const stack of opts.stacks.length ? opts.stacks : listStacks(root)) {
    const files = stackFiles(root, stack);
    const why = changed ? whyAffected(changed, files) : "asked for with -s";
    const reason = why ? `Previewed: ${why}.` : `Nothing this stack deploys changed since ${opts.changedFrom}.`;
    const report: StackReport = { stack, reason, recipeProblems: recipeProblems(root, files.recipe), failed: false };
    if (why) await previewStack(root, stack, report, io);
    const file = path.join(out, `${stack}.md`);
    fs.writeFileSync(file, renderStackMarkdown(report));
    reports.push(report);
    const shown = path.relative(process.cwd(), file) || file;
    docs.push(previewJson(report, shown));
    if (!opts.json) io.out(`${stack}: ${verdict(report)} (${shown})`);
    if (report.failed)
      for (const e of report.preview?.errors ?? [])
        io.err(`recette preview: ${stack}: ${escapeControls(e.split("\n")[0]!)}`);
  }
  if (opts.json) io.out(JSON.stringify({ stacks: docs }, null, 2));
  return previewExitCode(reports);
};

export const previewCommand = async (args: string[], io: StackIo): Promise<number> => {
  const options = {
    stack: { type: "string", short: "s", multiple: true },
    "changed-from": { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  } as const;
  const p = parseStackArgs("preview", usage, args, options, io);
  if (!p.ok) return p.code;
  const v = p.values;
  return preview({ stacks: v.stack ?? [], changedFrom: v["changed-from"], out: v.out, json: v.json === true }, io);
};
