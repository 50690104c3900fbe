import type { EngineEvent, StepMetadata } from "../delivery/events";
import { nameOf } from "../delivery/summary";
import { formatDuration, paint, plainText, type Colour, type Terminal } from "./format";

/**
 * The engine's events as lines a person reads while a stack is deployed: one line per resource when
 * it is created, updated, replaced or deleted, with how long it took; the engine's errors and
 * warnings; the totals at the end. Pure: the caller passes each event with the time it arrived, so
 * recorded events give exact lines (engine/progress/live.ts draws them on a stream).
 */
interface Verb {
  mark: string;
  colour: Colour;
  doing: string;
  done: string;
  planned: string;
}

const VERBS: Record<string, Verb> = {
  create: { mark: "+", colour: "green", doing: "creating", done: "created", planned: "to create" },
  update: { mark: "~", colour: "yellow", doing: "updating", done: "updated", planned: "to update" },
  replace: { mark: "+-", colour: "magenta", doing: "replacing", done: "replaced", planned: "to replace" },
  delete: { mark: "-", colour: "red", doing: "deleting", done: "deleted", planned: "to delete" },
};

/** The engine's steps folded into the four a person cares about (a replacement is several steps). */
const KIND: Record<string, keyof typeof VERBS> = {
  create: "create",
  import: "create",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  delete: "delete",
  discard: "delete",
};

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** The stack itself and provider objects are plumbing, not resources a person follows. */
const isShown = (m: StepMetadata): boolean =>
  m.type !== "pulumi:pulumi:Stack" && !m.type.startsWith("pulumi:providers:");

const paths = (m: StepMetadata): string[] =>
  [...new Set(m.detailedDiff ? Object.keys(m.detailedDiff) : (m.diffs ?? []))].sort();

export class ProgressRenderer {
  private readonly running = new Map<string, { name: string; kind: string; started: number }>();
  private readonly refreshing = new Set<string>();
  private readonly planned = new Set<string>();
  /** What this operation changed (or plans to), by kind; reset after each summary (drift runs two). */
  private tally: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  private drifted = 0;
  private onlyRefresh = true;
  /** The stack's own step: the engine counts the stack among the unchanged when it is "same". */
  private stackOp: string | undefined;
  private started: number | undefined;

  constructor(private readonly term: Terminal) {}

  private line(kind: string, text: string): string {
    const v = VERBS[kind]!;
    return `${paint(this.term, v.colour, v.mark.padEnd(2))} ${text}`;
  }

  /** The lines one event adds to the log. `now` is when it arrived (ms). */
  event(e: EngineEvent, now: number): string[] {
    this.started ??= now;
    const pre = e.resourcePreEvent;
    if (pre) {
      if (pre.metadata.op !== "refresh") this.onlyRefresh = false;
      if (pre.metadata.type === "pulumi:pulumi:Stack") this.stackOp = pre.metadata.op;
    }
    if (pre && isShown(pre.metadata)) return this.onPre(pre.metadata, pre.planning === true, now);
    const out = e.resOutputsEvent;
    if (out && isShown(out.metadata)) return this.onOutputs(out.metadata, out.planning === true, now);
    const failed = e.resOpFailedEvent?.metadata;
    if (failed && isShown(failed)) {
      const r = this.running.get(failed.urn);
      this.running.delete(failed.urn);
      const took = r ? ` after ${formatDuration(now - r.started)}` : "";
      return [`${paint(this.term, "red", "x ")} ${nameOf(failed.urn)} (${failed.type}) failed${took}`];
    }
    const d = e.diagnosticEvent;
    if (d && !d.ephemeral && (d.severity === "error" || d.severity === "warning")) {
      // Providers start their messages with the resource's URN; the line names the resource already.
      const text = plainText(d.message).replace(/^urn:pulumi:\S+\s+/, "");
      if (!text) return [];
      const who = d.urn && !d.urn.endsWith("pulumi:pulumi:Stack") ? ` ${nameOf(d.urn)}` : "";
      const label = paint(this.term, d.severity === "error" ? "red" : "yellow", `${d.severity}${who}:`);
      return text.split("\n").map((l, i) => (i === 0 ? `${label} ${l.trim()}` : `    ${l}`));
    }
    if (e.summaryEvent) return [this.summary(e.summaryEvent, now)];
    return [];
  }

