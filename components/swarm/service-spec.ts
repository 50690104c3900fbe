import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { swarmConstraint } from "../escape";
import { durationSeconds, type Workload } from "../workload";
import { renderRouteLabels, toLabelList } from "./labels";

export const DOCKER_SOCKET = "/var/run/docker.sock";

/** What the target resolved for one workload: physical names of its network, volumes, configs, secrets. */
export interface ServiceContext {
  serviceName: string;
  /** The stack network's name (Traefik's `traefik.swarm.network` label). */
  networkName: pulumi.Input<string>;
  /**
   * The stack network's ID. The Docker provider reads attachments back by ID (its `name` is
   * deprecated): by name, every refresh would plan a replacement of every service.
   */
  networkId: pulumi.Input<string>;
  /** The routing mesh is usable (IPVS present): vip endpoints and ingress publishing. */
  mesh: pulumi.Input<boolean>;
  labels: Record<string, string>;
  /**
   * The image reference the service runs (the workload's, pinned to a digest by the Target).
   * Defaults to the workload's.
   */
  image?: pulumi.Input<string>;
  /** Each kept or scratch volume, with the labels its engine gives it (recette backup finds volumes by them). */
  volumes: { source: string; target: string; labels: Record<string, string> }[];
  configs: { id: pulumi.Input<string>; name: pulumi.Input<string>; path: string; mode: number }[];
  secrets: { id: pulumi.Input<string>; name: pulumi.Input<string>; path: string; mode: number }[];
  /**
   * Another stack's edge this stack's routes go through (a derived stack: a restore drill, a preview
   * environment): routed services also join that stack's network, Traefik reaches them there, and they carry
   * its edge label. Defaults to the stack's own network and Traefik.
   */
  edge?: SharedEdge;
}

/** A stack's Traefik as another stack uses it: the network it watches and the label it routes. */
export interface SharedEdge {
  networkName: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  label: pulumi.Input<{ name: string; value: string }>;
}

const MiB = 1024 * 1024;

/** How often Traefik's Swarm provider lists the tasks (its refreshSeconds). */
export const TRAEFIK_REFRESH_SECONDS = 2;
/**
 * Seconds a stopping task of a start-first routed service keeps serving (RECETTE_DRAIN_SECONDS):
 * Traefik drops a task once Swarm marks it for shutdown, but only at its next listing plus its
 * providers' throttle (2 s); until then it still sends requests there. Without it the lab's
 * start-first update lost requests (a 502, then a 5 s timeout once the task's address was gone).
 * recette's PluXml image honours the variable; docs/recipe.md tells how another image can.
 */
export const DRAIN_SECONDS = TRAEFIK_REFRESH_SECONDS + 2 + 2;

/**
 * The environment a task gets: the workload's, plus the drain period when a start-first update must not lose
 * requests.
 */
export const renderEnv = (w: Workload): Record<string, pulumi.Input<string>> =>
  w.update.order === "start-first" && w.routes.length > 0
    ? { RECETTE_DRAIN_SECONDS: String(DRAIN_SECONDS), ...w.env }
    : w.env;

/** Swarm constraints from the workload's placement (the article's "affinities"). */
export const renderConstraints = (w: Workload): string[] => {
  const constraints = Object.keys(w.placement.labels)
    .sort()
    .map((k) => swarmConstraint(k, w.placement.labels[k]!));
  const role = w.readsOrchestrator ? "manager" : w.placement.role;
  if (role !== "any") constraints.push(`node.role==${role}`);
  return constraints;
};

/**
 * The exec form: Docker runs curl with these arguments and no shell, so nothing in the path can end
 * the command or mask its exit status. `--globoff` keeps curl from expanding `{}`/`[]` in the URL.
 */
export const renderHealthcheck = (w: Workload) => {
  const h = w.health;
  if (!h) return undefined;
  const tests = h.command
    ? ["CMD", ...h.command]
    : [
        "CMD",
        "curl",
        "-fsS",
        "--globoff",
        "-o",
        "/dev/null",
        "--max-time",
        String(durationSeconds(h.timeout)),
        `http://127.0.0.1:${h.http!.port}${h.http!.path}`,
      ];
  return { tests, interval: h.interval, timeout: h.timeout, retries: h.retries, startPeriod: h.startPeriod };
};

