import * as z from "zod";
import {
  absolutePath,
  count,
  duration,
  hostname,
  image,
  labelKey,
  labelValue,
  name,
  port,
  show,
  size,
  urlPath,
} from "./formats";
import { ConfigRef, secret } from "./refs";

export const Route = z
  .object({
    host: hostname().describe("Host name Traefik routes to this service (HTTPS, certificate from ACME)."),
    path: urlPath().default("/").describe("Path prefix. Defaults to /."),
    port: port().describe("Container port the route reaches."),
  })
  .strict();

export const Port = z
  .object({
    published: port().describe("Port published on the nodes."),
    target: port().describe("Container port."),
    protocol: z.enum(["tcp", "udp"]).default("tcp").describe("Defaults to tcp."),
  })
  .strict();

export const Volume = z
  .object({
    name: name().describe("Logical volume name; the physical name is derived from project and stack."),
    path: absolutePath().describe(
      "Mount path in the container (absolute; not /, the Docker socket, /run/secrets, /proc, /sys or /dev).",
    ),
    size: size("16Ti").default("1Gi").describe("Requested size (k3s PersistentVolumeClaim). Defaults to 1Gi."),
    keep: z
      .boolean()
      .default(true)
      .describe(
        "Data must survive: protected and retained on delete on production stacks, never replaced by an update. " +
          "Defaults to true.",
      ),
  })
  .strict();

export const Health = z
  .object({
    http: urlPath().optional().describe("HTTP path probed on the first route's port (e.g. /). Give http or command."),
    command: z
      .array(z.string().min(1))
      .min(1)
      .max(100)
      .optional()
      .describe(
        "Command run in the container (an argument list, no shell); exit 0 means healthy. Give http or command.",
      ),
    interval: duration(true).default("10s").describe("Defaults to 10s."),
    timeout: duration(true).default("3s").describe("Defaults to 3s."),
    retries: count(1, 100, "retries").default(3).describe("Defaults to 3."),
    startPeriod: duration()
      .default("10s")
      .describe(
        "Grace period after start: failed checks do not count yet (Swarm: the health check's start period; " +
          "k3s: the liveness probe's initial delay, while readiness is probed from the start). Defaults to 10s.",
      ),
  })
  .strict();

export const Update = z
  .object({
    parallelism: count(1, 100, "parallelism").default(1).describe("Tasks/pods updated at once. Defaults to 1."),
    delay: duration().default("5s").describe("Pause between batches. Defaults to 5s."),
    order: z
      .enum(["start-first", "stop-first"])
      .default("start-first")
      .describe(
        "start-first keeps the old task until the new one is healthy (no downtime). Defaults " +
          "to start-first; services with a kept volume on one node may need stop-first. The old " +
          "task of a routed start-first service is asked to keep serving until Traefik forgets " +
          "it: on Kubernetes a 5 s preStop sleep; on Swarm the variable RECETTE_DRAIN_SECONDS " +
          "(6), which recette's PluXml image honours. Another image should, on SIGTERM, keep " +
          "answering that many seconds before it stops, or lose requests while it is replaced.",
      ),
  })
  .strict();

export const Resources = z
  .object({
    cpus: z
      .number({ error: (iss) => `expected a number of CPUs, got ${show(iss.input)}` })
      .min(0.001, { error: (iss) => `${show(iss.input)} is too small: at least 0.001 CPU (1 millicore)` })
      .max(64, { error: (iss) => `${show(iss.input)} is too large: at most 64 CPUs` })
      .optional()
      .describe("CPU limit (0.001 to 64, e.g. 0.5)."),
    memory: size("256Gi")
      .optional()
      .describe("Memory limit (e.g. 256Mi); also the capacity model's figure for this app."),
    reserveMemory: size("256Gi").optional().describe("Memory reservation (scheduling guarantee); at most memory."),
  })
  .strict();

export const Placement = z
  .object({
    labels: z
      .record(labelKey(), labelValue())
      .refine((o) => Object.keys(o).length <= 50, { error: "at most 50 placement labels" })
      .default({})
      .describe("Run only on nodes carrying these labels (Swarm affinities, k8s node affinity)."),
    role: z
      .enum(["manager", "worker", "any"])
      .default("any")
      .describe("Restrict to managers/servers or workers/agents. Defaults to any."),
  })
  .strict();

export const Autoscale = z
  .object({
    min: count(1, 100, "min").describe("Minimum replicas."),
    max: count(1, 100, "max").describe("Maximum replicas."),
    cpuPercent: count(1, 100, "cpuPercent").default(80).describe("Target average CPU utilisation. Defaults to 80."),
  })
  .strict();

/** Fields every app shares; the generic `service` entry exposes all of them. */
export const common = {
  replicas: count(0, 100, "replicas")
    .default(1)
    .describe("Replicas, 0 to 100 (manual scaling: change it and deploy). Defaults to 1."),
  update: Update.default({ parallelism: 1, delay: "5s", order: "start-first" }).describe(
    "Rolling update; failures roll back.",
  ),
  resources: Resources.default({}).describe("Limits and reservations."),
  placement: Placement.default({ labels: {}, role: "any" }).describe("Where tasks may run."),
};

export const Service = z
  .object({
    name: name().describe("Service name, unique among apps."),
    image: image().describe("Container image reference, e.g. traefik/whoami:v1.10."),
    command: z
      .array(z.string())
      .max(100)
      .optional()
      .describe("Overrides the image's command (an argument list, no shell)."),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.union([z.string(), ConfigRef]))
      .refine((o) => Object.keys(o).length <= 200, { error: "at most 200 environment variables" })
      .default({})
      .describe("Environment variables (literal or { config: key })."),
    secrets: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/), secret("A stack secret mounted as a file."))
      .refine((o) => Object.keys(o).length <= 50, { error: "at most 50 secrets" })
      .default({})
      .describe("Files under /run/secrets/<name>, each from a stack secret (never environment variables)."),
    volumes: z.array(Volume).max(20).default([]).describe("Volumes."),
    routes: z.array(Route).max(50).default([]).describe("HTTP routes through Traefik."),
    ports: z.array(Port).max(50).default([]).describe("Ports published on the nodes, outside Traefik."),
    health: Health.optional().describe("Health check."),
    autoscale: Autoscale.optional().describe("Horizontal autoscaling on CPU (k3s only; Swarm has none)."),
    ...common,
  })
  .strict();

export type Service = z.infer<typeof Service>;
