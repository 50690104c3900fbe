import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseEventLog, type EngineEvent } from "./events";

export interface EngineRun {
  status: number;
  events: EngineEvent[];
  /** The CLI's own output (progress, errors that happen before the engine starts). */
  output: string;
}

/** The policy pack of this checkout, when there is one: every preview, drift check and up runs it. */
export const policyPackDir = (root: string): string | undefined => (fs.existsSync(path.join(root, "policy", "PulumiPolicy.yaml")) ? path.join(root, "policy") : undefined);

/**
 * Runs one `pulumi` operation on a stack with an event log, as an argument list (no shell). The event
 * log flag is behind PULUMI_DEBUG_COMMANDS in the CLI; Pulumi's Automation API turns it on the same way.
 */
export const runWithEvents = (root: string, args: string[], timeoutMs = 15 * 60_000): EngineRun => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-events-"));
  const log = path.join(dir, "events.jsonl");
  try {
    const r = spawnSync("pulumi", [...args, "--non-interactive", "--suppress-progress", "--event-log", log], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PULUMI_DEBUG_COMMANDS: "true", PULUMI_SKIP_UPDATE_CHECK: "1" },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
      return { status: 127, events: [], output: "pulumi is not on PATH (fix: source scripts/pulumi-env.sh, which uses the engine scripts/ensure-pulumi builds, or install Pulumi)" };
    const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    return { status: r.status ?? 1, events: parseEventLog(text, log), output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
