import type { ArgProblem } from "../problems";

/** The datastore k3s uses when none is chosen: embedded etcd from three servers, sqlite below. */
export const defaultDatastore = (servers: number): "sqlite" | "etcd" => (servers >= 3 ? "etcd" : "sqlite");

/** Why these servers and datastore cannot make a healthy k3s control plane. */
export const validateK3sTopology = (a: {
  nodes: readonly { role: "manager" | "worker" }[];
  datastore?: "sqlite" | "etcd";
}): ArgProblem[] => {
  const servers = a.nodes.filter((n) => n.role === "manager").length;
  if (servers === 0) return [{ propertyPath: "nodes", reason: "k3s needs at least one server" }];
  const problems: ArgProblem[] = [];
  if (servers > 1 && servers % 2 === 0)
    problems.push({
      propertyPath: "nodes",
      reason: `${servers} k3s servers cannot keep an etcd quorum through a failure (use 1, or 3 with embedded etcd)`,
    });
  if (servers > 1 && (a.datastore ?? defaultDatastore(servers)) === "sqlite")
    problems.push({
      propertyPath: "datastore",
      reason:
        `${servers} k3s servers cannot share sqlite, which holds one server's state ` +
        "(use datastore: etcd, or remove it)",
    });
  return problems;
};
