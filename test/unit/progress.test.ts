import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEventLog, type EngineEvent, type StepMetadata } from "../../engine/delivery/events";
import { formatDuration, terminalOf, type Terminal } from "../../engine/progress/format";
import { liveProgress } from "../../engine/progress/live";
import { ProgressRenderer } from "../../engine/progress/renderer";
import { ROOT } from "../helpers";

const PLAIN: Terminal = { tty: false, color: false, columns: 80 };
const TTY: Terminal = { tty: true, color: false, columns: 80 };
const COLOUR: Terminal = { tty: true, color: true, columns: 80 };

const recorded = (name: string) =>
  parseEventLog(fs.readFileSync(path.join(ROOT, "test/unit/fixtures/engine-events", `${name}.jsonl`), "utf8"));

const SERVICE = "docker:index/service:Service";
const urn = (name: string, type = SERVICE) => `urn:pulumi:local::recette::recette:index:Environment$${type}::${name}`;
const meta = (op: string, name: string, type = SERVICE, extra: Partial<StepMetadata> = {}): StepMetadata => ({
  op,
  urn: urn(name, type),
  type,
  ...extra,
});
const pre = (op: string, name: string, type?: string): EngineEvent => ({
  resourcePreEvent: { metadata: meta(op, name, type) },
});
const outs = (op: string, name: string, type?: string, extra?: Partial<StepMetadata>): EngineEvent => ({
  resOutputsEvent: { metadata: meta(op, name, type, extra) },
});

/** An `up` as the engine reports it: [seconds since start, event]. */
const UP: [number, EngineEvent][] = [
  [0, pre("same", "recette-local", "pulumi:pulumi:Stack")],
  [0, pre("create", "default", "pulumi:providers:docker")],
  [1, outs("create", "default", "pulumi:providers:docker")],
  [1, pre("create", "net", "docker:index/network:Network")],
  [3, outs("create", "net", "docker:index/network:Network")],
  [3, pre("create", "blog")],
  [4, pre("update", "relay")],
  [9, outs("update", "relay")],
  [15, outs("create", "blog")],
  [15, pre("create-replacement", "traefik")],
  [21, outs("create-replacement", "traefik")],
  [21, pre("replace", "traefik")],
  [21, outs("replace", "traefik")],
  [22, pre("delete-replaced", "traefik")],
  [23, outs("delete-replaced", "traefik")],
  [23, pre("delete", "old")],
  [25, outs("delete", "old")],
  [
    25,
    {
      diagnosticEvent: {
        urn: urn("blog"),
        severity: "warning",
        message: `${urn("blog")} verification warning: Use the id attribute.\n`,
      },
    },
  ],
  [
    26,
    {
      summaryEvent: { durationSeconds: 26, resourceChanges: { create: 2, update: 1, replace: 1, delete: 1, same: 4 } },
    },
  ],
];

const feed = (term: Terminal, events: [number, EngineEvent][]) => {
  const r = new ProgressRenderer(term);
  return events.flatMap(([s, e]) => r.event(e, s * 1000));
};

