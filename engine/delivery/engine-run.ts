import type { Stack } from "@pulumi/pulumi/automation";
import type { EngineEvent } from "./events";

/** One engine operation's events and, when it failed, the engine's own message. */
export interface EngineRun {
  ok: boolean;
  events: EngineEvent[];
  /** The CLI's message when the run failed (errors that happen before the engine emits events). */
  failure?: string;
}

/**
 * Runs `pulumi preview`, `refresh --preview-only` (what changed by hand) through the Automation API,
 * keeping every event for the summaries and passing each on to the progress display.
 */
export const recordRun = async (
  op: "preview" | "previewRefresh",
  stack: Stack,
  onEvent: (e: EngineEvent) => void,
  policyPacks: string[] = [],
): Promise<EngineRun> => {
  const events: EngineEvent[] = [];
  const record = (e: EngineEvent) => {
    events.push(e);
    onEvent(e);
  };
  try {
    if (op === "preview") await stack.preview({ onEvent: record, policyPacks, color: "never" });
    else await stack.previewRefresh({ onEvent: record, color: "never" });
    return { ok: true, events };
  } catch (e) {
    return { ok: false, events, failure: String(e instanceof Error ? e.message : e) };
  }
};
