import * as https from "node:https";
import type * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appAnswered, awaitUrls, edgeAddresses, edgeEndpoint } from "../../engine/status/edge";
import { selfSignedCertificate } from "../self-signed";

describe("where a stack's Traefik answers (recette up, status, drill, env)", () => {
  const local = (kind: string) => ({ nodes: { provider: "local" }, orchestrator: { kind } });
  const nodes = {
    nodes: {
      value: { w: { role: "worker", publicAddress: "192.0.2.2" }, m: { role: "manager", publicAddress: "192.0.2.1" } },
      secret: false,
    },
  };

  it("this machine for a local Swarm stack, the local cluster's node for a local k3s stack, else the manager", () => {
    expect(edgeEndpoint(local("swarm"), nodes)).toEqual({ address: "127.0.0.1", port: 443 });
    expect(edgeEndpoint({ ...local("k3s"), edge: { traefik: { ports: { https: 8443 } } } }, {})).toEqual({
      address: process.env.RECETTE_K8S_NODE_IP || "10.41.0.1",
      port: 8443,
    });
    const remote = { nodes: { provider: "scaleway" }, orchestrator: { kind: "swarm" } };
    expect(edgeEndpoint(remote, nodes)).toEqual({ address: "192.0.2.1", port: 443 });
    expect(edgeEndpoint(remote, {})).toBeUndefined();
  });

  it("an answer is the app's: not a server error, not Traefik's own 404 for a host it has no route for", () => {
    expect([200, 302, 401, 403, 404].map((s) => appAnswered(s, "<html>not here</html>"))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([0, 502, 503, 504].map((s) => appAnswered(s, ""))).toEqual([false, false, false, false]);
    expect(appAnswered(404, "404 page not found\n")).toBe(false);
  });

  it("every node of a remote stack, managers (and k3s servers) first: Traefik answers where it runs", () => {
    const remote = { nodes: { provider: "hosts" }, orchestrator: { kind: "k3s" } };
    const three = {
      nodes: {
        value: {
          a: { role: "agent", publicAddress: "192.0.2.3" },
          s: { role: "server", publicAddress: "192.0.2.1" },
          b: { role: "agent", publicAddress: "192.0.2.2" },
        },
        secret: false,
      },
    };
    expect(edgeAddresses(remote, three)).toEqual({ addresses: ["192.0.2.1", "192.0.2.3", "192.0.2.2"], port: 443 });
  });
});

describe("waiting for a stack's URLs to answer through its edge", () => {
  let server: https.Server;
  let port = 0;
  /** What the edge answers per host: like Traefik, 404 until a route for the host exists. */
  const routes = new Map<string, number>();
  const seen: string[] = [];

  beforeAll(async () => {
    server = https.createServer(selfSignedCertificate("/CN=edge.test", 1), (req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      const status = routes.get(String(req.headers.host));
      if (status === undefined) {
        // Traefik's own answer for a host it has no router for.
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("404 page not found\n");
      } else if (status === -1) {
        // An endless answer, a byte a second: the wait must not hang on it.
        res.writeHead(404);
        const tick = setInterval(() => res.write("."), 1000);
        res.on("close", () => clearInterval(tick));
      } else {
        res.writeHead(status);
        res.end(status === 404 ? "no such page in this app" : "");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it("asks each URL's host and path at the edge's address, and waits until its route answers", async () => {
    routes.set("blog.example.test", 200);
    const lines: string[] = [];
    // The second host's route appears while it waits.
    setTimeout(() => routes.set("dash.example.test", 401), 300);
    const silent = await awaitUrls(
      [`https://blog.example.test:${port}/`, `https://dash.example.test:${port}/admin?x=1`],
      ["127.0.0.1"],
      10,
      (l) => lines.push(l),
    );
    expect(silent).toEqual([]);
    expect(seen).toContain("blog.example.test /");
    expect(seen).toContain("dash.example.test /admin?x=1");
    expect(lines).toContain(`https://dash.example.test:${port}/admin?x=1 answers (HTTP 401) at 127.0.0.1:${port}`);
  });

  it("an app's own 404 is an answer; a body that never ends does not hold the wait past its limit", async () => {
    routes.set("api.example.test", 404);
    expect(await awaitUrls([`https://api.example.test:${port}/api`], ["127.0.0.1"], 5, () => undefined)).toEqual([]);
    routes.set("slow.example.test", -1);
    const t0 = Date.now();
    const silent = await awaitUrls([`https://slow.example.test:${port}/`], ["127.0.0.1"], 2, () => undefined);
    expect(silent).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it("the limit is for all the URLs together, and any of the addresses may answer", async () => {
    const t0 = Date.now();
    const urls = ["a", "b", "c", "d"].map((h) => `https://${h}.nowhere.example.test:${port}/`);
    expect(await awaitUrls(urls, ["127.0.0.1"], 2, () => undefined)).toHaveLength(4);
    expect(Date.now() - t0).toBeLessThan(4000);
    // The first address refuses (nothing listens on 127.0.0.2's port), the second answers.
    const lines: string[] = [];
    expect(
      await awaitUrls([`https://blog.example.test:${port}/`], ["127.0.0.2", "127.0.0.1"], 5, (l) => lines.push(l)),
    ).toEqual([]);
    expect(lines.at(-1)).toBe(`https://blog.example.test:${port}/ answers (HTTP 200) at 127.0.0.1:${port}`);
  });

  it("gives up after the limit, with the last answer of each URL that never answered", async () => {
    const silent = await awaitUrls([`https://nowhere.example.test:${port}/`], ["127.0.0.1"], 1, () => undefined);
    expect(silent).toEqual([
      { url: `https://nowhere.example.test:${port}/`, last: "HTTP 404 from Traefik: no route for this host yet" },
    ]);
    const closed = await awaitUrls(["https://blog.example.test:1/"], ["127.0.0.1"], 1, () => undefined);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.last).toMatch(/ECONNREFUSED/);
  });
});
