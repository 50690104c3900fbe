import * as net from "node:net";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeCertificate } from "../../engine/status/certificate";
import { selfSignedCertificate } from "../self-signed";

describe("the certificate the edge serves (recette status)", () => {
  let server: tls.Server;
  let port = 0;
  const names: string[] = [];

  beforeAll(async () => {
    const context = tls.createSecureContext(selfSignedCertificate("/CN=blog.example.test/O=Test CA Org", 30));
    // SNICallback sees the host name the client asked for, before the handshake ends.
    const sni = (name: string, done: (err: Error | null, ctx?: tls.SecureContext) => void) => {
      names.push(name);
      done(null, context);
    };
    server = tls.createServer({ SNICallback: sni, secureContext: context }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it("asks the edge's address with the URL's host name, and reports the issuer and the days left", async () => {
    const now = Date.now();
    const c = await edgeCertificate("https://blog.example.test/", "127.0.0.1", port, now);
    expect(names).toEqual(["blog.example.test"]);
    expect(c.issuer).toBe("blog.example.test, Test CA Org");
    expect(c.address).toBe(`127.0.0.1:${port}`);
    expect(c.daysLeft).toBe(29);
    expect(Date.parse(c.expires!)).toBeGreaterThan(now + 29 * 86_400_000);
    expect(c.error).toBeUndefined();
  });

  it("an edge that does not answer is reported, not thrown", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const free = (closed.address() as net.AddressInfo).port;
    closed.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await edgeCertificate("https://blog.example.test/", "127.0.0.1", free)).toEqual({
      url: "https://blog.example.test/",
      address: `127.0.0.1:${free}`,
      issuer: null,
      expires: null,
      daysLeft: null,
      error: "ECONNREFUSED",
    });
  });
});
