import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { failedRollouts, podFailure, rolledOut, undoFailedRollouts } from "../../engine/status/k8s-rollout";
import type { Orchestrator } from "../../engine/status/orchestrator";

const deployments = (...items: { name: string; reason?: string; status?: string }[]) =>
  JSON.stringify({
    items: items.map((d) => ({
      metadata: { name: d.name },
      status: {
        conditions: [
          { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
          {
            type: "Progressing",
            status: d.status ?? "False",
            reason: d.reason ?? "ProgressDeadlineExceeded",
            message: `ReplicaSet "${d.name}-7f9c" has timed out progressing.`,
          },
        ],
      },
    })),
  });

const pod = (name: string, created: string, status: Record<string, unknown>) => ({
  metadata: { name, creationTimestamp: created },
  status: { containerStatuses: [status] },
});

describe("Kubernetes rollouts that passed their progress deadline", () => {
  it("are the Deployments whose Progressing condition says ProgressDeadlineExceeded, and only those", () => {
    expect(
      failedRollouts(
        deployments(
          { name: "recette-e2e-k3s-web" },
          { name: "recette-e2e-k3s-blog", status: "True", reason: "NewReplicaSetAvailable" },
        ),
      ),
    ).toEqual([
      { name: "recette-e2e-k3s-web", message: 'ReplicaSet "recette-e2e-k3s-web-7f9c" has timed out progressing.' },
    ]);
    expect(failedRollouts("{}")).toEqual([]);
  });

  it("name why the newest pod that is not ready fails: how it ended, why it waits, or its readiness probe", () => {
    const ready = pod("web-old", "2026-12-07T01:00:00Z", { ready: true });
    expect(
      podFailure(
        JSON.stringify({
          items: [
            ready,
            pod("web-new", "2026-12-07T01:05:00Z", {
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: "CrashLoopBackOff" } },
              lastState: { terminated: { reason: "Error", exitCode: 1 } },
            }),
          ],
        }),
      ),
    ).toBe("pod web-new: CrashLoopBackOff, last exited Error (code 1) after 3 restarts");
    expect(
      podFailure(
        JSON.stringify({
          items: [
            pod("web-new", "2026-12-07T01:05:00Z", {
              ready: false,
              state: { waiting: { reason: "ErrImageNeverPull", message: "image not present" } },
            }),
          ],
        }),
      ),
    ).toBe("pod web-new: ErrImageNeverPull: image not present");
    expect(
      podFailure(
        JSON.stringify({
          items: [ready, pod("web-new", "2026-12-07T01:05:00Z", { ready: false, state: { running: {} } })],
        }),
      ),
    ).toBe("pod web-new never became ready: its readiness probe fails");
    expect(podFailure(JSON.stringify({ items: [ready] }))).toBe("");
  });

  it(
    "are undone with kubectl rollout undo in the stack's " + "namespace, and reported with the image that serves again",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-k8s-rollout-"));
      const pods = JSON.stringify({ items: [pod("web-new", "2026-12-07T01:05:00Z", { ready: false, state: {} })] });
      fs.writeFileSync(path.join(dir, "deployments.json"), deployments({ name: "recette-e2e-k3s-web" }));
      fs.writeFileSync(path.join(dir, "pods.json"), pods);
      const deployment = (observedGeneration: number, replicas: number) =>
        JSON.stringify({
          metadata: { generation: 3 },
          spec: { replicas: 1 },
          status: { observedGeneration, replicas, updatedReplicas: 1, availableReplicas: 1 },
        });
      fs.writeFileSync(
        path.join(dir, "kubectl"),
        [
          "#!/bin/bash",
          `d=${JSON.stringify(dir)}`,
          'echo "$*" >> "$d/calls"',
          'case "$3 $4" in',
          '  "get deployments") cat "$d/deployments.json" ;;',
          '  "get pods") cat "$d/pods.json" ;;',
          '  "get deployment/recette-e2e-k3s-web")',
          // First still rolling (the undo not observed yet), then rolled out; the image by jsonpath.
          '    if [ "$6" = json ]; then n=$(cat "$d/n" 2>/dev/null || echo 0); echo $((n + 1)) > "$d/n";',
          `      if [ "$n" = 0 ]; then echo '${deployment(2, 2)}';`,
          `      else echo '${deployment(3, 1)}'; fi`,
          '    else echo -n "recette/pluxml:5.8.21"; fi ;;',
          "esac",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const o: Orchestrator = {
        kind: "k3s",
        project: "recette",
        prefix: "recette-e2e-k3s",
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        client: "kubectl",
        cleanup: () => undefined,
      };
      const said: string[] = [];
      expect(await undoFailedRollouts(o, "e2e-k3s", (l) => said.push(l), 30, 10)).toEqual([
        "deployment recette-e2e-k3s-web: the rollout failed (pod " +
          "web-new never became ready: its readiness probe fails); " +
          "recette rolled it back to recette/pluxml:5.8.21, which " +
          "serves again (fix the recipe, then recette up -s e2e-k3s; " +
          "see kubectl -n recette-e2e-k3s describe deployment recette-e2e-k3s-web)",
      ]);
      expect(said).toEqual([
        "rolling back deployment recette-e2e-k3s-web: pod web-new never became ready: its readiness probe fails",
      ]);
      expect(fs.readFileSync(path.join(dir, "calls"), "utf8").split("\n").filter(Boolean)).toEqual([
        "-n recette-e2e-k3s get deployments -l recette.stack=recette-e2e-k3s -o json",
        "-n recette-e2e-k3s get pods -l app.kubernetes.io/name=recette-e2e-k3s-web -o json",
        "-n recette-e2e-k3s rollout undo deployment/recette-e2e-k3s-web",
        "-n recette-e2e-k3s get deployment/recette-e2e-k3s-web -o json",
        "-n recette-e2e-k3s get deployment/recette-e2e-k3s-web -o json",
        "-n recette-e2e-k3s get deployment/recette-e2e-k3s-web -o jsonpath={.spec.template.spec.containers[0].image}",
      ]);
      fs.rmSync(dir, { recursive: true });
    },
  );

  it("a rollout is done once the controller saw the latest spec and every replica is updated and available", () => {
    const d = (generation: number, observed: number, replicas: number, updated: number, available: number) =>
      JSON.stringify({
        metadata: { generation },
        spec: { replicas: 1 },
        status: { observedGeneration: observed, replicas, updatedReplicas: updated, availableReplicas: available },
      });
    expect(rolledOut(d(3, 3, 1, 1, 1))).toBe(true);
    expect(rolledOut(d(3, 2, 1, 1, 1))).toBe(false); // the undo not observed yet
    expect(rolledOut(d(3, 3, 2, 1, 1))).toBe(false); // a broken pod still terminating
    expect(rolledOut(d(3, 3, 1, 1, 0))).toBe(false);
  });
});
