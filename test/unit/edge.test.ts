import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appAnswered, awaitUrls, edgeEndpoint } from "../../engine/status/edge";

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

  it("an answer is the app's: not a server error, not Traefik's 404 for a host it has no route for", () => {
    expect([200, 302, 401, 403].map(appAnswered)).toEqual([true, true, true, true]);
    expect([0, 404, 502, 503, 504].map(appAnswered)).toEqual([false, false, false, false, false]);
  });
});

describe("waiting for a stack's URLs to answer through its edge", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-edge-"));
  let server: https.Server;
  let port = 0;
  /** What the edge answers per host: like Traefik, 404 until a route for the host exists. */
  const routes = new Map<string, number>();
  const seen: string[] = [];

  beforeAll(async () => {
    const made = spawnSync("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...[
        "-days",
        "1",
        "-subj",
        "/CN=edge.test",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    server = https.createServer(
      { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) },
      (req, res) => {
        seen.push(`${req.headers.host} ${req.url}`);
        res.writeHead(routes.get(String(req.headers.host)) ?? 404);
        res.end();
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("asks each URL's host and path at the edge's address, and waits until its route answers", async () => {
    routes.set("blog.example.test", 200);
    const lines: string[] = [];
    // The second host's route appears while it waits.
    setTimeout(() => routes.set("dash.example.test", 401), 300);
    const silent = await awaitUrls(
      [`https://blog.example.test:${port}/`, `https://dash.example.test:${port}/admin?x=1`],
      "127.0.0.1",
      10,
      (l) => lines.push(l),
    );
    expect(silent).toEqual([]);
    expect(seen).toContain("blog.example.test /");
    expect(seen).toContain("dash.example.test /admin?x=1");
    expect(lines).toContain(`https://dash.example.test:${port}/admin?x=1 answers (HTTP 401) at 127.0.0.1:${port}`);
  });

  it("gives up after the limit, with the last answer of each URL that never answered", async () => {
    const silent = await awaitUrls([`https://nowhere.example.test:${port}/`], "127.0.0.1", 1, () => undefined);
    expect(silent).toEqual([{ url: `https://nowhere.example.test:${port}/`, last: "HTTP 404" }]);
    const closed = await awaitUrls(["https://blog.example.test:1/"], "127.0.0.1", 1, () => undefined);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.last).toMatch(/ECONNREFUSED/);
  });
});
