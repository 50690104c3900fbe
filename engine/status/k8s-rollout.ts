import { type Orchestrator, runClient } from "./orchestrator";

/**
 * On Kubernetes the provider waits for each Deployment's rollout and fails the update when Kubernetes
 * gives up on it (ProgressDeadlineExceeded: no new pod became available within the Deployment's
 * progressDeadlineSeconds). Kubernetes itself then leaves both ReplicaSets as they are: the old pods
 * serve (start-first: maxUnavailable 0), the broken ones keep failing. `recette up` undoes such a
 * rollout (`kubectl rollout undo`), so what runs is the previous release, as on Swarm, and says so.
 */
export interface FailedRollout {
  /** The Deployment's name, e.g. recette-local-k3s-web. */
  name: string;
  /** The controller's words, e.g. `ReplicaSet "…" has timed out progressing.` */
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The Deployments (`kubectl get deployments -o json`) whose rollout passed its progress deadline. */
export const failedRollouts = (deploymentsJson: string): FailedRollout[] => {
  const doc: unknown = JSON.parse(deploymentsJson || "{}");
  const items: unknown = (doc as { items?: unknown })?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((d): FailedRollout[] => {
    const name: unknown = d?.metadata?.name;
    const conditions: Condition[] = Array.isArray(d?.status?.conditions) ? d.status.conditions : [];
    const c = conditions.find(
      (x) => x.type === "Progressing" && x.status === "False" && x.reason === "ProgressDeadlineExceeded",
    );
    return typeof name === "string" && c ? [{ name, message: c.message ?? "" }] : [];
  });
};

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/**
 * Why the newest pod that is not ready fails (`kubectl get pods -o json`): its container's waiting
 * reason, how it last ended, or its readiness probe. Empty when every pod is ready.
 */
export const podFailure = (podsJson: string): string => {
  const doc: unknown = JSON.parse(podsJson || "{}");
  const items: unknown = (doc as { items?: unknown })?.items;
  if (!Array.isArray(items)) return "";
  const notReady = items
    .filter((p) => Array.isArray(p?.status?.containerStatuses))
    .filter((p) => (p.status.containerStatuses as ContainerStatus[]).some((c) => c.ready !== true))
    .sort((a, b) => String(b?.metadata?.creationTimestamp).localeCompare(String(a?.metadata?.creationTimestamp)));
  const pod = notReady[0];
  if (!pod) return "";
  const c = (pod.status.containerStatuses as ContainerStatus[]).find((x) => x.ready !== true)!;
  const name = String(pod.metadata?.name ?? "a pod");
  const waiting = c.state?.waiting;
  const ended = c.lastState?.terminated;
  if (ended)
    return (
      `pod ${name}: ${waiting?.reason ? `${waiting.reason}, ` : ""}last exited ` +
      `${ended.reason ?? ""} (code ${ended.exitCode ?? "?"}) after ${c.restartCount ?? 0} restarts`
    );
  if (waiting?.reason) return `pod ${name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
  return `pod ${name} never became ready: its readiness probe fails`;
};

const kubectl = (o: Orchestrator, args: string[]) => runClient(o, ["-n", o.prefix, ...args]);

/**
 * Whether a Deployment's rollout is done (`kubectl get deployment -o json`): the controller saw the
 * latest spec, and every replica is updated and available. (`kubectl rollout status` right after an
 * undo can still read the old ProgressDeadlineExceeded condition and fail at once.)
 */
export const rolledOut = (deploymentJson: string): boolean => {
  const d = JSON.parse(deploymentJson || "{}") as {
    metadata?: { generation?: number };
    spec?: { replicas?: number };
    status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
  };
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) >= want &&
    (s.replicas ?? 0) === want
  );
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the Deployment until it is rolled out (true) or `timeoutSeconds` pass (false). */
const awaitAvailable = async (o: Orchestrator, name: string, timeoutSeconds: number, pollMs = 1000) => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const d = kubectl(o, ["get", `deployment/${name}`, "-o", "json"]);
    if (d.ok && rolledOut(d.stdout)) return true;
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
};

/**
 * Undoes every rollout of the stack that passed its progress deadline and waits for the previous
 * release to be available again; one message per Deployment, naming it, why it failed and what runs now.
 */
export const undoFailedRollouts = async (
  o: Orchestrator,
  stack: string,
  say: (line: string) => void,
  timeoutSeconds = 300,
  pollMs = 1000,
): Promise<string[]> => {
  const list = kubectl(o, ["get", "deployments", "-l", `recette.stack=${o.prefix}`, "-o", "json"]);
  if (!list.ok) return [`kubectl: ${list.message}`];
  const messages: string[] = [];
  for (const d of failedRollouts(list.stdout)) messages.push(await undoOne(o, d, stack, say, timeoutSeconds, pollMs));
  return messages;
};

/** Undoes one failed rollout and waits for the previous release; the message for the user. */
const undoOne = async (
  o: Orchestrator,
  d: FailedRollout,
  stack: string,
  say: (line: string) => void,
  timeoutSeconds: number,
  pollMs: number,
): Promise<string> => {
  const pods = kubectl(o, ["get", "pods", "-l", `app.kubernetes.io/name=${d.name}`, "-o", "json"]);
  const why = (pods.ok ? podFailure(pods.stdout) : "") || d.message || "its new pods did not become available";
  say(`rolling back deployment ${d.name}: ${why}`);
  const undo = kubectl(o, ["rollout", "undo", `deployment/${d.name}`]);
  if (!undo.ok)
    return `deployment ${d.name}: the rollout failed (${why}), and kubectl rollout undo failed too: ${undo.message}`;
  const available = await awaitAvailable(o, d.name, timeoutSeconds, pollMs);
  const image = kubectl(o, [
    "get",
    `deployment/${d.name}`,
    "-o",
    "jsonpath={.spec.template.spec.containers[0].image}",
  ]).stdout.trim();
  const see = `see kubectl -n ${o.prefix} describe deployment ${d.name}`;
  if (!available)
    return (
      `deployment ${d.name}: the rollout failed (${why}); recette ` +
      `rolled it back to ${image}, which is not available yet (${see})`
    );
  return (
    `deployment ${d.name}: the rollout failed (${why}); recette rolled it back to ${image}, which serves again ` +
    `(fix the recipe, then recette up -s ${stack}; ${see})`
  );
};
