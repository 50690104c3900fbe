import * as fs from "node:fs";
import * as path from "node:path";
import { escapeControls } from "../load/text";
import {
  HELPER_SECONDS,
  ownVolumes,
  Refused,
  runCli,
  type HelperSpec,
  type Run,
  type RunOptions,
  type Site,
  type VolumeUser,
} from "./site";

/**
 * A k3s stack's namespace, reached by the `kubectl` CLI with a kubeconfig: the claims are its
 * PersistentVolumeClaims (labelled as Swarm volumes are), the helper a pod mounting them, exec is
 * `kubectl exec`, every command in the stack's namespace and an argument list (runCli).
 */
export interface Cluster {
  /** The kubectl binary. */
  kubectl: string;
  kubeconfig: string;
  namespace: string;
}

export class KubectlFailed extends Error {}

const clusterName = (c: Cluster) => `namespace ${c.namespace} of the cluster in ${c.kubeconfig}`;

/**
 * Runs `kubectl --kubeconfig … --namespace … <args>`; rejects with KubectlFailed (the command and its stderr) on a
 * non-zero exit.
 */
export const kubectl = (c: Cluster, args: string[], opts: RunOptions = {}): Promise<Run> =>
  runCli(c.kubectl, ["--kubeconfig", c.kubeconfig, "--namespace", c.namespace, ...args], opts, {
    start: (x) =>
      new KubectlFailed(`kubectl ${args[0]}: ${x.message} (is kubectl installed? set RECETTE_KUBECTL to its path)`),
    exit: (code, stderr) =>
      new KubectlFailed(`kubectl ${args.slice(0, 2).join(" ")} on ${clusterName(c)} failed (exit ${code}): ${stderr}`),
  });

const json = async <T>(c: Cluster, args: string[]): Promise<T> =>
  JSON.parse((await kubectl(c, [...args, "--output", "json"])).stdout.toString("utf8")) as T;

interface Meta {
  name: string;
  labels?: Record<string, string>;
}
interface PodList {
  items: {
    metadata: Meta;
    spec: { volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
    status: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] };
  }[];
}
interface DeploymentList {
  items: { metadata: Meta; spec: { replicas?: number; selector: { matchLabels?: Record<string, string> } } }[];
}

/** The helper pod: root (it reads and writes every owner's files), no network use, no API token, a deadline. */
export const helperPod = (c: Cluster, a: HelperSpec) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: a.name, namespace: c.namespace, labels: a.labels },
  spec: {
    restartPolicy: "Never",
    activeDeadlineSeconds: HELPER_SECONDS,
    terminationGracePeriodSeconds: 0,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsUser: 0, runAsGroup: 0 },
    containers: [
      {
        name: "helper",
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        command: ["sleep", String(HELPER_SECONDS)],
        volumeMounts: a.mounts.map((m, i) => ({ name: `v${i}`, mountPath: m.target, readOnly: m.readOnly })),
      },
    ],
    volumes: a.mounts.map((m, i) => ({
      name: `v${i}`,
      persistentVolumeClaim: { claimName: m.volume, readOnly: m.readOnly },
    })),
  },
});

/** Whether a pod's labels select it for a Deployment (matchLabels, which recette's Deployments use). */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export const kubeSite = (c: Cluster): Site => {
  const site: Site = {
    name: clusterName(c),
    volumes: async (prefix, workloads) => {
      const claims = await json<{ items: { metadata: Meta }[] }>(c, [
        "get",
        "persistentvolumeclaims",
        "--selector",
        `recette.stack=${prefix},recette.keep=true`,
      ]);
      return ownVolumes(
        prefix,
        workloads,
        claims.items.map((i) => ({ name: i.metadata.name, labels: i.metadata.labels })),
      );
    },
    // A claim is the one copy of its data, wherever its pods run.
    checkPlacement: async () => undefined,
    // The pod reports an image it cannot have (startHelper waits for it and says why).
    ensureImage: async () => undefined,
    startHelper: async (a) => {
      await kubectl(c, ["create", "--filename", "-"], { input: JSON.stringify(helperPod(c, a)) });
      const h = { site, name: a.name };
      try {
        await kubectl(c, ["wait", "--for=condition=Ready", `pod/${a.name}`, "--timeout=180s"]);
      } catch (e) {
        const pod = await json<PodList["items"][number]>(c, ["get", "pod", a.name]).catch(() => undefined);
        const waiting = pod?.status.containerStatuses?.[0]?.state?.waiting;
        await site.removeHelper(h);
        const why = waiting?.reason
          ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`
          : (e as Error).message;
        throw new Refused(
          `the helper pod ${a.name} (image ${a.image}) did not start in ${clusterName(c)}: ` +
            `${escapeControls(why)}. Make the image available to the cluster, or pass ` +
            "--helper-image <any image with GNU tar, coreutils and findutils>",
        );
      }
      return h;
    },
    exec: (h, argv, opts = {}) =>
      kubectl(
        c,
        ["exec", ...(opts.input !== undefined ? ["--stdin"] : []), h.name, "--container", "helper", "--", ...argv],
        opts,
      ),
    removeHelper: async (h) => {
      await kubectl(c, ["delete", "pod", h.name, "--ignore-not-found", "--wait=true", "--timeout=120s"]).catch(
        () => undefined,
      );
    },
    volumeUsers: async (claim) => {
      const pods = await json<PodList>(c, ["get", "pods"]);
      const deployments = await json<DeploymentList>(c, ["get", "deployments"]);
      const users: VolumeUser[] = [];
      for (const p of pods.items) {
        if (p.status.phase === "Succeeded" || p.status.phase === "Failed") continue;
        if (!(p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim)) continue;
        const owner = deployments.items.find((d) => selects(d.spec.selector.matchLabels, p.metadata.labels));
        users.push({ container: p.metadata.name, ...(owner ? { service: owner.metadata.name } : {}) });
      }
      return users;
    },
    workloadServices: async (prefix, workload) => {
      const d = await json<DeploymentList>(c, [
        "get",
        "deployments",
        "--selector",
        `recette.stack=${prefix},recette.workload=${workload}`,
      ]);
      return d.items.map((i) => ({ name: i.metadata.name, replicas: i.spec.replicas ?? 1 }));
    },
    scale: async (service, replicas) => {
      await kubectl(c, ["scale", `deployment/${service}`, `--replicas=${replicas}`]);
      if (replicas > 0) await kubectl(c, ["rollout", "status", `deployment/${service}`, "--timeout=300s"]);
    },
  };
  return site;
};

/**
 * The kubectl to run: $RECETTE_KUBECTL, else `kubectl` on PATH, else the one scripts/ensure-kubernetes
 * built for the local cluster.
 */
export const findKubectl = (root: string, env: NodeJS.ProcessEnv = process.env): string => {
  if (env.RECETTE_KUBECTL) return env.RECETTE_KUBECTL;
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "kubectl");
    if (fs.existsSync(candidate)) return candidate;
  }
  const version = /^K8S_VERSION=(.+)$/m.exec(
    fs.readFileSync(path.join(root, "scripts", "kubernetes", "versions.env"), "utf8"),
  )?.[1];
  const cache = env.RECETTE_CACHE || path.join(env.HOME ?? "/root", ".cache", "recette");
  const built = path.join(cache, "kubernetes", `kubernetes-${version}`, "kubectl");
  return fs.existsSync(built) ? built : "kubectl";
};
