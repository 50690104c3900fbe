import { markdownBlock, markdownCode, markdownText } from "../../components/escape";
import { countChanges, type PreviewSummary, type ResourceChange } from "./summary";

/** What `recette preview` knows about one stack when it writes its summary. */
export interface StackReport {
  stack: string;
  /** Why the stack was previewed (or not), e.g. "recipes/local.yaml changed since origin/main". */
  reason: string;
  /** Undefined when the stack was not previewed (nothing it deploys changed). */
  preview?: PreviewSummary;
  /** The recipe's own problems (validation errors and warnings), each `file:line:col path: message`. */
  recipeProblems: string[];
  /** The preview command failed (engine error, mandatory policy): the summary says so first. */
  failed: boolean;
}

/** The marker the pull-request workflow looks for to update its comment in place. */
export const commentMarker = (stack: string): string => `<!-- recette-preview:${stack} -->`;

const cell = (c: ResourceChange): string[] => {
  const paths = c.paths.map((p) =>
    c.replaceKeys.includes(p) ? `${markdownCode(p, "table")} (forces replacement)` : markdownCode(p, "table"),
  );
  const change =
    c.stateful && (c.change === "replace" || c.change === "delete")
      ? `**${c.change} (stateful: its data is lost)**`
      : c.change;
  const name =
    c.stateful && (c.change === "replace" || c.change === "delete")
      ? `**${markdownCode(c.name, "table")}**`
      : markdownCode(c.name, "table");
  return [change, name, markdownCode(c.type, "table"), paths.join("<br>") || "—"];
};

/** One stack's preview as Markdown: the counts, a table of changes, policy results, recipe problems. */
export const renderStackMarkdown = (r: StackReport): string => {
  const lines = [
    commentMarker(r.stack),
    `## recette preview: stack ${markdownCode(r.stack)}`,
    "",
    markdownText(r.reason),
    "",
  ];
  const p = r.preview;
  if (r.failed) lines.push("**The preview failed**: `pulumi up` would fail the same way.", "");
  if (!p) {
    lines.push("Not previewed: nothing this stack deploys changed.");
  } else {
    const n = countChanges(p);
    if (p.changes.length === 0 && !r.failed) lines.push(`No changes (${p.unchanged} unchanged).`);
    else if (p.changes.length > 0) {
      lines.push(
        `${n.create} to create · ${n.update} to update · ${n.replace} ` +
          `to replace · ${n.delete} to delete · ${p.unchanged} unchanged`,
        "",
      );
      lines.push("| Change | Resource | Type | Properties that change |", "|---|---|---|---|");
      for (const c of p.changes) lines.push(`| ${cell(c).join(" | ")} |`);
    }
    const lost = p.changes.filter((c) => c.stateful && (c.change === "replace" || c.change === "delete"));
    if (lost.length)
      lines.push(
        "",
        `**Stateful resources replaced or deleted: ${lost.map((c) => markdownCode(c.name)).join(", ")}. ` +
          "Their data does not survive this change.**",
      );
    lines.push("", "### Policies", "");
    if (p.policyPacks.length === 0) lines.push("No policy pack ran.");
    else
      lines.push(
        `Packs: ${p.policyPacks.map((k) => `${markdownCode(k.name)} ${markdownText(k.version)}`).join(", ")}.`,
      );
    if (p.policyPacks.length > 0 && p.violations.length === 0) lines.push("", "Every policy passed.");
    // The engine's message is the policy's description, then what the policy reported.
    for (const v of p.violations) {
      const [description = "", ...reported] = v.message.split("\n").map((l) => l.trim());
      const text = reported.filter(Boolean).join(" ") || description;
      lines.push(
        `- **${markdownText(v.level)}** ` +
          `${markdownCode(v.policy)}${v.resource ? ` on ${markdownCode(v.resource)}` : ""}: ${markdownText(text)}`,
      );
    }
    if (p.errors.length) lines.push("", "### Errors", "", markdownBlock(p.errors.join("\n")));
    if (p.warnings.length)
      lines.push(
        "",
        "<details><summary>Engine warnings</summary>",
        "",
        markdownBlock(p.warnings.join("\n")),
        "",
        "</details>",
      );
  }
  lines.push("", "### Recipe", "");
  lines.push(r.recipeProblems.length ? markdownBlock(r.recipeProblems.join("\n")) : "No problems.");
  return `${lines.join("\n")}\n`;
};
