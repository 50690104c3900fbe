import type { EngineEvent } from "../delivery/events";
import type { Terminal } from "./format";
import { ProgressRenderer } from "./renderer";

/** Redraws of the status line: smooth enough for a spinner, cheap on a loaded machine. */
const FRAME_MS = 120;
/** In logs, how long a resource may stay silent before a "still …" line. */
const HEARTBEAT_MS = 30_000;

export interface Live {
  onEvent: (e: EngineEvent) => void;
  /** A line of our own (a step recette runs before or after the engine). */
  say: (line: string) => void;
  stop: () => void;
}

/**
 * Why not ora or listr2: what to say comes from Pulumi's events (engine/progress/renderer.ts), and
 * drawing it is one status line cleared with `\r ESC[2K` before each finished line; a library would
 * add a dependency (and its own TTY and CI detection) for the 30 lines below.
 *
 * Draws a ProgressRenderer on a stream: on a terminal the finished lines scroll above a status line
 * redrawn in place; elsewhere plain lines, and a "still …" line when a resource takes long.
 */
export const liveProgress = (term: Terminal, write: (text: string) => void, clock: () => number = Date.now): Live => {
  const r = new ProgressRenderer(term);
  let frame = 0;
  let drawn = false;
  let lastLine = clock();
  const clear = () => {
    if (drawn) write("\r\u001b[2K");
    drawn = false;
  };
  const draw = () => {
    if (!term.tty) return;
    clear();
    write(r.status(clock(), frame++));
    drawn = true;
  };
  const print = (lines: string[]) => {
    if (!lines.length) return;
    clear();
    write(`${lines.join("\n")}\n`);
    lastLine = clock();
    draw();
  };
  const timer = term.tty
    ? setInterval(draw, FRAME_MS)
    : setInterval(() => {
        if (clock() - lastLine < HEARTBEAT_MS) return;
        const beat = r.heartbeat(clock());
        if (beat) print([beat]);
      }, 5000);
  timer.unref();
  return {
    onEvent: (e) => print(r.event(e, clock())),
    say: (line) => print([line]),
    stop: () => {
      clearInterval(timer);
      clear();
    },
  };
};
