import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resourceTree, shortType, toDot, toMermaid } from "../../engine/cli/graph";
import { renderStack } from "../../engine/render";
import { ROOT } from "../helpers";
import { recette } from "./cli-helpers";

describe("recette graph", () => {
  it("the tree of recipes/local.yaml on stack local: each resource under the component that declares it", async () => {
    const { registrations } = await renderStack({ root: ROOT, stack: "local", recipe: "recipes/local.yaml" });
    const nodes = resourceTree(registrations);
    expect(nodes).toHaveLength(registrations.length);
    const parentOf = (key: string) => nodes.find((n) => n.key === key)?.parent;
    expect(nodes[0]).toMatchObject({
      id: "n0",
      key: "recette:index:Environment::local",
      parent: undefined,
      component: true,
    });
    expect(nodes.filter((n) => n.parent === undefined)).toHaveLength(1);
    expect(parentOf("docker:index/service:Service::blog")).toBe("recette:pluxml:Pluxml::blog");
    expect(parentOf("docker:index/volume:Volume::traefik-acme")).toBe("recette:traefik:Traefik::traefik");
    expect(parentOf("command:local:Command::swarm-local-init")).toBe("recette:swarm:Cluster::swarm");
    expect(parentOf("recette:pluxml:Pluxml::blog")).toBe("recette:index:Environment::local");
    expect(parentOf("pulumi:providers:docker::swarm-provider")).toBe("recette:swarm:Cluster::swarm");
    // depth first: a component is followed by its own resources
    const blog = nodes.findIndex((n) => n.key === "recette:pluxml:Pluxml::blog");
    expect(nodes.slice(blog + 1, blog + 4).map((n) => n.parent)).toEqual(Array(3).fill("recette:pluxml:Pluxml::blog"));
  });

  it("docs/graph.md shows the blog's graph exactly as recette graph recipes/blog.yaml -s dev prints it", async () => {
    const { registrations } = await renderStack({ root: ROOT, stack: "dev", recipe: "recipes/blog.yaml" });
    const doc = fs.readFileSync(path.join(ROOT, "docs", "graph.md"), "utf8");
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(doc)?.[1];
    // When this fails, the blog's resources changed: npx recette graph recipes/blog.yaml -s dev, into docs/graph.md.
    expect(block).toBe(toMermaid(resourceTree(registrations)));
  });

  it("Mermaid and DOT: one box per resource, one edge per parent, labels escaped", () => {
    const nodes = resourceTree([
      { type: "recette:index:Environment", name: "e", parent: "", custom: false },
      {
        type: "docker:index/service:Service",
        name: 'say "hi" <b>',
        parent: "recette:index:Environment::e",
        custom: true,
      },
      { type: "pulumi:providers:docker", name: "docker", parent: "recette:index:Environment::e", custom: true },
    ]);
    expect(toMermaid(nodes)).toBe(
      [
        "flowchart LR",
        '  n0("e<br/><small>recette:Environment</small>")',
        '  n1["say #quot;hi#quot; #lt;b#gt;<br/><small>docker:Service</small>"]',
        '  n2["docker<br/><small>provider:docker</small>"]',
        "  n0 --> n1",
        "  n0 --> n2",
      ].join("\n"),
    );
    expect(toDot(nodes)).toContain('  n1 [label="say \\"hi\\" <b>\\ndocker:Service"];\n');
    expect(shortType("command:remote:Command")).toBe("command:Command");
  });

  it("prints Mermaid by default and DOT that Graphviz parses (bin/recette, stack local)", () => {
    const mermaid = recette("graph", "recipes/local.yaml", "-s", "local");
    expect([mermaid.status, mermaid.stderr]).toEqual([0, ""]);
    expect(mermaid.stdout.split("\n").slice(0, 2)).toEqual([
      "flowchart LR",
      '  n0("local<br/><small>recette:Environment</small>")',
    ]);
    const dot = recette("graph", "-s", "local", "--format", "dot");
    expect([dot.status, dot.stderr]).toEqual([0, ""]);
    // Graphviz is installed by scripts/ensure-validators (npm test), from Debian's graphviz package.
    const parsed = spawnSync("dot", ["-Tsvg"], { input: dot.stdout, encoding: "utf8" });
    expect([parsed.status, parsed.stderr]).toEqual([0, ""]);
    const boxes = dot.stdout.match(/^ {2}n\d+ \[label=/gm)!.length;
    expect(boxes).toBeGreaterThan(20);
    // One tree: every resource but the environment has its parent's edge.
    expect(parsed.stdout.match(/<g id="node\d+" class="node">/g)).toHaveLength(boxes);
    expect(parsed.stdout.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(boxes - 1);
    const bad = recette("graph", "-s", "Local");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^recette graph: --stack "Local" is not a recette stack name/);
  });
});
