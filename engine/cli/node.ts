import { spawnSync } from "node:child_process";
import { escapeControls } from "../load/text";
import { activateK8sNode, deploymentsOn, drainK8sNode, readK8sNodes, waitAvailable, waitK8sReady } from "../node/k8s";
import { describePlan, planNode, type NodePlan, type ServiceFacts, type SwarmNode } from "../node/plan";
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

/** A node as the recipe or the cluster names it: a host name, or a node ID. */
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
      message:
        `${action === undefined ? "which action?" : `unknown action ${JSON.stringify(action)}`} ` +
        `(one of ${ACTIONS.join(", ")})`,
    };
  if (!node) return { ok: false, message: "which node? (its name in the recipe, e.g. worker-1, or in the cluster)" };
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
 * The node `name` means: its name or ID in the cluster, else the recipe's host of that name, asked over
 * SSH which node it is: on Swarm its node ID (as the join step asks), on Kubernetes its host name (the
 * node's name by default).
 */
const findNode = (nodes: SwarmNode[], name: string, target: SshTarget | undefined, o: Orchestrator): SwarmNode => {
  const direct = nodes.find((n) => n.hostname === name || n.id === name);
  if (direct) return direct;
  if (!target) {
    const known = nodes.map((n) => n.hostname).join(", ");
    throw new Error(`the cluster has no node ${JSON.stringify(name)} (its nodes: ${known})`);
  }
  const probe = o.kind === "swarm" ? ["docker", "info", "--format", "{{.Swarm.NodeID}}"] : ["hostname"];
  const r = spawnSync("ssh", sshArgs(target, probe), { env: o.env, encoding: "utf8", timeout: 60_000 });
  const said = (r.stdout ?? "").trim();
  const node = nodes.find((n) => n.id === said);
  if (r.status !== 0 || !node)
    throw new Error(
      `host ${name} (${target.user}@${target.address}:${target.port}) did not say which node it is ` +
        `(${(r.stderr ?? "").trim().split("\n").pop() || `${probe.join(" ")}: ${JSON.stringify(said)}`})`,
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

/** What `recette node` does on one orchestrator: Swarm with the docker client, Kubernetes with kubectl. */
interface NodeDriver {
  nodes: () => SwarmNode[];
  onNode: (n: SwarmNode) => ServiceFacts[];
  drain: (plan: NodePlan, say: (l: string) => void) => Promise<void>;
  ready: (n: SwarmNode) => Promise<void>;
  activate: (n: SwarmNode, rebalance: string[], say: (l: string) => void) => Promise<void>;
  /** The replicated services a node's return should spread again, when no plan says which. */
  rebalanceable: () => string[];
  /** Waits until a service that was down meanwhile serves again. */
  back: (service: string) => Promise<void>;
}

const swarmDriver = (o: Orchestrator): NodeDriver => ({
  nodes: () => readNodes(o),
  onNode: (n) => servicesOn(o, n),
  drain: (plan, say) => drainNode(o, plan, say),
  ready: (n) => waitReady(o, n),
  activate: (n, rebalance, say) => activateNode(o, n, rebalance, say),
  rebalanceable: () => rebalanceable(o),
  back: async (service) => {
    await waitUntil(
      `${service} running again`,
      () => {
        const r = runClient(o, [
          "service",
          "ps",
          service,
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
  },
});

const k8sDriver = (o: Orchestrator): NodeDriver => ({
  nodes: () => readK8sNodes(o),
  onNode: (n) => deploymentsOn(o, n),
  drain: (plan, say) => drainK8sNode(o, plan, say),
  ready: (n) => waitK8sReady(o, n),
  activate: (n, rebalance, say) => activateK8sNode(o, n, rebalance, say),
  rebalanceable: () => [],
  back: (service) => waitAvailable(o, service),
});

/**
 * Exit 0 done; 1 refused (downtime without --accept-downtime, a node that is not in the cluster, a
 * command for a node the recipe cannot reach over SSH) or failed (the node is left as the message
 * says); 2 usage.
 */
export const node = async (opts: NodeOptions, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  return withStack("node", { ...opts, agent: true }, io, live, async (s) => {
    const o = await orchestratorOf(s, await s.stack.outputs());
    try {
      const driver = o.kind === "swarm" ? swarmDriver(o) : k8sDriver(o);
      const target = recipeHost(s.recipe, opts.node);
      const nodes = driver.nodes();
      const n = findNode(nodes, opts.node, target, o);
      const bringBack = `recette node activate -s ${opts.stack} ${opts.node}`;
      if (opts.action === "activate") {
        await driver.activate(n, driver.rebalanceable(), live.say);
        live.stop();
        io.out(`${n.hostname}: active again in ${elapsed()}`);
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
      const plan = planNode(n, nodes, driver.onNode(n));
      live.stop();
      for (const line of describePlan(plan, o.kind)) io.err(`${n.hostname}: ${line}`);
      if (plan.downtime.length > 0 && !opts.acceptDowntime) {
        io.err(
          `recette node: ${plan.downtime.map((d) => d.service).join(", ")} would be unavailable (above); nothing was ` +
            `changed. Accept it with --accept-downtime, or add replicas elsewhere first`,
        );
        return 1;
      }
      const go = progressOf(io);
      try {
        await driver.drain(plan, go.say);
        if (opts.action === "drain") {
          go.stop();
          io.out(`${n.hostname}: drained in ${elapsed()} (${bringBack} brings it back)`);
          return 0;
        }
        go.say(`${n.hostname}: running ${opts.command.join(" ")}`);
        go.stop();
        const code = await runOnNode(target!, opts.command, o.env);
        if (code !== 0) {
          io.err(
            `recette node: the command exited ${code} on ${opts.node}; ` +
              `the node stays drained. Fix it, then: ${bringBack}`,
          );
          return 1;
        }
        const back = progressOf(io);
        back.say(`${n.hostname}: waiting until the cluster reports it ready`);
        await driver.ready(n);
        await driver.activate(
          n,
          plan.moves.map((m) => m.service),
          back.say,
        );
        for (const d of plan.downtime) await driver.back(d.service);
        back.stop();
        io.out(`${n.hostname}: maintained in ${elapsed()}, active again`);
        return 0;
      } catch (e) {
        go.stop();
        io.err(
          `recette node: ${escapeControls((e as Error).message)}; ` +
            `${n.hostname} may be left paused or drained: ${bringBack}`,
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
