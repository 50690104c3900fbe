/**
 * The logical names a target gives a workload's objects, written once: swarm.Target and k3s.Target name
 * their objects with these builders, and recipe validation (engine/model/rules/names.ts
 * checkPhysicalNames) lists the same names with workloadNames to refuse two objects of one name. The
 * physical name is `<project>-<stack>-<logical>` (naming.ts physicalName). No Pulumi here: recipe
 * validation reads this module without loading @pulumi/pulumi.
 */
interface Named {
    name: string;
}
/** A workload as naming sees it: its name and the names of its volumes, secrets and files. */
export interface WorkloadShape<V extends Named = Named, S extends Named = Named, F extends Named = Named> {
    name: string;
    volumes: readonly V[];
    secrets: readonly S[];
    files: readonly F[];
}
/** A volume's logical name (Docker volume, Kubernetes PersistentVolumeClaim): `<workload>-<volume>`. */
export declare const volumeLogical: (w: Named, v: Named) => string;
/** A file's logical name (a Swarm config): `<workload>-<file>`; Swarm appends a digest of the content to it. */
export declare const fileLogical: (w: Named, f: Named) => string;
/** A secret's logical name (a Docker secret): `<workload>-<secret>`; Swarm appends a random suffix to it. */
export declare const secretLogical: (w: Named, s: Named) => string;
/**
 * The objects k3s.Target adds beside a workload's own (its Deployment, Service, Ingress, HPA, PDB and
 * ServiceAccount take the workload's name): the ConfigMap of its files, the Secret of its secrets, the
 * LoadBalancer Service of its published ports.
 */
export declare const KUBERNETES_OBJECTS: readonly ["files", "secrets", "published"];
export type KubernetesObject = (typeof KUBERNETES_OBJECTS)[number];
/** The physical name of such an object: the workload's physical name and the object's suffix. */
export declare const kubernetesObjectName: (workloadPhysical: string, o: KubernetesObject) => string;
/** Its logical name, `<workload>-<suffix>` (the same name as long as the physical one needs no hash). */
export declare const kubernetesObjectLogical: (w: Named, o: KubernetesObject) => string;
/** The stack network's logical name (swarm.Target); an encrypted overlay has its own. */
export declare const networkLogical: (encrypted: boolean) => string;
/** Both network names: a stack switching encryption has both for a while. */
export declare const NETWORK_LOGICALS: readonly string[];
/** One logical name of a workload's objects, with the object that takes it. */
export type WorkloadName<V extends Named = Named, S extends Named = Named, F extends Named = Named> = {
    logical: string;
    of: "workload";
} | {
    logical: string;
    of: "volume";
    object: V;
} | {
    logical: string;
    of: "secret";
    object: S;
} | {
    logical: string;
    of: "file";
    object: F;
} | {
    logical: string;
    of: "kubernetes";
    object: KubernetesObject;
};
/**
 * Every logical name a target gives a workload's objects, on Swarm or Kubernetes: the workload's own, each
 * volume's, each secret's and each file's (on Swarm the prefix of a name that ends with a suffix), and the
 * Kubernetes objects k3s.Target adds. Those three are listed whether the workload has files, secrets or
 * published ports or not: a workload that gains a file later must not meet another object of that name.
 */
export declare const workloadNames: <V extends Named, S extends Named, F extends Named>(w: WorkloadShape<V, S, F>) => WorkloadName<V, S, F>[];
/**
 * One object a component's workload owns: its name in the workload (a volume's, a secret's, a file's) and
 * what it is, for messages ("blog's data volume"). `when` is the condition on the component's settings
 * under which the workload has it, the same test its builder makes; without it, every workload has it.
 */
export interface DeclaredObject<S = unknown> {
    name: string;
    what: string;
    when?: (settings: S) => boolean;
}
/**
 * The objects a component's workload owns, declared once in a Pulumi-free module of the component
 * (components/<name>/objects.ts): the builder (pluxmlWorkload…) names its volumes, secrets and files from
 * it, and recipe validation claims the same names. A volume added there is checked for collisions.
 */
export interface ComponentObjects<S = unknown> {
    /** The workload's name: fixed (traefik, pebble), or the default that an app's own name replaces. */
    name: string;
    volumes: Record<string, DeclaredObject<S>>;
    secrets: Record<string, DeclaredObject<S>>;
    files: Record<string, DeclaredObject<S>>;
}
/** The shape of a component's workload named `name`: the declared objects that these settings create. */
export declare const declaredShape: <S>(c: ComponentObjects<S>, settings: S, name?: string) => WorkloadShape<DeclaredObject<S>, DeclaredObject<S>, DeclaredObject<S>>;
export {};
