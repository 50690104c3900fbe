import type * as k8s from "@pulumi/kubernetes";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CERT_RESOLVER, EDGE_LABEL } from "../swarm/labels";
import { controlCharacter, visible } from "../escape";
import { kubernetesLabelKeyProblem, kubernetesLabelValueProblem } from "../formats";
import { durationSeconds, type Workload } from "../workload";
import { kubernetesObjectName } from "../workload-names";

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
export const contentDigest = (w: Workload): pulumi.Output<string> | undefined =>
  w.files.length
    ? pulumi
        .all(w.files.map((f) => pulumi.output(f.content)))
        .apply((all) => createHash("sha256").update(all.join("\0")).digest("hex").slice(0, 16))
    : undefined;

/**
 * Seconds a start-first workload's old pod keeps serving after it is told to stop: the Ingress
 * controller (Traefik) learns that the endpoint is gone only once the endpoints change reaches it, and
 * would send requests to a stopped pod meanwhile (502s seen in the k3s e2e suite without it).
 */
export const PRESTOP_SECONDS = 5;

/** CPU requested by an autoscaled workload without resources.cpus: the HPA's utilisation is a share of it. */
export const DEFAULT_CPU_REQUEST = "100m";

const fileKey = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "-");

export const renderSelector = (ctx: ObjectContext) => ({ "app.kubernetes.io/name": ctx.name });

/**
 * Seconds a Deployment's rollout may go without progress before Kubernetes marks it failed
 * (ProgressDeadlineExceeded), which is when `recette up` rolls it back: two minutes (a first pull of a
 * large image counts as no progress) plus the health check's start period. Kubernetes' default, ten
 * minutes, would leave a broken release pending that long.
 */
export const progressDeadlineSeconds = (w: Workload): number =>
  120 + (w.health ? durationSeconds(w.health.startPeriod) : 0);

/**
 * The health check as Kubernetes probes. Docker's start period means "failures do not count yet",
 * not "do not look yet": it becomes the liveness probe's initial delay (no restart while starting),
 * while readiness is probed from the start, so a workload is in its Service as soon as it answers.
 * (An edge that waited out the start period before its first readiness probe refused the ACME
 * HTTP-01 challenge it had itself just asked for: Traefik then retries only on its next change.)
 */
export const renderProbes = (w: Workload) => {
  const h = w.health;
  if (!h) return undefined;
  const readinessProbe = {
    ...(h.command ? { exec: { command: h.command } } : { httpGet: { path: h.http!.path, port: h.http!.port } }),
    periodSeconds: durationSeconds(h.interval),
    timeoutSeconds: durationSeconds(h.timeout),
    failureThreshold: h.retries,
  };
  return { livenessProbe: { ...readinessProbe, initialDelaySeconds: durationSeconds(h.startPeriod) }, readinessProbe };
};

/**
 * Why a workload's recipe values cannot become Kubernetes labels, selectors or Ingress paths: each
 * problem names the value (escaped) and the rule. The loader reports the same rules at the recipe's
 * line; a component used on its own still never sends such a value to the API.
 */
const INGRESS_HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const kubernetesProblems = (w: Workload): string[] => {
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(w.name))
    problems.push(
      `workload name ${visible(w.name)} (container name and recette.workload label): a DNS label ` +
        "(1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit)",
    );
  for (const [key, v] of Object.entries(w.placement.labels)) {
    const keyProblem = kubernetesLabelKeyProblem(key);
    if (keyProblem) problems.push(`placement label key ${visible(key)}: ${keyProblem}`);
    const valueProblem = kubernetesLabelValueProblem(v);
    if (valueProblem) problems.push(`placement label ${visible(key)} value ${visible(v)}: ${valueProblem}`);
  }
  const badPath = (p: string) => !p.startsWith("/") || controlCharacter(p) !== undefined || /\s/.test(p);
  for (const r of w.routes) {
    if (r.host.length > 253 || !INGRESS_HOST.test(r.host))
      problems.push(
        `route host ${visible(r.host)}: an Ingress host is a lower-case DNS name, optionally starting with *.`,
      );
    if (badPath(r.path))
      problems.push(
        `route path ${visible(r.path)}: an Ingress path starts with / and has no blanks or control characters`,
      );
  }
  if (w.health?.http && badPath(w.health.http.path))
    problems.push(
      `health path ${visible(w.health.http.path)}: an HTTP probe path starts with / ` +
        "and has no blanks or control characters",
    );
  return problems;
};