/** Published ports: host mode keeps client addresses and is the only mode that works without IPVS. */
export const renderEndpointSpec = (w: Workload, mesh: boolean) => ({
  mode: mesh ? "vip" : "dnsrr",
  ports: w.published.map((p) => ({
    targetPort: p.target,
    publishedPort: p.published,
    protocol: p.protocol,
    publishMode: mesh && !w.preserveClientIp ? "ingress" : "host",
  })),
});

/** The complete docker.Service arguments for a workload: the mapping tests assert on. */
export const renderServiceSpec = (w: Workload, ctx: ServiceContext): docker.ServiceArgs => {
  // The volume is made by the engine of the node that runs the task, which may not be the one the
  // docker.Volume resource was created on (the manager): the mount carries the labels, so a worker's
  // copy is labelled too and `recette backup` finds it there.
  const mounts = ctx.volumes.map((v) => ({
    type: "volume",
    source: v.source,
    target: v.target,
    volumeOptions: { labels: toLabelList(v.labels) },
  }));
  if (w.readsOrchestrator)
    mounts.push({ type: "bind", source: DOCKER_SOCKET, target: DOCKER_SOCKET, readOnly: true } as never);
  const limits = {
    ...(w.resources.memoryMiB ? { memoryBytes: w.resources.memoryMiB * MiB } : {}),
    ...(w.resources.cpus ? { nanoCpus: Math.round(w.resources.cpus * 1e9) } : {}),
  };
  const edge = w.routes.length > 0 ? ctx.edge : undefined;
  const routeLabels = pulumi.all([edge?.networkName ?? ctx.networkName, edge?.label]).apply(([net, label]) => ({
    ...renderRouteLabels(ctx.serviceName, net, w.routes),
    ...(label ? { [label.name]: label.value } : {}),
  }));
  return {
    name: ctx.serviceName,
    labels: routeLabels.apply((r) => toLabelList({ ...ctx.labels, ...r })),
    mode: { replicated: { replicas: w.replicas } },
    taskSpec: {
      containerSpec: {
        image: ctx.image ?? w.image,
        ...(w.args ? { args: w.args } : {}),
        env: renderEnv(w),
        mounts,
        configs: ctx.configs.map((c) => ({ configId: c.id, configName: c.name, fileName: c.path, fileMode: c.mode })),
        secrets: ctx.secrets.map((s) => ({ secretId: s.id, secretName: s.name, fileName: s.path, fileMode: s.mode })),
        healthcheck: renderHealthcheck(w),
        labels: toLabelList(ctx.labels),
        // A minimal init as PID 1 forwards SIGTERM: images whose command is a shell script (apache2ctl)
        // would otherwise ignore it and only die at the end of the grace period.
        init: true,
        // Swarm stops a task with SIGTERM, then SIGKILL after this grace period. The Docker provider also waits
        // this long for a deleted service's containers to be removed, and fails the destroy past it: with
        // the vfs storage driver on a loaded machine, removing a PluXml container took more than 30 s (the
        // cold CI run). Processes stop at SIGTERM (init above), so the longer bound costs nothing then.
        // "1m", not "60s": the provider reads the period back as Go writes it, shortened ("1m0s" → "1m").
        stopGracePeriod: "1m",
      },
      networksAdvanceds: [
        { id: ctx.networkId, aliases: w.aliases },
        // No alias there: the other stack's services answer to the same short names.
        ...(edge ? [{ id: edge.networkId }] : []),
      ],
      placement: { constraints: renderConstraints(w) },
      resources: {
        ...(Object.keys(limits).length ? { limits } : {}),
        ...(w.resources.reserveMemoryMiB ? { reservation: { memoryBytes: w.resources.reserveMemoryMiB * MiB } } : {}),
      },
      restartPolicy: { condition: "any", delay: "5s", window: "1m" },
    },
    updateConfig: {
      parallelism: w.update.parallelism,
      delay: w.update.delay,
      order: w.update.order,
      failureAction: "rollback",
      monitor: "15s",
    },
    rollbackConfig: {
      parallelism: w.update.parallelism,
      delay: "0s",
      order: w.update.order,
      failureAction: "pause",
      monitor: "15s",
    },
    endpointSpec: pulumi.output(ctx.mesh).apply((mesh) => renderEndpointSpec(w, mesh)),
  };
};
