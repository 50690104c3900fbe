import { type Orchestrator, runClient } from "./orchestrator";

/**
 * Swarm applies a service update after the engine has returned (the Docker provider does not wait), and
 * rolls it back on its own when the new tasks fail (the services' `failureAction: rollback`). So `recette
 * up` watches the updates it started until each one ends, and says which ones Swarm undid, why, and what
 * runs now: a broken release never passes for a deployed one.
 */
export interface SwarmUpdate {
  /** The service's name, e.g. recette-local-blog. */
  name: string;
  /** Swarm's UpdateStatus.State: updating, completed, paused, rollback_started, rollback_completed, rollback_paused. */
  state: string;
  /** When Swarm started the update (its clock), ISO 8601. */
  startedAt: string;
  /** Swarm's own words, e.g. "update rolled back due to failure or early termination of task …". */
  message: string;
  /** The image the service runs now (after a rollback: the previous one), with its digest when pinned. */
  image: string;
}

/** The updates `docker service inspect` shows (services never updated have no UpdateStatus). */
export const parseUpdates = (inspectJson: string): SwarmUpdate[] => {
  const specs: unknown = JSON.parse(inspectJson || "[]");
  if (!Array.isArray(specs)) return [];
  return specs.flatMap((s): SwarmUpdate[] => {
    const u = s?.UpdateStatus;
    const name: unknown = s?.Spec?.Name;
    if (typeof name !== "string" || typeof u?.State !== "string") return [];
    return [
      {
        name,
        state: u.State,
        startedAt: typeof u.StartedAt === "string" ? u.StartedAt : "",
        message: typeof u.Message === "string" ? u.Message : "",
        image: String(s?.Spec?.TaskTemplate?.ContainerSpec?.Image ?? ""),
      },
    ];
  });
};

const RUNNING = new Set(["updating", "rollback_started"]);

/** The updates that started at or after `since` (a few seconds of slack for the clocks of remote managers). */
export const updatesSince = (updates: SwarmUpdate[], since: Date, slackMs = 5000): SwarmUpdate[] =>
  updates.filter((u) => {
    const t = Date.parse(u.startedAt);
    return Number.isFinite(t) && t >= since.getTime() - slackMs;
  });

/** Whether every update has ended (completed, rolled back or paused). */
export const settled = (updates: SwarmUpdate[]): boolean => updates.every((u) => !RUNNING.has(u.state));

/**
 * What a user reads about an update that did not complete: the service, the task's last error, and what
 * runs now. Undefined for a completed one.
 */
export const updateFailure = (u: SwarmUpdate, taskError: string, stack: string): string | undefined => {
  if (u.state === "completed") return undefined;
  const why = taskError ? `the new task failed: ${taskError}` : u.message || "the new tasks did not become healthy";
  if (u.state === "rollback_completed")
    return (
      `service ${u.name}: the update failed (${why}); Swarm rolled it back to ${u.image}, which serves again ` +
      `(fix the recipe, then recette up -s ${stack}; see docker service ps --no-trunc ${u.name})`
    );
  if (u.state === "paused" || u.state === "rollback_paused")
    return (
      `service ${u.name}: the update is paused (${why}; ${u.state === "paused" ? "update" : "rollback"} paused); ` +
      `see docker service ps --no-trunc ${u.name}, then recette up -s ${stack} once the recipe is fixed`
    );
  return (
    `service ${u.name}: the update is still ${u.state.replace("_", " ")} ` +
    `(see docker service ps --no-trunc ${u.name})`
  );
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The most recent error of the service's tasks (`docker service ps`'s ERROR column, untruncated). */
const lastTaskError = (o: Orchestrator, service: string): string => {
  const ps = runClient(o, ["service", "ps", "--no-trunc", "--format", "{{.Error}}", service]);
  return ps.ok ? (ps.stdout.split("\n").find((l) => l.trim()) ?? "").trim() : "";
};

/**
 * Waits until every Swarm update of the stack started since `since` has ended (at most `timeoutMs`),
 * saying what it waits for; returns one message per update that did not complete.
 */
export const awaitSwarmUpdates = async (
  o: Orchestrator,
  stack: string,
  since: Date,
  say: (line: string) => void,
  timeoutMs = 10 * 60_000,
  pollMs = 1000,
): Promise<string[]> => {
  const deadline = Date.now() + timeoutMs;
  let said = "";
  for (;;) {
    const ls = runClient(o, ["service", "ls", "-q", "--filter", `label=recette.stack=${o.prefix}`]);
    if (!ls.ok) return [`docker: ${ls.message}`];
    const ids = ls.stdout.split("\n").filter((l) => l.trim());
    if (ids.length === 0) return [];
    const inspect = runClient(o, ["service", "inspect", ...ids]);
    if (!inspect.ok) return [`docker: ${inspect.message}`];
    const updates = updatesSince(parseUpdates(inspect.stdout), since);
    if (settled(updates) || Date.now() > deadline)
      return updates.flatMap((u) => {
        const failure = updateFailure(u, u.state === "completed" ? "" : lastTaskError(o, u.name), stack);
        return failure ? [failure] : [];
      });
    const waiting = updates
      .filter((u) => RUNNING.has(u.state))
      .map((u) => `${u.name} ${u.state.replace("_", " ")}`)
      .join(", ");
    if (waiting !== said) say(`waiting for Swarm: ${waiting}…`);
    said = waiting;
    await sleep(pollMs);
  }
};