/** Node affinity from placement labels and role (k3s marks servers with node-role.kubernetes.io/control-plane). */
export const renderAffinity = (w: Workload) => {
  const expressions: { key: string; operator: string; values?: string[] }[] = Object.keys(w.placement.labels)
    .sort()
    .map((key) => ({ key, operator: "In", values: [w.placement.labels[key]!] }));
  if (w.placement.role === "manager")
    expressions.push({ key: "node-role.kubernetes.io/control-plane", operator: "Exists" });
  if (w.placement.role === "worker")
    expressions.push({ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" });
  if (expressions.length === 0) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] },
    },
  };
};

export const renderDeployment = (w: Workload, ctx: ObjectContext): k8s.apps.v1.DeploymentArgs => {
  const volumes: k8s.types.input.core.v1.Volume[] = w.volumes.map((v) => ({
    name: v.name,
    persistentVolumeClaim: { claimName: ctx.claims[v.name] ?? v.name },
  }));
  const mounts: k8s.types.input.core.v1.VolumeMount[] = w.volumes.map((v) => ({ name: v.name, mountPath: v.path }));
  if (ctx.configMap) {
    volumes.push({ name: "files", configMap: { name: ctx.configMap } });
    for (const f of w.files)
      mounts.push({ name: "files", mountPath: f.path, subPath: fileKey(f.name), readOnly: true });
  }
  if (ctx.secret) {
    volumes.push({ name: "secrets", secret: { secretName: ctx.secret, defaultMode: 0o400 } });
    for (const s of w.secrets)
      mounts.push({ name: "secrets", mountPath: s.path, subPath: fileKey(s.name), readOnly: true });
  }
  const limits: Record<string, string> = {};
  if (w.resources.memoryMiB) limits.memory = `${w.resources.memoryMiB}Mi`;
  if (w.resources.cpus) limits.cpu = `${Math.round(w.resources.cpus * 1000)}m`;
  const requests: Record<string, string> = {};
  if (w.resources.reserveMemoryMiB) requests.memory = `${w.resources.reserveMemoryMiB}Mi`;
  if (w.autoscale) requests.cpu = w.resources.cpus ? `${Math.round(w.resources.cpus * 1000)}m` : DEFAULT_CPU_REQUEST;
  const resources = {
    ...(Object.keys(limits).length ? { limits } : {}),
    ...(Object.keys(requests).length ? { requests } : {}),
  };
  const probes = renderProbes(w);
  const digest = contentDigest(w);
  const annotations: Record<string, pulumi.Input<string>> = {
    ...(digest ? { "recette.content-digest": digest } : {}),
    ...(ctx.secretVersion ? { "recette.secret-version": ctx.secretVersion } : {}),
  };
  const startFirst = w.update.order === "start-first";
  return {
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
    spec: {
      replicas: baseReplicas(w),
      progressDeadlineSeconds: progressDeadlineSeconds(w),
      selector: { matchLabels: renderSelector(ctx) },
      strategy: {
        type: "RollingUpdate",
        rollingUpdate: {
          maxSurge: startFirst ? w.update.parallelism : 0,
          maxUnavailable: startFirst ? 0 : w.update.parallelism,
        },
      },
      template: {
        metadata: {
          labels: { ...ctx.labels, ...renderSelector(ctx) },
          ...(Object.keys(annotations).length ? { annotations } : {}),
        },
        spec: {
          ...(ctx.serviceAccount
            ? { serviceAccountName: ctx.serviceAccount }
            : { automountServiceAccountToken: false }),
          ...(renderAffinity(w) ? { affinity: renderAffinity(w) } : {}),
          containers: [
            {
              name: w.name,
              image: w.image,
              ...(w.args ? { args: w.args } : {}),
              env: Object.keys(w.env)
                .sort()
                .map((name) => ({ name, value: w.env[name] as pulumi.Input<string> })),
              ports: [...new Set([...w.ports, ...w.published.map((p) => p.target)])].map((containerPort) => ({
                containerPort,
              })),
              volumeMounts: mounts,
              ...(Object.keys(resources).length ? { resources } : {}),
              ...probes,
              ...(startFirst ? { lifecycle: { preStop: { sleep: { seconds: PRESTOP_SECONDS } } } } : {}),
            },
          ],
          volumes,
        },
      },
    },
  };
};

