import type { ArgProblem } from "../problems";

/** Why these nodes cannot make a healthy swarm (Raft needs a majority of managers to survive a failure). */
export const validateSwarmNodes = (nodes: readonly { role: "manager" | "worker" }[]): ArgProblem[] => {
  const managers = nodes.filter((n) => n.role === "manager").length;
  if (managers === 0) return [{ propertyPath: "nodes", reason: "a swarm needs at least one manager" }];
  if (managers % 2 === 0)
    return [
      {
        propertyPath: "nodes",
        reason: `${managers} Swarm managers cannot keep a Raft quorum through a failure (use an odd number: 1, 3 or 5)`,
      },
    ];
  return [];
};

/**
 * What a workload asks that Swarm cannot do: refused, never silently dropped (a program using the
 * components directly gets the same answer as a recipe).
 */
export const validateSwarmWorkload = (w: { autoscale?: unknown }): ArgProblem[] =>
  w.autoscale
    ? [
        {
          propertyPath: "autoscale",
          reason:
            "Swarm has no autoscaling (scale by changing replicas, or use orchestrator kind: k3s, which creates a " +
            "HorizontalPodAutoscaler)",
        },
      ]
    : [];
