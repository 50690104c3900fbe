import * as https from "node:https";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { localClusterAddress } from "../../components/cluster-facts";

/** What decides where a stack's Traefik answers: the recipe (or its model), as far as these fields go. */
export interface EdgeRecipe {
  nodes: { provider: string };
  orchestrator: { kind: string };
  edge?: { traefik?: { ports: { https: number } } } | undefined;
}

/** The public addresses of a stack's nodes from its `nodes` output, managers (k3s servers) first. */
const nodeAddresses = (outputs: OutputMap): string[] => {
  const nodes: unknown = outputs.nodes?.value;
  if (typeof nodes !== "object" || nodes === null) return [];
  const all = Object.values(nodes).filter(
    (n): n is { role: string; publicAddress: string } => typeof n?.publicAddress === "string",
  );
  const first = (n: { role: string }) => (n.role === "manager" || n.role === "server" ? 0 : 1);
  return [...new Set([...all].sort((a, b) => first(a) - first(b)).map((n) => n.publicAddress))];
};

/**
 * Where visitors may reach a stack's Traefik, and on which HTTPS port: this machine for a local Swarm stack, the
 * local Kubernetes cluster's node address for a local k3s stack (its LoadBalancer listens there, not on the
 * loopback address the node reports), else every node's public address from the stack's `nodes` output,
 * managers first (Traefik publishes on the node it runs on). No address when the outputs name no node.
 */
export const edgeAddresses = (
  recipe: EdgeRecipe | undefined,
  outputs: OutputMap,
): { addresses: string[]; port: number } => {
  const port = recipe?.edge?.traefik?.ports.https ?? 443;
  if (recipe?.nodes.provider === "local")
    return { addresses: [recipe.orchestrator.kind === "k3s" ? localClusterAddress() : "127.0.0.1"], port };
  return { addresses: nodeAddresses(outputs), port };
};

/** The first of edgeAddresses: where status reads the certificate, and drill and env ask their checks. */
export const edgeEndpoint = (
  recipe: EdgeRecipe | undefined,
  outputs: OutputMap,
): { address: string; port: number } | undefined => {
  const e = edgeAddresses(recipe, outputs);
  return e.addresses[0] !== undefined ? { address: e.addresses[0], port: e.port } : undefined;
};

/** Waits until `probe` answers true, or `limit` seconds passed; false then. */
export const until = async (limit: number, probe: () => Promise<boolean>, everyMs = 2000): Promise<boolean> => {
  const deadline = Date.now() + limit * 1000;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
  return false;
};

/** The body Traefik answers for a host it has no router for (its own 404, not an app's). */
export const TRAEFIK_NOT_FOUND = "404 page not found";

/**
 * Whether an answer comes from the app: anything but a server error, or Traefik's own 404 for a host it has no
 * router for yet (an app's own 401, 403 or 404 counts: the dashboard's login, an /api prefix with nothing at its
 * root).
 */
export const appAnswered = (status: number, body: string): boolean =>
  status > 0 && status < 500 && !(status === 404 && body.startsWith(TRAEFIK_NOT_FOUND));

/**
 * One HTTPS request to the edge at `address` with the URL's Host and SNI (its certificate not verified: test and
 * staging CAs are no trusted roots): the status and at most the body's first bytes, within `ms` in all (a slow or
 * endless body never holds it longer).
 */
const probe = (url: URL, address: string, ms: number): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = https.request({
      host: address,
      port: url.port ? Number(url.port) : 443,
      path: `${url.pathname}${url.search}`,
      headers: { Host: url.hostname },
      servername: url.hostname,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${Math.round(ms / 100) / 10} s`)), ms);
    req.on("response", (res) => {
      let body = "";
      const done = () => {
        clearTimeout(timer);
        res.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      };
      if (res.statusCode !== 404) return done();
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
        if (body.length >= TRAEFIK_NOT_FOUND.length) done();
      });
      res.on("end", done);
      res.on("error", done);
    });
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });

/**
 * Waits until each URL answers through the edge at one of `addresses`, within `limit` seconds in all (each
 * request is cut at the time left). Returns the URLs that did not, each with the last answer seen.
 */
export const awaitUrls = async (
  urls: string[],
  addresses: string[],
  limit: number,
  say: (line: string) => void,
): Promise<{ url: string; last: string }[]> => {
  const deadline = Date.now() + limit * 1000;
  const silent: { url: string; last: string }[] = [];
  for (const url of urls) {
    const u = new URL(url);
    let last = "no answer";
    let at = "";
    say(`waiting for ${url} to answer`);
    const left = () => deadline - Date.now();
    const answered =
      left() > 0 &&
      (await until(left() / 1000, async () => {
        for (const address of addresses) {
          if (left() <= 0) return false;
          try {
            const a = await probe(u, address, Math.min(5000, left()));
            last =
              a.status === 404 && a.body.startsWith(TRAEFIK_NOT_FOUND)
                ? "HTTP 404 from Traefik: no route for this host yet"
                : `HTTP ${a.status}`;
            if (appAnswered(a.status, a.body)) {
              at = address;
              return true;
            }
          } catch (e) {
            last = (e as Error).message;
          }
        }
        return false;
      }));
    if (answered) say(`${url} answers (${last}) at ${at}:${u.port || 443}`);
    else silent.push({ url, last });
  }
  return silent;
};
