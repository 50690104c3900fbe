import { escapeControls } from "../load/text";
import { historyFile, readHistory, type HistoryEntry } from "../stack/history";
import { parseStackArgs, projectRoot, STACK_OPTION, type StackIo, type StackOptions } from "./stack-command";

export const summary = "the stack's updates made with recette up and recette rollback: when, by whom, the images";
export const usage = "recette history -s <stack> [--json]   e.g. recette history -s prod";

/** One update: a heading line, then a line per service with its image. */
export const renderEntry = (e: HistoryEntry): string[] => {
  const what = e.kind === "rollback" ? `rollback to update ${e.rollbackTo}` : "up";
  const commit = e.commit ? ` at ${e.commit}` : "";
  const width = Math.max(...Object.keys(e.images).map((k) => k.length));
  return [
    `update ${e.update}  ${e.time}  ${what}  by ${e.by}${commit}`,
    ...Object.keys(e.images)
      .sort()
      .map((k) => `  ${k.padEnd(width)}  ${e.images[k]}`),
  ].map(escapeControls);
};

/**
 * Exit 0: newest first on stdout (nothing recorded yet is said on stderr); --json:
 * `{ "stack": …, "updates": [ … ] }`. Reads the record in the project; the engine is not started.
 */
export const history = (opts: StackOptions & { json: boolean }, io: StackIo): number => {
  const root = projectRoot(opts);
  const { entries, skipped } = readHistory(root, opts.stack);
  if (skipped.length > 0)
    io.err(
      `recette history: ${historyFile(root, opts.stack)}: line${skipped.length > 1 ? "s" : ""} ` +
        `${skipped.join(", ")} ${skipped.length > 1 ? "are" : "is"} not an update record; skipped`,
    );
  const newest = [...entries].reverse();
  if (opts.json) {
    io.out(JSON.stringify({ stack: opts.stack, updates: newest }, null, 2));
    return 0;
  }
  if (newest.length === 0) {
    io.err(
      `recette history: no update of stack ${opts.stack} is ` +
        `recorded here yet (recette up -s ${opts.stack} records one)`,
    );
    return 0;
  }
  newest.forEach((e, i) => {
    if (i > 0) io.out("");
    for (const l of renderEntry(e)) io.out(l);
  });
  return 0;
};

export const historyCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("history", usage, args, { ...STACK_OPTION, json: { type: "boolean" } }, io);
  return p.ok ? history({ stack: p.values.stack!, json: p.values.json === true }, io) : p.code;
};
