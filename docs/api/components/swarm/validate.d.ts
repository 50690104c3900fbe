import type { ArgProblem } from "../problems";
/** Why these nodes cannot make a healthy swarm (Raft needs a majority of managers to survive a failure). */
export declare const validateSwarmNodes: (nodes: readonly {
    role: "manager" | "worker";
}[]) => ArgProblem[];
