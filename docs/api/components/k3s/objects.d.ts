import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Workload } from "../workload";
/** Everything a workload's Kubernetes objects need to know besides the workload itself. */
export interface ObjectContext {
    namespace: string;
    /** Physical name of the Deployment, Service and friends. */
    name: string;
    labels: Record<string, string>;
    /** Name of the ConfigMap holding the workload's files, when it has files. */
    configMap?: string;
    /** Name of the Secret holding the workload's secret files, when it has secrets. */
    secret?: string;
    /** PVC names by volume name. */
    claims: Record<string, string>;
    /** ServiceAccount name, for workloads that read the orchestrator's API. */
    serviceAccount?: string;
    /** Changes whenever a secret's content does (a random id kept by the content), to roll the pods. */
    secretVersion?: pulumi.Input<string>;
    /**
     * The `recette.edge` label value its Ingress carries: the stack whose Traefik routes it. Defaults to the
     * workload's own stack (its `recette.stack` label); a derived stack (a restore drill) names its base.
     */
    edgeLabel?: pulumi.Input<string>;
}
/**
 * Digest of the files' content, put on the pod template so a change rolls the pods (subPath mounts
 * never see a new ConfigMap otherwise; Swarm gets the same by new config names). Secrets are not
 * digested (a hash of a password is an offline oracle): the target passes a random version instead.
 */
export declare const contentDigest: (w: Workload) => pulumi.Output<string> | undefined;
/**
 * Seconds a start-first workload's old pod keeps serving after it is told to stop: the Ingress
 * controller (Traefik) learns that the endpoint is gone only once the endpoints change reaches it, and
 * would send requests to a stopped pod meanwhile (502s seen in the k3s e2e suite without it).
 */
export declare const PRESTOP_SECONDS = 5;
/** CPU requested by an autoscaled workload without resources.cpus: the HPA's utilisation is a share of it. */
export declare const DEFAULT_CPU_REQUEST = "100m";
export declare const renderSelector: (ctx: ObjectContext) => {
    "app.kubernetes.io/name": string;
};
/**
 * Seconds a Deployment's rollout may go without progress before Kubernetes marks it failed
 * (ProgressDeadlineExceeded), which is when `recette up` rolls it back: two minutes (a first pull of a
 * large image counts as no progress) plus the health check's start period. Kubernetes' default, ten
 * minutes, would leave a broken release pending that long.
 */
export declare const progressDeadlineSeconds: (w: Workload) => number;
/**
 * The health check as Kubernetes probes. Docker's start period means "failures do not count yet",
 * not "do not look yet": it becomes the liveness probe's initial delay (no restart while starting),
 * while readiness is probed from the start, so a workload is in its Service as soon as it answers.
 * (An edge that waited out the start period before its first readiness probe refused the ACME
 * HTTP-01 challenge it had itself just asked for: Traefik then retries only on its next change.)
 */
export declare const renderProbes: (w: Workload) => {
    livenessProbe: {
        initialDelaySeconds: number;
        periodSeconds: number;
        timeoutSeconds: number;
        failureThreshold: number;
        exec: {
            command: string[];
        };
    } | {
        initialDelaySeconds: number;
        periodSeconds: number;
        timeoutSeconds: number;
        failureThreshold: number;
        httpGet: {
            path: string;
            port: number;
        };
    };
    readinessProbe: {
        periodSeconds: number;
        timeoutSeconds: number;
        failureThreshold: number;
        exec: {
            command: string[];
        };
    } | {
        periodSeconds: number;
        timeoutSeconds: number;
        failureThreshold: number;
        httpGet: {
            path: string;
            port: number;
        };
    };
} | undefined;
export declare const kubernetesProblems: (w: Workload) => string[];
/** Node affinity from placement labels and role (k3s marks servers with node-role.kubernetes.io/control-plane). */
export declare const renderAffinity: (w: Workload) => {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: {
                matchExpressions: {
                    key: string;
                    operator: string;
                    values?: string[];
                }[];
            }[];
        };
    };
} | undefined;
export declare const renderDeployment: (w: Workload, ctx: ObjectContext) => k8s.apps.v1.DeploymentArgs;
/** ClusterIP for the stack's own traffic; LoadBalancer (k3s servicelb) for published ports. */
export declare const renderServices: (w: Workload, ctx: ObjectContext) => {
    name: string;
    spec: Record<string, unknown>;
    metadata: Record<string, unknown>;
}[];
export declare const renderIngress: (w: Workload, ctx: ObjectContext) => {
    metadata: {
        name: string;
        namespace: string;
        labels: {
            "recette.edge": pulumi.Input<string>;
        };
        annotations: {
            "traefik.ingress.kubernetes.io/router.entrypoints": string;
            "traefik.ingress.kubernetes.io/router.tls": string;
            "traefik.ingress.kubernetes.io/router.tls.certresolver": string;
        };
    };
    spec: {
        rules: {
            host: string;
            http: {
                paths: {
                    path: string;
                    pathType: string;
                    backend: {
                        service: {
                            name: string;
                            port: {
                                number: number;
                            };
                        };
                    };
                }[];
            };
        }[];
    };
} | undefined;
export declare const renderHpa: (w: Workload, ctx: ObjectContext) => {
    metadata: {
        name: string;
        namespace: string;
        labels: Record<string, string>;
    };
    spec: {
        scaleTargetRef: {
            apiVersion: string;
            kind: string;
            name: string;
        };
        minReplicas: number;
        maxReplicas: number;
        metrics: {
            type: string;
            resource: {
                name: string;
                target: {
                    type: string;
                    averageUtilization: number;
                };
            };
        }[];
    };
} | undefined;
/** Pods the Deployment runs when nothing scales it: its replicas, or the autoscaler's minimum. */
export declare const baseReplicas: (w: Workload) => number;
/**
 * A PodDisruptionBudget for a replicated Deployment (2 replicas or more, or an autoscaling minimum of 2 or
 * more), selecting exactly its pods: a drain through the Eviction API (`kubectl drain`) evicts one of them
 * at a time and waits until its replacement is ready before it evicts the next, so the others keep serving
 * while a node is maintained. A pod that is not ready serves nothing and may always be evicted
 * (AlwaysAllow): a crash-looping pod never holds a drain up.
 *
 * A single-replica workload gets none: a budget on one pod would block every drain forever
 * (minAvailable: 1) or protect nothing (maxUnavailable: 1). Its pod is evicted, and the workload is down
 * until it runs again, as a Swarm task is when its node is drained.
 */
export declare const renderPdb: (w: Workload, ctx: ObjectContext) => {
    metadata: {
        name: string;
        namespace: string;
        labels: Record<string, string>;
    };
    spec: {
        maxUnavailable: number;
        selector: {
            matchLabels: {
                "app.kubernetes.io/name": string;
            };
        };
        unhealthyPodEvictionPolicy: "AlwaysAllow";
    };
} | undefined;
/** What Traefik's Kubernetes Ingress provider reads. */
export declare const TRAEFIK_RULES: {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
}[];
export declare const fileKeyOf: (name: string) => string;
