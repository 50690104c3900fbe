import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { explainRecipe } from "../../engine/cli/explain";
import type { CommandDef } from "../../engine/cli/define";
import { COMMANDS } from "../../engine/cli/defs";
import { commandNames } from "../../engine/cli/main";
import { runProgram } from "../../engine/cli/program";
import { parseRecipe } from "../../engine/load";
import { ROOT } from "../helpers";

// The docs check: README.md and docs/*.md cannot drift from the code. Links resolve, the commands they
// name exist, the recipes they show are valid, the messages troubleshooting.md quotes are still printed.

const md = new MarkdownIt({ html: true });
type Token = ReturnType<MarkdownIt["parse"]>[number];

const DOCS = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const tokens = new Map(DOCS.map((f) => [f, md.parse(read(f), {})]));

/** The text of an inline token as GitHub renders it (code spans without their backticks). */
const inlineText = (t: Token): string =>
  (t.children ?? []).map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : "")).join("");

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to '-', repeats numbered. */
const anchorsOf = (ts: Token[]): Set<string> => {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  ts.forEach((t, i) => {
    if (t.type !== "heading_open") return;
    const base = inlineText(ts[i + 1]!)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  });
  return out;
};

/** The yaml blocks that are whole recipes (a fragment such as one app entry has no name and nodes). */
const recipesIn = (ts: Token[]): Token[] =>
  ts
    .filter((t) => t.type === "fence" && t.info.trim() === "yaml" && /^name:/m.test(t.content))
    .filter((t) => /^nodes:/m.test(t.content));

const links = (ts: Token[]): string[] =>
  ts.flatMap((t) => (t.children ?? []).filter((c) => c.type === "link_open").map((c) => c.attrGet("href") ?? ""));

/** Every code span and code block, where the docs name commands. */
const codeOf = (ts: Token[]): string[] =>
  ts.flatMap((t) => [
    ...(t.type === "fence" ? [t.content] : []),
    ...(t.children ?? []).filter((c) => c.type === "code_inline").map((c) => c.content),
  ]);

// Words that only the people who built recette understand: internal documents, the team's own names.
const TEAM_WORDS = [
  /MISSION\.md/,
  /the article's/i,
  /\blab lane\b/i,
  /\b(this|second|last) session\b/i,
  /\bround 3\b/i,
  /\bstop 1\d\b/,
];
const teamWordsIn = (text: string): string[] => TEAM_WORDS.filter((w) => w.test(text)).map(String);

// Every command as the CLI parses it, but answering 0 instead of running: the docs' command lines are parsed
// (options, arguments, choices), never run.
const PARSE_ONLY: CommandDef[] = COMMANDS.map((d) => ({ ...d, load: async () => () => 0 }));

/**
 * The recette command lines in code: `recette <cmd> …` or `npx recette <cmd> …` up to a comment, a pipe,
 * a redirection or `&&`, split as a shell would split these simple words. Usage summaries (with `[…]`, `|`
 * or `…`), messages (`recette render: …`), shell substitutions and typos shown on purpose are not lines
 * to run.
 */
