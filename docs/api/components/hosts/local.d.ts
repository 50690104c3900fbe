import type { ClusterNode } from "../node";
/**
 * This machine as the single node of the `local` environment: no SSH, local commands, the local
 * Docker socket. Cluster traffic stays on loopback.
 */
export declare const localNode: (labels?: Record<string, string>) => ClusterNode;
