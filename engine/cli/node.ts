import { spawnSync } from "node:child_process";
import { escapeControls } from "../load/text";
import { describePlan, planNode, type SwarmNode } from "../node/plan";
import {
  activateNode,
  drainNode,
  readNodes,
  runOnNode,
  servicesOn,
  sshArgs,
  waitReady,
  waitUntil,
  type SshTarget,
} from "../node/swarm";
import type { Recipe } from "../schema";
import { orchestratorOf, runClient, type Orchestrator } from "../status/orchestrator";
import { parseStackArgs, progressOf, STACK_OPTION, withStack, type StackIo, type StackOptions } from "./stack-command";

export const ACTIONS = ["drain", "activate", "maintain"] as const;
export type NodeAction = (typeof ACTIONS)[number];

export const usage =
  "recette node drain|activate|maintain -s <stack> <node> [--accept-downtime] [-- <command>...]   " +
  "e.g. recette node maintain -s prod worker-1 -- apt-get -y upgrade";

export interface NodeOptions extends StackOptions {
  action: NodeAction;
  node: string;
  acceptDowntime: boolean;
  /** maintain: the command to run on the node, an argument list. */
  command: string[];
}

/** A node as the recipe or Swarm names it: a host name, or a node ID. */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The argument list's problems, in the CLI's words (exit 2), or the options. */
export const parseNodeArgs = (
  values: { stack?: string; "accept-downtime"?: boolean },
  positionals: string[],
): { ok: true; opts: NodeOptions } | { ok: false; message: string } => {
  const [action, node, ...command] = positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action))
    return {
      ok: false,
      message: `${action === undefined ? "which action?" : `unknown action ${JSON.stringify(action)}`} (one of ${ACTIONS.join(", ")})`,
    };
  if (!node)
    return { ok: false, message: "which node? (its name in the recipe, e.g. worker-1, or its Swarm host name)" };
  if (!NODE_NAME.test(node)) return { ok: false, message: `${JSON.stringify(node)} is not a node name` };
  if (action === "maintain" && command.length === 0)
    return { ok: false, message: "maintain runs a command on the node: give it after --, e.g. -- apt-get -y upgrade" };
  if (action !== "maintain" && command.length > 0)
    return {
      ok: false,
      message: `${action} runs no command (only maintain does): ${JSON.stringify(command.join(" "))}`,
    };
  return {
    ok: true,
    opts: {
      stack: values.stack!,
      action: action as NodeAction,
      node,
      acceptDowntime: values["accept-downtime"] === true,
      command,
    },
  };
};

/** The recipe's host of that name, and how SSH reaches it. */
const recipeHost = (recipe: Recipe | undefined, name: string): SshTarget | undefined => {
  if (recipe?.nodes.provider !== "hosts") return undefined;
  const h = recipe.nodes.hosts.find((x) => x.name === name);
  return h ? { address: h.address, user: h.user, port: h.port } : undefined;
};

/**
 * The Swarm node `name` means: its host name or ID in the swarm, else the recipe's host of that name,
 * asked over SSH which node it is (as the join step does).
 */
const findNode = (nodes: SwarmNode[], name: string, target: SshTarget | undefined, o: Orchestrator): SwarmNode => {
  const direct = nodes.find((n) => n.hostname === name || n.id === name);
  if (direct) return direct;
  if (!target) {
    const known = nodes.map((n) => n.hostname).join(", ");
    throw new Error(`the swarm has no node ${JSON.stringify(name)} (its nodes: ${known})`);
  }
  const r = spawnSync("ssh", sshArgs(target, ["docker", "info", "--format", "{{.Swarm.NodeID}}"]), {
    env: o.env,
    encoding: "utf8",
    timeout: 60_000,
  });
  const id = (r.stdout ?? "").trim();
  const node = nodes.find((n) => n.id === id);
  if (r.status !== 0 || !node)
    throw new Error(
      `host ${name} (${target.user}@${target.address}:${target.port}) did not say which Swarm node it is ` +
        `(${(r.stderr ?? "").trim().split("\n").pop() || `node id ${JSON.stringify(id)}`})`,
    );
  return node;
};

/** The replicated start-first services a node's return should spread again: the stack's, with tasks elsewhere. */
const rebalanceable = (o: Orchestrator): string[] => {
  const r = runClient(o, [
    "service",
    "ls",
    "--filter",
    `label=recette.stack=${o.prefix}`,
    "--format",
    "{{.Name}} {{.Mode}} {{.Replicas}}",
  ]);
  if (!r.ok) return [];
  const names = r.stdout
    .split("\n")
    .map((l) => l.split(" "))
    .filter(([, mode, replicas]) => mode === "replicated" && Number(/\/(\d+)/.exec(replicas ?? "")?.[1]) >= 2)
    .map(([name]) => name!);
  if (names.length === 0) return [];
  const orders = runClient(o, [
    "service",
    "inspect",
    "--format",
    "{{.Spec.Name}} {{.Spec.UpdateConfig.Order}}",
    ...names,
  ]);
  return orders.stdout
    .split("\n")
    .map((l) => l.split(" "))
    .filter(([, order]) => order === "start-first")
    .map(([name]) => name!);
};

