import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * One successful `recette up` or `recette rollback` of a stack: when, by whom, from which commit, and
 * the image each service ran after it. The engine's own update history (pulumi stack history) keeps no
 * outputs, and the local file backend cannot export an earlier state, so recette keeps this record.
 */
export interface HistoryEntry {
  /**
   * recette's own number for the update: 1, 2, 3… per stack (the local file backend numbers every
   * update 0 in pulumi stack history, so the engine's version cannot name one).
   */
  update: number;
  /** When the update ended (ISO 8601, UTC). */
  time: string;
  kind: "up" | "rollback";
  /** For a rollback: the update whose images it put back. */
  rollbackTo?: number;
  /** user@host that ran it. */
  by: string;
  /** The project's git commit (short), when the project is a git checkout. */
  commit?: string;
  /** sha256 of the recipe's text it deployed. */
  recipe: string;
  /** Workload name → image reference (at its digest when the stack pins digests). */
  images: Record<string, string>;
}

/**
 * Where a stack's history is kept: `.recette/history/` of the project, beside the local backend's
 * state (.recette/state). A stack name may hold an organization (`acme/prod`): it is encoded.
 */
export const historyFile = (root: string, stack: string): string =>
  path.join(root, ".recette", "history", `${encodeURIComponent(stack)}.jsonl`);

const isEntry = (v: unknown): v is HistoryEntry => {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.update === "number" &&
    typeof e.time === "string" &&
    (e.kind === "up" || e.kind === "rollback") &&
    typeof e.recipe === "string" &&
    typeof e.images === "object" &&
    e.images !== null &&
    Object.values(e.images).every((i) => typeof i === "string")
  );
};

/** The stack's entries, oldest first; a line that is not an entry is reported by number, never fatal. */
export const readHistory = (root: string, stack: string): { entries: HistoryEntry[]; skipped: number[] } => {
  const file = historyFile(root, stack);
  if (!fs.existsSync(file)) return { entries: [], skipped: [] };
  const entries: HistoryEntry[] = [];
  const skipped: number[] = [];
  fs.readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        v = undefined;
      }
      if (isEntry(v)) entries.push(v);
      else skipped.push(i + 1);
    });
  return { entries, skipped };
};

/** Appends one entry (one JSON line; the file is only ever appended to), numbered after the last one. */
export const appendHistory = (root: string, stack: string, entry: Omit<HistoryEntry, "update">): HistoryEntry => {
  const file = historyFile(root, stack);
  const update = Math.max(0, ...readHistory(root, stack).entries.map((e) => e.update)) + 1;
  const numbered: HistoryEntry = { ...entry, update };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(numbered)}\n`);
  return numbered;
};

/** Who runs this command, and the project's commit when it is a git checkout. */
export const provenance = (root: string): { by: string; commit?: string } => {
  const by = `${os.userInfo().username}@${os.hostname()}`;
  const git = spawnSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  const commit = git.status === 0 ? git.stdout.trim() : "";
  return commit ? { by, commit } : { by };
};

/** Services whose image differs between two entries (restricted to `only` when given). */
export const changedServices = (a: HistoryEntry, b: HistoryEntry, only?: readonly string[]): string[] =>
  [...new Set([...Object.keys(a.images), ...Object.keys(b.images)])]
    .filter((s) => !only || only.includes(s))
    .filter((s) => a.images[s] !== b.images[s])
    .sort();

export type RollbackChoice =
  | { ok: true; from: HistoryEntry; to: HistoryEntry; images: Record<string, string> }
  | { ok: false; message: string };

/**
 * What `recette rollback` puts back: the images of update `to` (by default the latest earlier update
 * whose images differ from what runs now), for `services` (by default every service that differs).
 */
export const chooseRollback = (
  stack: string,
  entries: readonly HistoryEntry[],
  opts: { to?: number; services?: readonly string[] },
): RollbackChoice => {
  const current = entries.at(-1);
  if (!current)
    return {
      ok: false,
      message:
        `no update of stack ${stack} is recorded here (recette up ` +
        `records the images of each update; fix: recette up -s ${stack})`,
    };
  const known = (e: HistoryEntry) => Object.keys(e.images);
  for (const s of opts.services ?? [])
    if (!known(current).includes(s))
      return {
        ok: false,
        message: `stack ${stack} runs no service named ${s} (its services: ${known(current).sort().join(", ")})`,
      };
  let to: HistoryEntry | undefined;
  if (opts.to !== undefined) {
    to = entries.find((e) => e.update === opts.to);
    if (!to)
      return {
        ok: false,
        message:
          `update ${opts.to} is not in stack ${stack}'s history (recorded: ` +
          `${entries.map((e) => e.update).join(", ")}; see recette history -s ${stack})`,
      };
    if (to === current) return { ok: false, message: `update ${opts.to} is what stack ${stack} runs now` };
  } else {
    to = entries
      .slice(0, -1)
      .reverse()
      .find((e) => changedServices(e, current, opts.services).some((s) => e.images[s] !== undefined));
    if (!to)
      return {
        ok: false,
        message:
          `every recorded update of stack ${stack} ran the images that run ` +
          `now${opts.services ? ` for ${opts.services.join(", ")}` : ""}: ` +
          `nothing to roll back to (see recette history -s ${stack})`,
      };
  }
  const target = to;
  const services = changedServices(target, current, opts.services).filter((s) => target.images[s] !== undefined);
  if (services.length === 0)
    return {
      ok: false,
      message:
        `update ${target.update} ran the same images as ` +
        `now${opts.services ? ` for ${opts.services.join(", ")}` : ""}: nothing to roll back`,
    };
  return {
    ok: true,
    from: current,
    to: target,
    images: Object.fromEntries(services.map((s) => [s, target.images[s]!])),
  };
};
