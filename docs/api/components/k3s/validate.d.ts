import type { ArgProblem } from "../problems";
/** The datastore k3s uses when none is chosen: embedded etcd from three servers, sqlite below. */
export declare const defaultDatastore: (servers: number) => "sqlite" | "etcd";
/** Why these servers and datastore cannot make a healthy k3s control plane. */
export declare const validateK3sTopology: (a: {
    nodes: readonly {
        role: "manager" | "worker";
    }[];
    datastore?: "sqlite" | "etcd";
}) => ArgProblem[];
