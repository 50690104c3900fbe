import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Orchestrator } from "../../engine/status/orchestrator";
import {
  awaitSwarmUpdates,
  parseUpdates,
  settled,
  type SwarmUpdate,
  updateFailure,
  updatesSince,
} from "../../engine/status/rollout";

const OLD = `recette/pluxml:5.8.21-r1@sha256:${"a".repeat(64)}`;
const inspect = (state: string | undefined, startedAt = "2026-12-06T22:01:02.123456789Z", image = OLD) =>
  JSON.stringify([
    {
      Spec: { Name: "recette-e2e-web", TaskTemplate: { ContainerSpec: { Image: image } } },
      ...(state
        ? { UpdateStatus: { State: state, StartedAt: startedAt, Message: "update rolled back due to failure" } }
        : {}),
    },
    { Spec: { Name: "recette-e2e-blog", TaskTemplate: { ContainerSpec: { Image: "recette/pluxml:x" } } } },
  ]);

describe("a Swarm update, followed to its end", () => {
  it("reads each updated service's state, start and image; a service never updated has none", () => {
    expect(parseUpdates(inspect("rollback_completed"))).toEqual([
      {
        name: "recette-e2e-web",
        state: "rollback_completed",
        startedAt: "2026-12-06T22:01:02.123456789Z",
        message: "update rolled back due to failure",
        image: OLD,
      },
    ]);
    expect(parseUpdates("")).toEqual([]);
  });

  it("keeps only the updates this run started (Docker's nanosecond timestamps, a little clock slack)", () => {
    const [u] = parseUpdates(inspect("updating")) as [SwarmUpdate];
    expect(updatesSince([u], new Date("2026-12-06T22:01:00Z"))).toEqual([u]);
    expect(updatesSince([u], new Date("2026-12-06T22:01:06Z"))).toEqual([u]);
    expect(updatesSince([u], new Date("2026-12-06T22:01:08Z"))).toEqual([]);
    expect(updatesSince([{ ...u, startedAt: "" }], new Date(0))).toEqual([]);
  });

  it("is settled once no update is running or rolling back", () => {
    const [u] = parseUpdates(inspect("updating")) as [SwarmUpdate];
    expect(settled([u])).toBe(false);
    expect(settled([{ ...u, state: "rollback_started" }])).toBe(false);
    for (const state of ["completed", "rollback_completed", "paused", "rollback_paused"])
      expect(settled([{ ...u, state }])).toBe(true);
  });

  it("says which service Swarm rolled back, why, and what serves again", () => {
    const [u] = parseUpdates(inspect("rollback_completed")) as [SwarmUpdate];
    expect(updateFailure(u, "task: non-zero exit (1)", "e2e")).toBe(
      "service recette-e2e-web: the update failed (the new task failed: task: non-zero " +
        `exit (1)); Swarm rolled it back to ${OLD}, which serves again (fix the recipe, ` +
        "then recette up -s e2e; see docker service ps --no-trunc recette-e2e-web)",
    );
    expect(updateFailure({ ...u, state: "completed" }, "", "e2e")).toBeUndefined();
    expect(updateFailure({ ...u, state: "paused" }, "", "e2e")).toMatch(
      /^service recette-e2e-web: the update is paused \(update rolled back due to failure; update paused\)/,
    );
  });
});

describe("awaitSwarmUpdates against a docker that answers like Swarm does", () => {
  /** A stand-in docker: `service inspect` answers each state in turn, one per call. */
  const orchestrator = (states: string[], taskError: string): { o: Orchestrator; dir: string } => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-rollout-"));
    for (const [i, s] of states.entries())
      fs.writeFileSync(path.join(dir, `inspect-${i}`), inspect(s, new Date().toISOString()));
    fs.writeFileSync(
      path.join(dir, "docker"),
      [
        "#!/bin/bash",
        `d=${JSON.stringify(dir)}`,
        'case "$1 $2" in',
        '  "service ls") echo svc1 ;;',
        '  "service inspect") n=$(cat "$d/n" 2>/dev/null || echo 0); f="$d/inspect-$n"; [ -f "$f" ] || f="$d/inspect-' +
          (states.length - 1) +
          '"; cat "$f"; echo $((n + 1)) > "$d/n" ;;',
        `  "service ps") printf '\\n%s\\n' ${JSON.stringify(taskError)} ;;`,
        "esac",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    return {
      dir,
      o: { kind: "swarm", project: "recette", prefix: "recette-e2e", env, client: "docker", cleanup: () => undefined },
    };
  };

  it(
    "waits while Swarm updates then rolls back, saying " + "so, and reports the rollback with the task's error",
    async () => {
      const { o, dir } = orchestrator(
        ["updating", "updating", "rollback_started", "rollback_completed"],
        "task: non-zero exit (1)",
      );
      const said: string[] = [];
      const failures = await awaitSwarmUpdates(o, "e2e", new Date(Date.now() - 1000), (l) => said.push(l), 10_000, 10);
      expect(said).toEqual([
        "waiting for Swarm: recette-e2e-web updating…",
        "waiting for Swarm: recette-e2e-web rollback started…",
      ]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain(
        "the update failed (the new task failed: task: non-zero exit (1)); Swarm rolled it back to",
      );
      fs.rmSync(dir, { recursive: true });
    },
  );

  it("returns nothing when the update completes", async () => {
    const { o, dir } = orchestrator(["updating", "completed"], "");
    expect(await awaitSwarmUpdates(o, "e2e", new Date(Date.now() - 1000), () => undefined, 10_000, 10)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("ignores an update that ended before this run (a rollback long ago is not this run's failure)", async () => {
    const { o, dir } = orchestrator(["rollback_completed"], "old error");
    expect(await awaitSwarmUpdates(o, "e2e", new Date(Date.now() + 60_000), () => undefined, 10_000, 10)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
