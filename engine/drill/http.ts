import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP(S) request to loopback (or to `opts.address`: a node's address), with the Host and SNI a browser
 * would send for `host`, so a name without DNS yet (drill.blog.example.org) reaches the edge that routes it.
 * The certificate is not verified here: staging and test CAs are not trusted roots, and what is checked
 * through it is the blog's answer (callers that care read the certificate separately).
 */
export const request = (
  scheme: "http" | "https",
  host: string,
  port: number,
  urlPath: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; address?: string; timeoutMs?: number } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const lib = scheme === "https" ? https : http;
    const req = lib.request(
      {
        host: opts.address ?? "127.0.0.1",
        port,
        path: urlPath,
        method: opts.method ?? "GET",
        headers: { Host: host, ...(opts.headers ?? {}) },
        servername: host,
        rejectUnauthorized: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    if (opts.body) req.write(opts.body);
    req.end();
  });

/** The certificate served for `host` on a loopback port (or on `address`), unverified, for its issuer and names. */
export const peerCertificate = (
  host: string,
  port: number,
  address = "127.0.0.1",
  timeoutMs = 10_000,
): Promise<tls.PeerCertificate> =>
  new Promise((resolve, reject) => {
    const socket = tls.connect({ host: address, port, servername: host, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    // A handshake that never ends must not hold the caller (recette drill removes its stack after).
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no TLS handshake from ${address}:${port} in ${timeoutMs} ms`)),
    );
    socket.on("error", reject);
  });
