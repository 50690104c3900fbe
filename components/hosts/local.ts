import type { ClusterNode } from "../node";

/**
 * This machine as the single node of the `local` environment: no SSH, local commands, the local
 * Docker socket. Cluster traffic stays on loopback.
 */
export const localNode = (labels: Record<string, string> = {}): ClusterNode => ({
  name: "local",
  role: "manager",
  labels,
  connection: undefined,
  privateAddress: "127.0.0.1",
  publicAddress: "127.0.0.1",
  dependsOn: [],
});