describe("the progress renderer: engine events in, the lines a person reads out", () => {
  it("in CI and logs: a line when a resource starts, one when it is done with its time; no providers, no stack", () => {
    expect(feed(PLAIN, UP)).toEqual([
      "+  net (docker:index/network:Network) creating…",
      "+  net (docker:index/network:Network) created in 2s",
      "+  blog (docker:index/service:Service) creating…",
      "~  relay (docker:index/service:Service) updating…",
      "~  relay (docker:index/service:Service) updated in 5s",
      "+  blog (docker:index/service:Service) created in 12s",
      "+- traefik (docker:index/service:Service) replacing…",
      "+- traefik (docker:index/service:Service) replaced in 6s",
      "-  old (docker:index/service:Service) deleting…",
      "-  old (docker:index/service:Service) deleted in 2s",
      "warning blog: verification warning: Use the id attribute.",
      "done: 2 created, 1 updated, 1 replaced, 1 deleted, 3 unchanged in 26s",
    ]);
  });

  it("on a terminal: only finished resources scroll by (what runs is on the status line)", () => {
    const starts = / (creating|updating|replacing|deleting)…$/;
    expect(feed(TTY, UP)).toEqual(feed(PLAIN, UP).filter((l) => !starts.test(l)));
    expect(feed(TTY, UP)).toHaveLength(7);
  });

  it("with colours: the mark is coloured, the text is not; NO_COLOR turns them off (the check can fail)", () => {
    const lines = feed(COLOUR, UP);
    expect(lines[0]).toBe("\u001b[32m+ \u001b[0m net (docker:index/network:Network) created in 2s");
    expect(lines.at(-1)).toBe(
      "\u001b[1mdone:\u001b[0m 2 created, 1 updated, 1 replaced, 1 deleted, 3 unchanged in 26s",
    );
    expect(terminalOf({ NO_COLOR: "1" }, { stdoutTTY: true, stderrTTY: true }).color).toBe(false);
  });

  it("a recorded preview (a new image tag): one planned update with its property paths, then the totals", () => {
    const r = new ProgressRenderer(PLAIN);
    const lines = recorded("local-image-tag").flatMap((e) => r.event(e, (e.timestamp ?? 0) * 1000));
    expect(lines.filter((l) => !l.startsWith("warning"))).toEqual([
      "~  blog (docker:index/service:Service) to update: taskSpec.containerSpec.image, taskSpec.containerSpec.sysctl",
      "preview: 1 to update, 30 unchanged (14s)",
    ]);
  });

  it("a recorded refresh after a hand edit names the property changed outside Pulumi", () => {
    const r = new ProgressRenderer(PLAIN);
    const lines = recorded("local-refresh-hand-edit").flatMap((e) => r.event(e, (e.timestamp ?? 0) * 1000));
    expect(lines).toEqual([
      "~  blog (docker:index/service:Service) changed outside Pulumi: taskSpec.containerSpec.env.HAND_FIX",
      "read back: 1 changed outside Pulumi, 30 unchanged (4s)",
    ]);
  });

  it("a failed resource and the engine's error (colour markup removed), a long message's lines indented", () => {
    expect(
      feed(PLAIN, [
        [0, pre("create", "blog")],
        [7, { resOpFailedEvent: { metadata: meta("create", "blog") } }],
        [
          7,
          {
            diagnosticEvent: {
              urn: urn("blog"),
              severity: "error",
              message: "<{%reset%}>service did not converge\ntask: no suitable node<{%reset%}>\n",
            },
          },
        ],
        [7, { diagnosticEvent: { severity: "info", message: "ignored" } }],
      ]),
    ).toEqual([
      "+  blog (docker:index/service:Service) creating…",
      "x  blog (docker:index/service:Service) failed after 7s",
      "error blog: service did not converge",
      "    task: no suitable node",
    ]);
  });

  it("the status line: spinner, total time, what runs for how long (longest first), cut to the width", () => {
    const r = new ProgressRenderer(TTY);
    r.event(pre("create", "blog"), 0);
    r.event(pre("update", "relay"), 2000);
    expect(r.status(5000, 0)).toBe("⠋ 5s creating blog 5s, updating relay 3s");
    expect(r.status(5000, 1).startsWith("⠙")).toBe(true);
    const narrow = new ProgressRenderer({ ...TTY, columns: 24 });
    narrow.event(pre("create", "a-very-long-resource-name"), 0);
    expect(narrow.status(1000, 0)).toBe("⠋ 1s creating a-very-l…");
  });

  it("in logs, a heartbeat names what is still running; nothing when nothing runs", () => {
    const r = new ProgressRenderer(PLAIN);
    expect(r.heartbeat(0)).toBeUndefined();
    r.event(pre("create", "blog"), 0);
    expect(r.heartbeat(95_000)).toBe("   still creating blog (1m35s)");
  });
});

describe("the live display", () => {
  it("plain: lines only, no control characters", () => {
    let text = "";
    const live = liveProgress(
      PLAIN,
      (t) => (text += t),
      () => 0,
    );
    live.say("building the engine");
    live.onEvent(pre("create", "blog"));
    live.stop();
    expect(text).toBe("building the engine\n+  blog (docker:index/service:Service) creating…\n");
  });

  it("terminal: a line clears the status line, which is drawn again below it; stop() clears it", () => {
    let text = "";
    let now = 0;
    const live = liveProgress(
      TTY,
      (t) => (text += t),
      () => now,
    );
    live.onEvent(pre("create", "blog"));
    now = 3000;
    live.onEvent(outs("create", "blog"));
    live.stop();
    // The start is not a line on a terminal: the status line (redrawn by a timer) shows it.
    expect(text).toBe("+  blog (docker:index/service:Service) created in 3s\n⠋ 3s working\r\u001b[2K");
  });
});

describe("which terminal", () => {
  it.each([
    [{}, true, true, { tty: true, color: true }],
    [{ CI: "true" }, true, true, { tty: false, color: false }],
    [{}, false, true, { tty: false, color: false }],
    [{}, true, false, { tty: false, color: false }],
    [{ NO_COLOR: "1" }, true, true, { tty: true, color: false }],
  ])("%j stdout TTY %s stderr TTY %s → %j", (env, stdoutTTY, stderrTTY, want) => {
    const t = terminalOf(env, { stdoutTTY, stderrTTY, columns: 100 });
    expect({ tty: t.tty, color: t.color }).toEqual(want);
  });

  it.each([
    [0, "0s"],
    [1499, "1s"],
    [59_400, "59s"],
    [60_000, "1m00s"],
    [125_000, "2m05s"],
  ])("%d ms → %s", (ms, s) => expect(formatDuration(ms)).toBe(s));
});
