/**
 * The Pulumi engine's event log (`pulumi preview --event-log <file>`): one JSON engine event per
 * line, the same events the Pulumi Service stores. `--json` alone is not enough: its digest drops
 * policy events. Only the fields recette reads are typed; the rest is passed over.
 */

export interface PropertyDiff {
  diffKind: "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";
  inputDiff: boolean;
}

export interface StepState {
  id?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  /** Present in the engine's log; recorded fixtures drop them for size. */
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface StepMetadata {
  op: string;
  urn: string;
  type: string;
  /** Properties whose change forces a replacement. */
  keys?: string[];
  /** Top-level properties that differ. */
  diffs?: string[];
  /** Property paths that differ (`taskSpec.containerSpec.image`), when the provider reports them. */
  detailedDiff?: Record<string, PropertyDiff> | null;
  old?: StepState | null;
  new?: StepState | null;
}

export interface EngineEvent {
  sequence?: number;
  /** Unix time in seconds (the Automation API's events carry it). */
  timestamp?: number;
  diagnosticEvent?: { urn?: string; message: string; severity: string; ephemeral?: boolean };
  resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: StepMetadata; status?: number; steps?: number };
  policyEvent?: {
    resourceUrn?: string;
    message: string;
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    enforcementLevel: string;
    severity?: string;
  };
  policyAnalyzeStackSummaryEvent?: {
    policyPackName: string;
    policyPackVersion: string;
    passed?: string[];
    failed?: string[];
  };
  policyAnalyzeSummaryEvent?: {
    resourceUrn: string;
    policyPackName: string;
    policyPackVersion: string;
    passed?: string[];
    failed?: string[];
  };
  summaryEvent?: {
    durationSeconds?: number;
    resourceChanges: Record<string, number>;
    policyPacks?: Record<string, string>;
    PolicyPacks?: Record<string, string>;
    isPreview?: boolean;
    result?: string;
  };
  cancelEvent?: object;
}

/** Parses an event log; a line that is not JSON is reported with its number (the log is the engine's, not ours). */
export const parseEventLog = (text: string, file = "event log"): EngineEvent[] =>
  text
    .split("\n")
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as EngineEvent;
      } catch (e) {
        throw new Error(`${file}:${n}: not a JSON engine event (${(e as Error).message})`);
      }
    });
