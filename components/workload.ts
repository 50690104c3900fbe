import type * as pulumi from "@pulumi/pulumi";

/**
 * An orchestrator-neutral description of a service: written once, run by swarm.Target (Docker
 * services) or k3s.Target (Kubernetes objects). Traefik, PluXml and OpenSMTPD are Workloads.
 */
export interface Workload {
  /** Logical name (blog, relay, traefik); physical names derive from it through naming.ts. */
  name: string;
  image: string;
  /** Replaces the image's entrypoint arguments (Docker `args`, Kubernetes `args`). */
  args?: string[];
  env: Record<string, pulumi.Input<string>>;
  /** Secret files mounted at /run/secrets/<name> (Docker secret, Kubernetes Secret). */
  secrets: WorkloadFile[];
  /** Configuration files (Swarm config, Kubernetes ConfigMap); render writes them to files/<workload>/. */
  files: WorkloadFile[];
  volumes: WorkloadVolume[];
  /** HTTP routes through the edge router. */
  routes: WorkloadRoute[];
  /** Ports published on the nodes, outside the edge router. */
  published: WorkloadPort[];
  /** Ports other services of the stack reach (service discovery by the workload's name). */
  ports: number[];
  health?: WorkloadHealth;
  replicas: number;
  update: { parallelism: number; delay: string; order: "start-first" | "stop-first" };
  resources: { cpus?: number; memoryMiB?: number; reserveMemoryMiB?: number };
  placement: { labels: Record<string, string>; role: "manager" | "worker" | "any" };
  autoscale?: { min: number; max: number; cpuPercent: number };
  /** Extra DNS names for this workload on the stack network (local ACME: the blog's host resolves to Traefik). */
  aliases: string[];
  /** The edge router reads the orchestrator's API (Swarm: the Docker socket on a manager; k8s: RBAC). */
  readsOrchestrator: boolean;
  /** Keep clients' source addresses on published ports (host-mode publishing; externalTrafficPolicy Local). */
  preserveClientIp: boolean;
}

export interface WorkloadFile {
  /** File name, e.g. traefik.yml. */
  name: string;
  /** Absolute path in the container. */
  path: string;
  content: pulumi.Input<string>;
  /** Octal permission bits, e.g. 0o400 for credentials. Defaults to 0o444. */
  mode?: number;
}

export interface WorkloadVolume {
  name: string;
  path: string;
  sizeMiB: number;
  /** Data must survive: protected and retained on delete on production stacks. */
  keep: boolean;
}

export interface WorkloadRoute {
  host: string;
  path: string;
  port: number;
}

export interface WorkloadPort {
  published: number;
  target: number;
  protocol: "tcp" | "udp";
}

export interface WorkloadHealth {
  http?: { path: string; port: number };
  command?: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

/** Defaults every workload starts from; callers spread their fields over it. */
export const workloadDefaults = (): Omit<Workload, "name" | "image"> => ({
  env: {},
  secrets: [],
  files: [],
  volumes: [],
  routes: [],
  published: [],
  ports: [],
  replicas: 1,
  update: { parallelism: 1, delay: "5s", order: "start-first" },
  resources: {},
  placement: { labels: {}, role: "any" },
  aliases: [],
  readsOrchestrator: false,
  preserveClientIp: false,
});

/** Where workloads run: implemented by swarm.Target and k3s.Target. */
export interface WorkloadTarget {
  readonly kind: "swarm" | "k3s";
  /** Creates the workload's resources as children of `parent`. */
  deploy(workload: Workload, parent: pulumi.Resource): DeployedWorkload;
  /** The Traefik `providers` section that discovers routes on this orchestrator. */
  traefikProviders(): Record<string, unknown>;
  /** CIDRs of the stack's own network (the relay accepts mail only from there). */
  networkCidrs(): string[];
  /** The DNS name other workloads of the stack use to reach `logical`. */
  serviceHost(logical: string): string;
}

export interface DeployedWorkload {
  /** Physical name of the Docker service or Kubernetes Deployment. */
  name: pulumi.Output<string>;
  /** The image reference the service or Deployment runs (at its digest when the target pins one). */
  image: pulumi.Input<string>;
  resources: pulumi.Resource[];
}

/** Duration strings (10s, 500ms, 1m) to seconds, for Kubernetes probes. */
export const durationSeconds = (d: string): number => {
  const n = Number.parseInt(d, 10);
  if (d.endsWith("ms")) return Math.max(1, Math.ceil(n / 1000));
  if (d.endsWith("m")) return n * 60;
  if (d.endsWith("h")) return n * 3600;
  return n;
};
