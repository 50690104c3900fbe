import { z } from "zod";
import { count, duration, hostname, name, port, size } from "./formats";
import { ConfigRef, secret } from "./refs";

export const Route = z
  .object({
    host: hostname().describe("Host name Traefik routes to this service (HTTPS, certificate from ACME)."),
    path: z
      .string()
      .regex(/^\/[^\s]*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a path (expected e.g. / or /api)` })
      .default("/")
      .describe("Path prefix. Defaults to /."),
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
    path: z.string().regex(/^\//, { error: "a mount path is absolute (e.g. /var/lib/app)" }).describe("Mount path in the container."),
    size: size().default("1Gi").describe("Requested size (k3s PersistentVolumeClaim). Defaults to 1Gi."),
    keep: z
      .boolean()
      .default(true)
      .describe("Data must survive: protected and retained on delete in prod, never replaced by an update. Defaults to true."),
  })
  .strict();

export const Health = z
  .object({
    http: z.string().regex(/^\//).optional().describe("HTTP path probed on the first route's port (e.g. /)."),
    command: z.array(z.string()).min(1).optional().describe("Command run in the container; exit 0 means healthy."),
    interval: duration().default("10s").describe("Defaults to 10s."),
    timeout: duration().default("3s").describe("Defaults to 3s."),
    retries: count(1, "retries").default(3).describe("Defaults to 3."),
    startPeriod: duration().default("10s").describe("Grace period after start. Defaults to 10s."),
  })
  .strict();

export const Update = z
  .object({
    parallelism: count(1, "parallelism").default(1).describe("Tasks/pods updated at once. Defaults to 1."),
    delay: duration().default("5s").describe("Pause between batches. Defaults to 5s."),
    order: z
      .enum(["start-first", "stop-first"])
      .default("start-first")
      .describe("start-first keeps the old task until the new one is healthy (no downtime). Defaults to start-first; services with a kept volume on one node may need stop-first."),
  })
  .strict();

export const Resources = z
  .object({
    cpus: z.number().positive().optional().describe("CPU limit (e.g. 0.5)."),
    memory: size().optional().describe("Memory limit (e.g. 256Mi); also the capacity model's figure for this app."),
    reserveMemory: size().optional().describe("Memory reservation (scheduling guarantee)."),
  })
  .strict();

export const Placement = z
  .object({
    labels: z.record(z.string(), z.string()).default({}).describe("Run only on nodes carrying these labels (Swarm affinities, k8s node affinity)."),
    role: z.enum(["manager", "worker", "any"]).default("any").describe("Restrict to managers/servers or workers/agents. Defaults to any."),
  })
  .strict();

export const Autoscale = z
  .object({
    min: count(1, "min").describe("Minimum replicas."),
    max: count(1, "max").describe("Maximum replicas."),
    cpuPercent: count(1, "cpuPercent").default(80).describe("Target average CPU utilisation. Defaults to 80."),
  })
  .strict();

/** Fields every app shares; the generic `service` entry exposes all of them. */
export const common = {
  replicas: count(0, "replicas").default(1).describe("Replicas (manual scaling: change it and deploy). Defaults to 1."),
  update: Update.default({ parallelism: 1, delay: "5s", order: "start-first" }).describe("Rolling update; failures roll back."),
  resources: Resources.default({}).describe("Limits and reservations."),
  placement: Placement.default({ labels: {}, role: "any" }).describe("Where tasks may run."),
};

export const Service = z
  .object({
    name: name().describe("Service name, unique among apps."),
    image: z.string().min(1).describe("Container image, e.g. traefik/whoami:v1.10."),
    command: z.array(z.string()).optional().describe("Overrides the image's command."),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), ConfigRef])).default({}).describe("Environment variables (literal or { config: key })."),
    secrets: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/), secret("A stack secret mounted as a file."))
      .default({})
      .describe("Files under /run/secrets/<name>, each from a stack secret (never environment variables)."),
    volumes: z.array(Volume).default([]).describe("Volumes."),
    routes: z.array(Route).default([]).describe("HTTP routes through Traefik."),
    ports: z.array(Port).default([]).describe("Ports published on the nodes, outside Traefik."),
    health: Health.optional().describe("Health check."),
    autoscale: Autoscale.optional().describe("Horizontal autoscaling on CPU (k3s only; Swarm has none)."),
    ...common,
  })
  .strict();

export type Service = z.infer<typeof Service>;
