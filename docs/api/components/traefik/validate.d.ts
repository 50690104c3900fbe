import type { ArgProblem } from "../problems";
/** Traefik's file ACME storage (acme.json) cannot be shared: one replica only. */
export declare const validateTraefikReplicas: (a: {
    replicas?: number;
}) => ArgProblem[];
