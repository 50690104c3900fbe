import { spawn } from "node:child_process";
import { physicalName } from "../../components/naming";
import { escapeControls } from "../load/text";
import { orchestratorOf, runClient, type Orchestrator } from "../status/orchestrator";
import { parseDeployments, parseServiceList } from "../status/workloads";
import { parseStackArgs, progressOf, STACK_OPTION, withStack, type StackIo, type StackOptions } from "./stack-command";

export const summary = "an app's logs (a Swarm service's or a Kubernetes Deployment's); -f follows them";
export const usage = "recette logs <app> -s <stack> [-f] [--tail <lines>]   e.g. recette logs blog -s local -f";

export interface LogsOptions extends StackOptions {
  app: string;
  follow: boolean;
  tail: number;
}

/** The client's arguments: `docker service logs` or `kubectl logs`, as an argument list. */
export const logsArgs = (
  kind: "swarm" | "k3s",
  namespace: string,
  workload: string,
  follow: boolean,
  tail: number,
): string[] =>
  kind === "swarm"
    ? ["service", "logs", "--timestamps", "--tail", String(tail), ...(follow ? ["--follow"] : []), workload]
    : [
        "logs",
        "-n",
        namespace,
        "--timestamps",
        "--tail",
        String(tail),
        "--all-containers",
        ...(follow ? ["--follow"] : []),
        `deployment/${workload}`,
      ];

const workloadNames = (o: Orchestrator): string[] | undefined => {
  const r =
    o.kind === "swarm"
      ? runClient(o, ["service", "ls", "--filter", `label=recette.stack=${o.prefix}`, "--format", "{{json .}}"])
      : runClient(o, ["get", "deployments", "-n", o.prefix, "-o", "json"]);
  if (!r.ok) return undefined;
  return (o.kind === "swarm" ? parseServiceList(r.stdout) : parseDeployments(r.stdout)).map((w) => w.name);
};

/** The app's names as a person types them: Swarm services carry the stack's prefix, Deployments may not. */
export const appNames = (names: string[], prefix: string): string[] =>
  names.map((n) => (n.startsWith(`${prefix}-`) ? n.slice(prefix.length + 1) : n));

/** The workload an app means: its physical name, else the name itself (the physical one when the list is unknown). */
export const pickWorkload = (names: string[] | undefined, physical: string, app: string): string | undefined =>
  names === undefined ? physical : [physical, app].find((n) => names.includes(n));

/** Exit: the client's (0 when the logs were shown); 1 no such app in the stack. */
export const logs = async (opts: LogsOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("logs", { ...opts, agent: true }, io, live, async (s) => {
    const o = await orchestratorOf(s, await s.stack.outputs());
    live.stop();
    try {
      const names = workloadNames(o);
      const physical = physicalName({ project: o.project, stack: s.name, recipe: "" }, opts.app);
      const workload = pickWorkload(names, physical, opts.app);
      if (!workload) {
        const apps = appNames(names ?? [], o.prefix).join(", ") || "none";
        io.err(
          `recette logs: stack ${s.name} has no app ${escapeControls(JSON.stringify(opts.app))} (its apps: ${apps})`,
        );
        return 1;
      }
      const child = spawn(o.client, logsArgs(o.kind, o.prefix, workload, opts.follow, opts.tail), {
        env: o.env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      return await new Promise<number>((resolve) => {
        child.on("error", () => resolve(1));
        child.on("close", (code) => resolve(code ?? 1));
      });
    } finally {
      o.cleanup();
    }
  });
};

export const logsCommand = async (args: string[], io: StackIo): Promise<number> => {
  const options = { ...STACK_OPTION, follow: { type: "boolean", short: "f" }, tail: { type: "string" } } as const;
  const p = parseStackArgs("logs", usage, args, options, io, true);
  if (!p.ok) return p.code;
  const tail = p.values.tail === undefined ? 200 : Number(p.values.tail);
  if (p.positionals.length !== 1 || !Number.isInteger(tail) || tail < 0) {
    const why =
      p.positionals.length !== 1 ? "name one app, e.g. blog" : "--tail takes a number of lines, e.g. --tail 50";
    io.err(`recette logs: ${why}\nusage: ${usage}`);
    return 2;
  }
  return logs({ stack: p.values.stack!, app: p.positionals[0]!, follow: p.values.follow === true, tail }, io);
};
