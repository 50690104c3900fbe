import * as os from "node:os";
import { findNodeType } from "../../components/scaleway/types";
import { parseSizeMiB } from "../schema";
import type { NodesModel } from "./model";

/** A node as the recipe implies it, before any resource exists. */
export interface PlannedNode {
  name: string;
  role: "manager" | "worker";
  /** RAM in MiB, or undefined when the recipe does not say (hosts without `memory`). */
  memoryMiB: number | undefined;
  labels: Record<string, string>;
}

/** Node names are stable and derived from the recipe: manager-1.., worker-1.. on Scaleway; given names for hosts. */
export const planNodes = (nodes: NodesModel): PlannedNode[] => {
  const labels = (n: string) => nodes.labels[n] ?? {};
  switch (nodes.provider) {
    case "scaleway": {
      const memoryMiB = findNodeType(nodes.type)?.memoryMiB;
      const make = (role: "manager" | "worker", count: number) =>
        Array.from({ length: count }, (_, i) => {
          const name = `${role}-${i + 1}`;
          return { name, role, memoryMiB, labels: labels(name) };
        });
      return [...make("manager", nodes.managers), ...make("worker", nodes.workers)];
    }
    case "hosts":
      return nodes.hosts.map((h) => ({
        name: h.name,
        role: h.role,
        memoryMiB: h.memory ? parseSizeMiB(h.memory) : undefined,
        labels: labels(h.name),
      }));
    case "local":
      return [
        {
          name: "local",
          role: "manager",
          memoryMiB: nodes.memory ? parseSizeMiB(nodes.memory) : Math.floor(os.totalmem() / 1024 / 1024),
          labels: labels("local"),
        },
      ];
  }
};
