import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { stackPrefix } from "../../components/naming";
import type { StackSession } from "../stack/workspace";

/**
 * How recette reaches a deployed stack's orchestrator with the usual clients (docker, kubectl), as
 * argument lists: the Swarm manager's Docker endpoint and the kubeconfig come from the stack's
 * outputs (secrets: used, never printed), the ssh-agent from the session.
 */
export interface Orchestrator {
  kind: "swarm" | "k3s";
  /** The Pulumi project (Pulumi.yaml's name): physical names start with it. */
  project: string;
  /** The value of every object's `recette.stack` label (and the k3s namespace). */
  prefix: string;
  env: NodeJS.ProcessEnv;
  /** The command to run for the orchestrator's client, e.g. ["docker", "service", "ls"]. */
  client: "docker" | "kubectl";
  cleanup: () => void;
}

const secretString = (outputs: OutputMap, key: string): string | undefined => {
  const v: unknown = outputs[key]?.value;
  return typeof v === "string" && v ? v : undefined;
};

export const orchestratorOf = async (s: StackSession, outputs: OutputMap): Promise<Orchestrator> => {
  const project = (await s.workspace.projectSettings()).name;
  const prefix = stackPrefix({ project, stack: s.name, recipe: "" });
  const edge: unknown = outputs.edge?.value;
  const kind =
    typeof edge === "object" && edge !== null && "orchestrator" in edge && edge.orchestrator === "k3s"
      ? "k3s"
      : "swarm";
  const env: NodeJS.ProcessEnv = { ...process.env, ...s.env };
  if (kind === "swarm") {
    const host = secretString(outputs, "dockerHost");
    if (host) env.DOCKER_HOST = host;
    return { kind, project, prefix, env, client: "docker", cleanup: () => undefined };
  }
  const kubeconfig = secretString(outputs, "kubeconfig");
  if (!kubeconfig || env.KUBECONFIG) return { kind, project, prefix, env, client: "kubectl", cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-kube-"));
  env.KUBECONFIG = path.join(dir, "config");
  fs.writeFileSync(env.KUBECONFIG, kubeconfig, { mode: 0o600 });
  return {
    kind,
    project,
    prefix,
    env,
    client: "kubectl",
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

/** Runs the orchestrator's client; a missing client is said in our words. */
export const runClient = (
  o: Orchestrator,
  args: string[],
  timeoutMs = 60_000,
): { ok: boolean; stdout: string; message: string } => {
  const r = spawnSync(o.client, args, {
    env: o.env,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
    return {
      ok: false,
      stdout: "",
      message: `${o.client} is not installed (fix: install the ${o.client} client; recette runs it to read the stack)`,
    };
  return {
    ok: r.status === 0,
    stdout: r.stdout ?? "",
    message: (r.stderr ?? "").trim() || `${o.client} ${args[0]} exited ${r.status}`,
  };
};

/** Runs the orchestrator's client and answers its output; a failure throws, naming the command and why. */
export const mustRunClient = (o: Orchestrator, args: string[], timeoutMs = 60_000): string => {
  const r = runClient(o, args, timeoutMs);
  if (!r.ok) throw new Error(`${o.client} ${args.join(" ")}: ${r.message}`);
  return r.stdout;
};
