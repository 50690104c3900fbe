import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { escapeControls } from "../load/text";

/**
 * Where a stack's kept volumes live and how recette reaches them: a Docker engine (Swarm, the
 * `docker` CLI, engine/backup/docker.ts) or a Kubernetes namespace (k3s, the `kubectl` CLI,
 * engine/backup/kube.ts). Backup and restore only speak to this interface: the copy, the
 * comparison, the archive and the swap are the same on both.
 */
export interface Site {
  /** What people read in messages: the engine, or the namespace and the kubeconfig. */
  readonly name: string;
  /** The stack's kept volumes (claims) of the given workloads, found by the labels recette gives them. */
  volumes(prefix: string, workloads: string[]): Promise<StackVolume[]>;
  /** Refuses when the copy reachable here is not the one the workloads use (a Swarm volume on another node). */
  checkPlacement(prefix: string, workloads: string[]): Promise<void>;
  /** The helper image can run here (on Docker: present, or pulled from its registry). */
  ensureImage(image: string): Promise<void>;
  /** A short-lived helper (container or pod) mounting the volumes, removed by removeHelper or its own time limit. */
  startHelper(a: HelperSpec): Promise<Helper>;
  /** Runs `argv` in the helper (no shell on this machine): rejects with the command and its stderr on failure. */
  exec(h: Helper, argv: string[], opts?: RunOptions): Promise<Run>;
  removeHelper(h: Helper): Promise<void>;
  /** Who else mounts the volume: containers or pods, with the service or Deployment they belong to. */
  volumeUsers(volume: string): Promise<VolumeUser[]>;
  /** The stack's services (Deployments) of a workload and their replicas. */
  workloadServices(prefix: string, workload: string): Promise<{ name: string; replicas: number }[]>;
  scale(service: string, replicas: number): Promise<void>;
}

export interface HelperSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  mounts: { volume: string; target: string; readOnly: boolean }[];
}

export interface Helper {
  site: Site;
  name: string;
}

export interface Run {
  stdout: Buffer;
  stderr: string;
}

/** What a command reads on stdin, and where its stdout goes (collected into Run.stdout when not given). */
export interface RunOptions {
  input?: string | Buffer | Readable;
  stdout?: Writable;
}

/**
 * Runs a CLI (docker, kubectl) with an argument list: nothing reaches a shell on this machine. Rejects
 * with the caller's error: `failed.start` when the program cannot start, `failed.exit` on a non-zero
 * exit with the last lines of its stderr (control characters escaped).
 */
export const runCli = (
  file: string,
  argv: string[],
  opts: RunOptions & { env?: NodeJS.ProcessEnv },
  failed: { start: (x: Error) => Error; exit: (code: number | null, stderr: string) => Error },
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    if (opts.stdout) child.stdout!.pipe(opts.stdout);
    else child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on("error", () => undefined); // the command's own exit status says what went wrong
      if (typeof opts.input === "string" || Buffer.isBuffer(opts.input)) child.stdin.end(opts.input);
      else opts.input.pipe(child.stdin);
    }
    child.on("error", (x) => reject(failed.start(x)));
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else reject(failed.exit(code, escapeControls(err.trim().split("\n").slice(-3).join(" | "))));
    });
  });

export interface StackVolume {
  /** The volume's (claim's) name. */
  name: string;
  /** The name without `<project>-<stack>-`: blog-data, traefik-acme. */
  logical: string;
  workload: string;
  recipe: string;
}

export interface VolumeUser {
  /** The container (pod) mounting the volume. */
  container: string;
  /** The Swarm service (Deployment) it belongs to, if any. */
  service?: string;
}

/** A backup or restore refused before (or instead of) changing anything; the message says what to do. */
export class Refused extends Error {}

/** The helper's own commands, run through its site. */
export const exec = (h: Helper, argv: string[], opts: RunOptions = {}) => h.site.exec(h, argv, opts);

/**
 * The stack's volumes found by their labels, keeping only names under the stack's prefix (a stray label cannot pull in
 * someone else's volume).
 */
export const ownVolumes = (
  prefix: string,
  workloads: string[],
  found: { name: string; labels: Record<string, string> | null | undefined }[],
): StackVolume[] =>
  found
    .map((v) => ({
      name: v.name,
      logical: v.name.slice(prefix.length + 1),
      workload: v.labels?.["recette.workload"] ?? "",
      recipe: v.labels?.["recette.recipe"] ?? "",
    }))
    .filter((v) => v.name.startsWith(`${prefix}-`) && workloads.includes(v.workload))
    .sort((a, b) => a.name.localeCompare(b.name));

/** How long a helper may live before it removes itself (a bounded sleep, or a pod's deadline). */
export const HELPER_SECONDS = 3 * 3600;
