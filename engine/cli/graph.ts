import { formatProblem, RecipeError } from "../load";
import { escapeLines } from "../load/text";
import type { Registration } from "../render/mocks";
import { findProject, projectRootOrHere } from "../project";
import { listStacks, validateStackName } from "../stack-name";
import type { Run } from "./define";

export interface GraphNode {
  id: string;
  /** `type::name`, as render's resources.json names parents. */
  key: string;
  name: string;
  type: string;
  component: boolean;
  parent: string | undefined;
}

/**
 * The resource tree: one node per registration, depth first from the top (children by type, then name), so
 * the text reads from the environment down; a parent that was not declared counts as none.
 */
export const resourceTree = (
  registrations: readonly Pick<Registration, "type" | "name" | "parent" | "custom">[],
): GraphNode[] => {
  const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
  const sorted = [...registrations].sort((a, b) => key(a).localeCompare(key(b)));
  const keys = new Set(sorted.map(key));
  const children = (parent: string) => sorted.filter((r) => (keys.has(r.parent) ? r.parent : "") === parent);
  const ordered: GraphNode[] = [];
  const visit = (parent: string) => {
    for (const r of children(parent)) {
      ordered.push({
        id: `n${ordered.length}`,
        key: key(r),
        name: r.name,
        type: r.type,
        component: !r.custom && !r.type.startsWith("pulumi:providers:"),
        parent: parent || undefined,
      });
      visit(key(r));
    }
  };
  visit("");
  return ordered;
};

/** `docker:index/service:Service` → `docker:Service`; `pulumi:providers:docker` → `provider:docker`. */
export const shortType = (type: string): string => {
  const parts = type.split(":");
  if (parts[0] === "pulumi" && parts[1] === "providers") return `provider:${parts[2] ?? ""}`;
  return `${parts[0]}:${parts[parts.length - 1]}`;
};

const edges = (nodes: readonly GraphNode[]) => {
  const byKey = new Map(nodes.map((n) => [n.key, n.id]));
  return nodes.flatMap((n) => (n.parent ? [[byKey.get(n.parent)!, n.id] as const] : []));
};

/** Mermaid's flowchart: components rounded, resources square; GitHub renders it in Markdown. */
export const toMermaid = (nodes: readonly GraphNode[]): string => {
  const text = (s: string) => s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  const box = (n: GraphNode) => {
    const label = `"${text(n.name)}<br/><small>${text(shortType(n.type))}</small>"`;
    return n.component ? `(${label})` : `[${label}]`;
  };
  return [
    "flowchart LR",
    ...nodes.map((n) => `  ${n.id}${box(n)}`),
    ...edges(nodes).map(([p, c]) => `  ${p} --> ${c}`),
  ].join("\n");
};

/** Graphviz DOT: `recette graph --format dot | dot -Tsvg > graph.svg`. */
export const toDot = (nodes: readonly GraphNode[]): string => {
  const text = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return [
    "digraph recette {",
    "  rankdir=LR;",
    '  node [shape=box, fontname="sans-serif"];',
    ...nodes.map(
      (n) =>
        `  ${n.id} [label="${text(n.name)}\\n${text(shortType(n.type))}"${n.component ? ', style="rounded"' : ""}];`,
    ),
    ...edges(nodes).map(([p, c]) => `  ${p} -> ${c};`),
    "}",
  ].join("\n");
};

/** Exit 0 printed; 1 recipe or stack refused (every problem on stderr); 2 a stack name recette refuses. */
export const graphRun: Run = async ({ args, opts }, io) => {
  const stack = typeof opts.stack === "string" ? opts.stack : "";
  const bad = validateStackName(stack);
  if (bad) {
    io.err(`recette graph: --stack ${bad} (stacks here: ${listStacks(projectRootOrHere()).join(", ")})`);
    return 2;
  }
  try {
    // Loaded only now: Pulumi and the providers are what takes time.
    const { renderStack } = require("../render/render") as typeof import("../render/render");
    const rendered = await renderStack({ root: findProject().root, stack, ...(args[0] ? { recipe: args[0] } : {}) });
    const nodes = resourceTree(rendered.registrations);
    io.out(opts.format === "dot" ? toDot(nodes) : toMermaid(nodes));
    return 0;
  } catch (e) {
    if (e instanceof RecipeError) {
      for (const p of e.problems) io.err(formatProblem(p));
      return 1;
    }
    io.err(`recette graph: ${escapeLines(e instanceof Error ? e.message : String(e))}`);
    return 1;
  }
};