/** ClusterIP for the stack's own traffic; LoadBalancer (k3s servicelb) for published ports. */
export const renderServices = (w: Workload, ctx: ObjectContext) => {
  const out: { name: string; spec: Record<string, unknown>; metadata: Record<string, unknown> }[] = [];
  const internal = [...new Set([...w.ports, ...w.routes.map((r) => r.port)])];
  if (internal.length)
    out.push({
      name: ctx.name,
      metadata: { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
      spec: {
        type: "ClusterIP",
        selector: renderSelector(ctx),
        ports: internal.map((port) => ({ name: `p${port}`, port, targetPort: port })),
      },
    });
  if (w.published.length)
    out.push({
      name: kubernetesObjectName(ctx.name, "published"),
      metadata: { name: kubernetesObjectName(ctx.name, "published"), namespace: ctx.namespace, labels: ctx.labels },
      spec: {
        type: "LoadBalancer",
        // Local keeps clients' source addresses (the Swarm side uses host-mode publishing for that).
        externalTrafficPolicy: w.preserveClientIp ? "Local" : "Cluster",
        selector: renderSelector(ctx),
        ports: w.published.map((p) => ({
          name: `${p.protocol}${p.published}`,
          port: p.published,
          targetPort: p.target,
          protocol: p.protocol.toUpperCase(),
        })),
      },
    });
  return out;
};

export const renderIngress = (w: Workload, ctx: ObjectContext) => {
  if (w.routes.length === 0) return undefined;
  const hosts = [...new Set(w.routes.map((r) => r.host))];
  return {
    metadata: {
      name: ctx.name,
      namespace: ctx.namespace,
      // Traefik routes the Ingresses that carry its stack's edge label, in any namespace (Target.traefikProviders).
      labels: { ...ctx.labels, [EDGE_LABEL]: ctx.edgeLabel ?? ctx.labels["recette.stack"]! },
      annotations: {
        "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
        "traefik.ingress.kubernetes.io/router.tls": "true",
        "traefik.ingress.kubernetes.io/router.tls.certresolver": CERT_RESOLVER,
      },
    },
    spec: {
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: w.routes
            .filter((r) => r.host === host)
            .map((r) => ({
              path: r.path,
              pathType: "Prefix",
              backend: { service: { name: ctx.name, port: { number: r.port } } },
            })),
        },
      })),
    },
  };
};

export const renderHpa = (w: Workload, ctx: ObjectContext) =>
  w.autoscale
    ? {
        metadata: { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ctx.name },
          minReplicas: w.autoscale.min,
          maxReplicas: w.autoscale.max,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: w.autoscale.cpuPercent } },
            },
          ],
        },
      }
    : undefined;

/** Pods the Deployment runs when nothing scales it: its replicas, or the autoscaler's minimum. */
export const baseReplicas = (w: Workload): number => (w.autoscale ? w.autoscale.min : w.replicas);

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
export const renderPdb = (w: Workload, ctx: ObjectContext) =>
  baseReplicas(w) >= 2
    ? {
        metadata: { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: renderSelector(ctx) },
          unhealthyPodEvictionPolicy: "AlwaysAllow" as const,
        },
      }
    : undefined;

/** What Traefik's Kubernetes Ingress provider reads. */
export const TRAEFIK_RULES = [
  { apiGroups: [""], resources: ["services", "endpoints", "secrets", "nodes"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["networking.k8s.io", "extensions"],
    resources: ["ingresses", "ingressclasses"],
    verbs: ["get", "list", "watch"],
  },
  { apiGroups: ["networking.k8s.io", "extensions"], resources: ["ingresses/status"], verbs: ["update"] },
];

export const fileKeyOf = fileKey;
