import type { OutputMap } from "@pulumi/pulumi/automation";
import { localClusterAddress } from "../../components/cluster-facts";
import { request } from "../drill/http";

/** What decides where a stack's Traefik answers: the recipe (or its model), as far as these fields go. */
export interface EdgeRecipe {
  nodes: { provider: string };
  orchestrator: { kind: string };
  edge?: { traefik?: { ports: { https: number } } } | undefined;
}

/**
 * Where visitors reach a stack's Traefik, and on which HTTPS port: this machine for a local Swarm stack, the
 * local Kubernetes cluster's node address for a local k3s stack (its LoadBalancer listens there, not on the
 * loopback address the node reports), else the first manager's public address from the stack's `nodes` output.
 * Undefined when the outputs name no node.
 */
export const edgeEndpoint = (
  recipe: EdgeRecipe | undefined,
  outputs: OutputMap,
): { address: string; port: number } | undefined => {
  const port = recipe?.edge?.traefik?.ports.https ?? 443;
  if (recipe?.nodes.provider === "local")
    return { address: recipe.orchestrator.kind === "k3s" ? localClusterAddress() : "127.0.0.1", port };
  return edgeAddress(outputs, port);
};

/** The first manager's public address (any node's when none is a manager) from a stack's `nodes` output. */
export const edgeAddress = (outputs: OutputMap, httpsPort: number): { address: string; port: number } | undefined => {
  const nodes: unknown = outputs.nodes?.value;
  if (typeof nodes !== "object" || nodes === null) return undefined;
  const all = Object.values(nodes).filter(
    (n): n is { role: string; publicAddress: string } => typeof n?.publicAddress === "string",
  );
  const manager = all.find((n) => n.role === "manager") ?? all[0];
  return manager ? { address: manager.publicAddress, port: httpsPort } : undefined;
};

/** Waits until `probe` answers true, or `limit` seconds passed; false then. */
export const until = async (limit: number, probe: () => Promise<boolean>, everyMs = 2000): Promise<boolean> => {
  const deadline = Date.now() + limit * 1000;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
};

/**
 * Whether an answer comes from the app: anything but a server error, or Traefik's 404 for a host it has no
 * router for yet (an app's own 401 or 403 counts: the dashboard's login, PluXml's protected files).
 */
export const appAnswered = (status: number): boolean => status > 0 && status < 500 && status !== 404;

/**
 * Waits until each URL answers through the edge at `address` (Host and SNI of the URL, its certificate not
 * verified: test and staging CAs are no trusted roots), at most `limit` seconds in all. Returns the URLs that
 * did not, each with the last answer seen.
 */
export const awaitUrls = async (
  urls: string[],
  address: string,
  limit: number,
  say: (line: string) => void,
): Promise<{ url: string; last: string }[]> => {
  const deadline = Date.now() + limit * 1000;
  const silent: { url: string; last: string }[] = [];
  for (const url of urls) {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : 443;
    let last = "no answer";
    say(`waiting for ${url} to answer`);
    const answered = await until(Math.max(1, (deadline - Date.now()) / 1000), async () => {
      try {
        const a = await request("https", u.hostname, port, `${u.pathname}${u.search}`, { address, timeoutMs: 5000 });
        last = `HTTP ${a.status}`;
        return appAnswered(a.status);
      } catch (e) {
        last = (e as Error).message;
        return false;
      }
    });
    if (answered) say(`${url} answers (${last}) at ${address}:${port}`);
    else silent.push({ url, last });
  }
  return silent;
};
