import type { ArgProblem } from "../problems";

/** Traefik's file ACME storage (acme.json) cannot be shared: one replica only. */
export const validateTraefikReplicas = (a: { replicas?: number }): ArgProblem[] =>
  (a.replicas ?? 1) === 1
    ? []
    : [
        {
          propertyPath: "replicas",
          reason:
            `${a.replicas} replicas cannot share acme.json: Traefik's file storage allows one replica ` +
            "(set replicas: 1)",
        },
      ];
