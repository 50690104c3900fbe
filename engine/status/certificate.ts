import * as tls from "node:tls";

export interface CertificateStatus {
  url: string;
  /** Where it was asked: the edge node's address and HTTPS port. */
  address: string;
  issuer: string | null;
  /** ISO 8601. */
  expires: string | null;
  daysLeft: number | null;
  error?: string;
}

/**
 * The certificate the edge serves for a URL, from a TLS handshake with the edge node itself (SNI set
 * to the URL's host): what a visitor gets, whatever DNS says and without reading Traefik's acme.json.
 * The chain is not verified on purpose: a test CA's (Pebble) or Traefik's default certificate must
 * be reported, not refused.
 */
export const edgeCertificate = (
  url: string,
  address: string,
  port: number,
  now = Date.now(),
  timeoutMs = 5000,
): Promise<CertificateStatus> =>
  new Promise((resolve) => {
    const host = new URL(url).hostname;
    const where = `${address}:${port}`;
    const socket = tls.connect(
      { host: address, port, servername: host, rejectUnauthorized: false, timeout: timeoutMs },
      () => {
        const c = socket.getPeerCertificate();
        socket.end();
        const expires = c.valid_to ? new Date(c.valid_to) : undefined;
        const issuer = [c.issuer?.CN, c.issuer?.O].filter((x) => typeof x === "string" && x).join(", ") || null;
        resolve({
          url,
          address: where,
          issuer,
          expires: expires ? expires.toISOString() : null,
          daysLeft: expires ? Math.floor((expires.getTime() - now) / 86_400_000) : null,
        });
      },
    );
    const fail = (why: string) => {
      socket.destroy();
      resolve({ url, address: where, issuer: null, expires: null, daysLeft: null, error: why });
    };
    socket.on("timeout", () => fail(`no TLS answer within ${timeoutMs / 1000}s`));
    socket.on("error", (e: NodeJS.ErrnoException) => fail(e.code ?? "TLS handshake failed"));
  });
