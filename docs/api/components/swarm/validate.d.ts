import type { ArgProblem } from "../problems";
/** Why these nodes cannot make a healthy swarm (Raft needs a majority of managers to survive a failure). */
export declare const validateSwarmNodes: (nodes: readonly {
    role: "manager" | "worker";
}[]) => ArgProblem[];
/**
 * What a workload asks that Swarm cannot do: refused, never silently dropped (a program using the
 * components directly gets the same answer as a recipe).
 */
export declare const validateSwarmWorkload: (w: {
    autoscale?: unknown;
}) => ArgProblem[];