  private onPre(m: StepMetadata, planning: boolean, now: number): string[] {
    if (m.op === "refresh") {
      this.refreshing.add(m.urn);
      return [];
    }
    const kind = KIND[m.op];
    // A replacement is three steps (create-replacement, replace, delete-replaced): one line for the three.
    if (!kind || m.op === "delete-replaced") return [];
    const name = nameOf(m.urn);
    if (planning) {
      if (this.planned.has(m.urn)) return [];
      this.planned.add(m.urn);
      this.tally[kind]!++;
      const changed = kind === "update" || kind === "replace" ? paths(m) : [];
      return [
        this.line(
          kind,
          `${name} (${m.type}) ${VERBS[kind]!.planned}${changed.length ? `: ${changed.join(", ")}` : ""}`,
        ),
      ];
    }
    // The second step of a replacement keeps the first one's start.
    if (this.running.has(m.urn)) return [];
    this.running.set(m.urn, { name, kind, started: now });
    return this.term.tty ? [] : [this.line(kind, `${name} (${m.type}) ${VERBS[kind]!.doing}…`)];
  }

  private onOutputs(m: StepMetadata, planning: boolean, now: number): string[] {
    if (this.refreshing.delete(m.urn)) {
      // The engine reports a refreshed resource as updated (changed outside Pulumi) or deleted (gone).
      if (m.op === "update" || m.op === "delete") this.drifted++;
      if (m.op === "update")
        return [
          this.line(
            "update",
            `${nameOf(m.urn)} (${m.type}) changed outside Pulumi: ${paths(m).join(", ") || "its state"}`,
          ),
        ];
      if (m.op === "delete") return [this.line("delete", `${nameOf(m.urn)} (${m.type}) was deleted outside Pulumi`)];
      return [];
    }
    const kind = KIND[m.op];
    if (planning || !kind || m.op === "create-replacement" || m.op === "delete-replaced") return [];
    const r = this.running.get(m.urn);
    this.running.delete(m.urn);
    this.tally[kind]!++;
    const took = r ? ` in ${formatDuration(now - r.started)}` : "";
    return [this.line(kind, `${nameOf(m.urn)} (${m.type}) ${VERBS[kind]!.done}${took}`)];
  }

  private summary(s: NonNullable<EngineEvent["summaryEvent"]>, now: number): string {
    const same = s.resourceChanges.same ?? 0;
    const stackCounted = this.stackOp === "same" || this.stackOp === "refresh";
    const unchanged = Math.max(0, same - (stackCounted ? 1 : 0));
    const ms = s.durationSeconds !== undefined ? s.durationSeconds * 1000 : now - (this.started ?? now);
    const took = formatDuration(ms);
    const t = this.tally;
    const kinds = Object.keys(VERBS).filter((k) => (t[k] ?? 0) > 0);
    const drifted = this.drifted;
    const onlyRefresh = this.onlyRefresh;
    this.tally = { create: 0, update: 0, replace: 0, delete: 0 };
    this.drifted = 0;
    this.onlyRefresh = true;
    this.stackOp = undefined;
    if (onlyRefresh) {
      // The engine's own count: a refresh that is not a preview may not report each step's diff.
      const changed = Math.max(drifted, (s.resourceChanges.update ?? 0) + (s.resourceChanges.delete ?? 0));
      const what = changed ? `${changed} changed outside Pulumi` : "nothing changed outside Pulumi";
      return `${paint(this.term, "bold", "read back:")} ${what}, ${unchanged} unchanged (${took})`;
    }
    if (s.isPreview) {
      const what = kinds.map((k) => `${t[k]} ${VERBS[k]!.planned}`).join(", ") || "no changes";
      return `${paint(this.term, "bold", "preview:")} ${what}, ${unchanged} unchanged (${took})`;
    }
    const what = kinds.map((k) => `${t[k]} ${VERBS[k]!.done}`).join(", ") || "no changes";
    return `${paint(this.term, "bold", "done:")} ${what}, ${unchanged} unchanged in ${took}`;
  }

  /** Resources being worked on, longest first. */
  inProgress(now: number): { name: string; kind: string; ms: number }[] {
    return [...this.running.values()]
      .map((r) => ({ name: r.name, kind: r.kind, ms: now - r.started }))
      .sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  }

  /** The terminal's status line, redrawn in place: a spinner, what is being worked on and for how long. */
  status(now: number, frame: number): string {
    const spin = SPINNER[frame % SPINNER.length];
    const total = formatDuration(now - (this.started ?? now));
    const busy = this.inProgress(now);
    const what = busy.length
      ? busy.map((b) => `${VERBS[b.kind]!.doing} ${b.name} ${formatDuration(b.ms)}`).join(", ")
      : this.refreshing.size
        ? `reading ${this.refreshing.size} resource${this.refreshing.size === 1 ? "" : "s"} back`
        : "working";
    const line = `${spin} ${total} ${what}`;
    return line.length > this.term.columns - 1 ? `${line.slice(0, this.term.columns - 2)}…` : line;
  }

  /** In logs, a line now and then while a resource takes long, so a slow step never looks like a hang. */
  heartbeat(now: number): string | undefined {
    const busy = this.inProgress(now);
    if (!busy.length) return undefined;
    return `   still ${busy.map((b) => `${VERBS[b.kind]!.doing} ${b.name} (${formatDuration(b.ms)})`).join(", ")}`;
  }
}
