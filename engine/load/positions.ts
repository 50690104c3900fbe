import { isMap, isPair, isScalar, isSeq, type LineCounter, type Document, type Node } from "yaml";

type Path = readonly PropertyKey[];

/** Finds where a recipe path sits in the YAML source, falling back to the nearest existing parent. */
export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line/column (1-based) of the value at `path`, or of its key when `key` is true. */
  at(path: Path, key = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best: unknown = node;
    for (const segment of path) {
      const next = this.child(node, segment, key && segment === path[path.length - 1]);
      if (next === undefined) break;
      node = next;
      best = next;
    }
    const range = (best as Node | undefined)?.range;
    const offset = range ? range[0] : 0;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  }

  private child(node: unknown, segment: PropertyKey, wantKey: boolean): unknown {
    if (isSeq(node) && typeof segment === "number") return node.items[segment];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) return undefined;
      return wantKey || pair.value === null ? pair.key : pair.value;
    }
    return undefined;
  }
}