/**
 * Exit 0 done; 1 refused (downtime without --accept-downtime, a node that is not in the swarm, a
 * Kubernetes stack) or failed (the node is left as the message says); 2 usage.
 */
export const node = async (opts: NodeOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  const t0 = Date.now();
  return withStack("node", { ...opts, agent: true }, io, live, async (s) => {
    const o = await orchestratorOf(s, await s.stack.outputs());
    try {
      if (o.kind !== "swarm") {
        live.stop();
        io.err(
          `recette node: stack ${opts.stack} runs on Kubernetes: use kubectl drain|uncordon <node> ` +
            "(recette writes a PodDisruptionBudget for each replicated Deployment, so a drain evicts one pod at a time); " +
            "recette node drives Swarm nodes",
        );
        return 1;
      }
      const target = recipeHost(s.recipe, opts.node);
      const nodes = readNodes(o);
      const n = findNode(nodes, opts.node, target, o);
      if (opts.action === "activate") {
        await activateNode(o, n, rebalanceable(o), live.say);
        live.stop();
        io.out(`${n.hostname}: active, the stack's replicated services spread again`);
        return 0;
      }
      if (opts.action === "maintain" && !target) {
        live.stop();
        io.err(
          `recette node: maintain runs the command over SSH on a host of the recipe (nodes.provider: hosts); ` +
            `${JSON.stringify(opts.node)} is not one of stack ${opts.stack}'s hosts`,
        );
        return 1;
      }
      const plan = planNode(n, nodes, servicesOn(o, n));
      live.stop();
      for (const line of describePlan(plan)) io.err(`${n.hostname}: ${line}`);
      if (plan.downtime.length > 0 && !opts.acceptDowntime) {
        io.err(
          `recette node: ${plan.downtime.map((d) => d.service).join(", ")} would be unavailable (above); nothing was ` +
            `changed. Accept it with --accept-downtime, or add replicas elsewhere first`,
        );
        return 1;
      }
      const go = progressOf(io);
      try {
        await drainNode(o, plan, go.say);
        if (opts.action === "drain") {
          go.stop();
          io.out(
            `${n.hostname}: drained in ${((Date.now() - t0) / 1000).toFixed(1)} s (recette node activate -s ${opts.stack} ${opts.node} brings it back)`,
          );
          return 0;
        }
        go.say(`${n.hostname}: running ${opts.command.join(" ")}`);
        go.stop();
        const code = await runOnNode(target!, opts.command, o.env);
        if (code !== 0) {
          io.err(
            `recette node: the command exited ${code} on ${opts.node}; the node stays drained. Fix it, then: ` +
              `recette node activate -s ${opts.stack} ${opts.node}`,
          );
          return 1;
        }
        const back = progressOf(io);
        back.say(`${n.hostname}: waiting until the swarm reports it ready`);
        await waitReady(o, n);
        await activateNode(
          o,
          n,
          plan.moves.map((m) => m.service),
          back.say,
        );
        for (const d of plan.downtime)
          await waitUntil(
            `${d.service} running again`,
            () => {
              const r = runClient(o, [
                "service",
                "ps",
                d.service,
                "--filter",
                "desired-state=running",
                "--format",
                "{{.CurrentState}}",
              ]);
              return r.stdout.split("\n").some((l) => l.startsWith("Running"))
                ? { done: true }
                : { seen: r.stdout.trim() || r.message };
            },
            300,
          );
        back.stop();
        io.out(`${n.hostname}: maintained in ${((Date.now() - t0) / 1000).toFixed(1)} s, active again`);
        return 0;
      } catch (e) {
        go.stop();
        io.err(
          `recette node: ${escapeControls((e as Error).message)}; ${n.hostname} may be left paused or drained: ` +
            `recette node activate -s ${opts.stack} ${opts.node} brings it back`,
        );
        return 1;
      }
    } finally {
      o.cleanup();
    }
  });
};

export const nodeCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("node", usage, args, { ...STACK_OPTION, "accept-downtime": { type: "boolean" } }, io, true);
  if (!p.ok) return p.code;
  const parsed = parseNodeArgs(p.values, p.positionals);
  if (!parsed.ok) {
    io.err(`recette node: ${escapeControls(parsed.message)}\nusage: ${usage}`);
    return 2;
  }
  return node(parsed.opts, io);
};
