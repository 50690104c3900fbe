import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stackFiles, whyAffected } from "../delivery/affected";
import { changedFiles } from "../delivery/git";
import { renderStackMarkdown, type StackReport } from "../delivery/markdown";
import { policyPackDir, runWithEvents } from "../delivery/pulumi";
import { countChanges, summarizePreview } from "../delivery/summary";
import { formatProblem, loadRecipe, RecipeError } from "../load";
import { escapeControls } from "../load/text";
import { projectRootOrHere } from "../project";
import { listStacks, validateStackName } from "../stack-name";

export const summary = "pulumi preview of each stack a change touches, one Markdown summary per stack (changes, property paths, policies, recipe problems)";
export const usage = "recette preview [--stack <name>]... [--changed-from <git ref>] [--out <dir>]   e.g. recette preview --stack dev --stack prod --changed-from origin/main --out previews";

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

/** Exit 0 every preview ran; 1 a preview failed (engine error, mandatory policy) or the ref is unknown; 2 usage. */
export const previewCommand = (
  args: string[],
  io: { out: (s: string) => void; err: (s: string) => void },
  root = projectRootOrHere(),
): number => {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { stack: { type: "string", multiple: true }, "changed-from": { type: "string" }, out: { type: "string" } } });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  const v = parsed.values;
  const stacks = v.stack ?? listStacks(root);
  for (const s of stacks) {
    const bad = validateStackName(s);
    if (bad) {
      io.err(`recette preview: --stack ${escapeControls(bad)}\nusage: ${usage}`);
      return 2;
    }
  }
  let changed: string[] | undefined;
  if (v["changed-from"] !== undefined) {
    try {
      changed = changedFiles(root, v["changed-from"]);
    } catch (e) {
      io.err(`recette preview: ${escapeControls((e as Error).message)}`);
      return 1;
    }
  }
  const out = path.resolve(v.out ?? path.join(root, ".recette", "preview"));
  fs.mkdirSync(out, { recursive: true });
  const pack = policyPackDir(root);
  let failed = false;
  for (const stack of stacks) {
    const files = stackFiles(root, stack);
    const why = changed ? whyAffected(changed, files) : "asked for with --stack";
    const report: StackReport = { stack, reason: why ? `Previewed: ${why}.` : `Nothing this stack deploys changed since ${v["changed-from"]}.`, recipeProblems: recipeProblems(root, files.recipe), failed: false };
    if (why) {
      const run = runWithEvents(root, ["preview", "--stack", stack, ...(pack ? ["--policy-pack", pack] : [])]);
      report.preview = summarizePreview(run.events);
      report.failed = run.status !== 0;
      // Before the engine starts (no such stack, no pulumi), the CLI's own words are the only explanation.
      if (report.failed && report.preview.errors.length === 0) report.preview.errors.push(run.output.trim() || `pulumi preview exited ${run.status}`);
    }
    failed ||= report.failed;
    const file = path.join(out, `${stack}.md`);
    fs.writeFileSync(file, renderStackMarkdown(report));
    const n = report.preview ? countChanges(report.preview) : undefined;
    const what = !report.preview
      ? "not affected"
      : report.failed
        ? "preview failed"
        : report.preview.changes.length === 0
          ? "no changes"
          : `${n!.create} to create, ${n!.update} to update, ${n!.replace} to replace, ${n!.delete} to delete`;
    io.out(`${stack}: ${what} (${path.relative(process.cwd(), file) || file})`);
  }
  return failed ? 1 : 0;
};