const commandLinesIn = (code: string[]): string[][] =>
  code
    .filter((c) => !c.includes("did you mean"))
    .flatMap((c) => c.split("\n"))
    .flatMap((line) => {
      const m = /(?:^|^\$ |npx (?:--no-install )?)recette ([a-z][a-z-]*(?![a-z:-]).*)$/.exec(line.trim());
      if (!m) return [];
      // Placeholders (<stack>) are values; then the line ends at a comment, pipe, redirection or &&.
      const words = m[1]!
        .replace(/<([a-z][\w.:/-]*)>/gi, "$1")
        .replace(/\s+(#|\||&&|;|<|>|2>).*$/, "")
        .trim();
      // A command named in prose (`recette up`) is not a line to run.
      if (!/\s/.test(words)) return [];
      if (/[[\]|…$`()]/.test(words)) return [];
      return [words.split(/\s+/).map((w) => w.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1"))];
    });

describe("README.md", () => {
  const readme = read("README.md");

  it("is read in ten minutes: at most 150 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(150);
  });

  it("shows the diagram of what recipes/blog.yaml deploys, as a Mermaid block GitHub renders", () => {
    const mermaid = tokens.get("README.md")!.filter((t) => t.type === "fence" && t.info.trim() === "mermaid");
    expect(mermaid).toHaveLength(1);
    for (const part of ["Swarm", "Traefik", "Let's Encrypt", "PluXml", "OpenSMTPD", "smarthost", "volume"]) {
      expect(mermaid[0]!.content).toContain(part);
    }
  });

  it("lists every command the CLI knows in its CLI table, and no other", () => {
    const ts = tokens.get("README.md")!;
    const start = ts.findIndex((t, i) => t.type === "heading_open" && inlineText(ts[i + 1]!) === "The CLI");
    const end = ts.findIndex((t, i) => i > start && t.type === "table_close");
    const table = ts.slice(start, end);
    const isFirstCell = (_t: Token, i: number) => table[i - 1]?.type === "td_open" && table[i - 2]?.type === "tr_open";
    const firstCells = table.filter(isFirstCell);
    const rows = firstCells.map((t) => /^recette ([a-z-]+)/.exec(inlineText(t))?.[1] ?? inlineText(t));
    expect(rows.sort()).toEqual([...commandNames()].sort());
  });

  it("keeps the two-command quick start that CI replays", () => {
    const blocks = tokens.get("README.md")!.filter((t) => t.type === "fence" && t.info.trim() === "sh");
    const lines = blocks[0]!.content
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean);
    expect(lines).toEqual(["npm run local:up", "npm test"]);
  });
});

describe.each(DOCS)("%s", (file) => {
  const ts = tokens.get(file)!;
  const text = read(file);

  it("links only to files (and headings) that exist", () => {
    const broken: string[] = [];
    for (const href of links(ts)) {
      if (/^[a-z]+:/i.test(href)) continue; // https:, mailto: — not ours to check
      const [target, anchor] = href.split("#") as [string, string | undefined];
      const resolved = target ? path.join(path.dirname(file), decodeURIComponent(target)) : file;
      if (!fs.existsSync(path.join(ROOT, resolved))) {
        broken.push(`${href}: no file ${resolved}`);
        continue;
      }
      if (anchor && resolved.endsWith(".md")) {
        const anchors = anchorsOf(tokens.get(resolved) ?? md.parse(read(resolved), {}));
        if (!anchors.has(anchor)) broken.push(`${href}: no heading #${anchor} in ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("names only npm scripts that package.json has", () => {
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    const named = [...text.matchAll(/\bnpm run ([a-z][\w:.-]*[\w])/g)].map((m) => m[1]!);
    if (/\bnpm test\b/.test(text)) named.push("test");
    expect(named.filter((s) => !(s in scripts))).toEqual([]);
  });

  it("names only recette commands the CLI knows", () => {
    // `help` is answered by the CLI itself, outside the command registry.
    const known = new Set([...commandNames(), "help"]);
    // A command line starts with it (`recette explain …`, or a message `recette render: …`) or runs it with npx.
    // A block showing what a typo does ("did you mean") names a wrong command on purpose.
    const named = codeOf(ts)
      .filter((code) => !code.includes("did you mean"))
      .flatMap((code) => [...code.matchAll(/(?:^|npx )recette ([a-z][a-z-]*)/gm)])
      .map((m) => m[1]!);
    expect(named.filter((c) => !known.has(c))).toEqual([]);
  });

  it("shows only recette command lines the CLI accepts: options, arguments and their choices", async () => {
    const bad: string[] = [];
    for (const argv of commandLinesIn(codeOf(ts))) {
      const err: string[] = [];
      const code = await runProgram(argv, PARSE_ONLY, "0.0.0", { out: () => undefined, err: (s) => err.push(s) });
      if (code !== 0) bad.push(`recette ${argv.join(" ")}: ${err.join(" ").split("\n")[0]}`);
    }
    expect(bad).toEqual([]);
  });

  it("shows only valid recipes", () => {
    for (const r of recipesIn(ts)) {
      expect(() => parseRecipe(r.content, `${file}:${r.map![0] + 1} (recipe)`)).not.toThrow();
    }
  });

  it("uses no word that only the team that built recette understands", () => {
    expect(teamWordsIn(text)).toEqual([]);
  });
});

describe("the docs check itself", () => {
  it("finds the recipes the docs show (so an empty check cannot pass)", () => {
    expect(DOCS.flatMap((f) => recipesIn(tokens.get(f)!)).length).toBeGreaterThanOrEqual(2);
  });

  it("reads GitHub's anchors as GitHub makes them", () => {
    const ts = md.parse("# Drift: `recette drift`\n## 1. This machine\n## Let's go\n## Let's go\n", {});
    expect([...anchorsOf(ts)]).toEqual(["drift-recette-drift", "1-this-machine", "lets-go", "lets-go-1"]);
  });

  it("knows the CLI's commands from its registry", () => {
    const expected = ["validate", "render", "explain", "backup", "restore", "preview", "drift"];
    expect(commandNames()).toEqual(expect.arrayContaining(expected));
  });
});

describe("docs/troubleshooting.md", () => {
  const ts = tokens.get("docs/troubleshooting.md")!;
  // Sections: each `## ` heading with the tokens up to the next one.
  const sections: { title: string; body: Token[] }[] = [];
  ts.forEach((t, i) => {
    if (t.type === "heading_open" && t.tag === "h2") sections.push({ title: inlineText(ts[i + 1]!), body: [] });
    else sections.at(-1)?.body.push(t);
  });
  const flat = (s: string) => s.replace(/\s+/g, " ");

  it("covers the failures we know", () => {
    const titles = sections.map((s) => s.title).join("\n");
    const known = ["IPVS", "ESP", "Scaleway", "TRAEFIK DEFAULT CERT", "staging", "newer than the engine", "Go"];
    known.push("The Pulumi engine cannot be built", "ssh-agent", "secret");
    for (const failure of known) {
      expect(titles).toContain(failure);
    }
  });

  const cases = sections.map((s) => [s.title, s.body] as const);
  it.each(cases)("%s: quotes a message the code still prints, or says whose it is", (_title, body) => {
    const html = body
      .filter((t) => t.type === "html_block")
      .map((t) => t.content)
      .join("\n");
    const sources = [...html.matchAll(/<!-- source: (\S+) "([^"]+)" -->/g)].map(([, f, fragment]) => ({
      file: f!,
      fragment: fragment!,
    }));
    const outside = /<!-- outside: [^>]+ -->/.test(html);
    const why = 'a <!-- source: file "fragment" --> or <!-- outside: … --> comment';
    expect(sources.length > 0 || outside, why).toBe(true);
    const visible = body.filter((t) => t.type !== "html_block");
    const shown = flat(visible.map((t) => (t.type === "inline" ? inlineText(t) : t.content)).join("\n"));
    for (const { file: source, fragment } of sources) {
      expect(fs.existsSync(path.join(ROOT, source)), `${source} exists`).toBe(true);
      expect(flat(read(source)), `${source} still prints "${fragment}"`).toContain(fragment);
      expect(shown, `the section quotes "${fragment}"`).toContain(fragment);
    }
  });
});

describe("what the CLI prints", () => {
  const recipes = fs.readdirSync(path.join(ROOT, "recipes")).filter((f) => f.endsWith(".yaml"));

  it.each(recipes)("explain %s names no internal document", (name) => {
    const out = explainRecipe(parseRecipe(read(`recipes/${name}`), `recipes/${name}`).model);
    expect(out).toContain("anchors (measured on a 2 GiB Scaleway DEV1-S running Debian 10");
    expect(teamWordsIn(out)).toEqual([]);
  });

  it("help names no internal document", () => {
    const help = spawnSync(path.join(ROOT, "bin", "recette"), ["help"], { cwd: ROOT, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/commands:/i);
    expect(teamWordsIn(help.stdout)).toEqual([]);
  });
});
