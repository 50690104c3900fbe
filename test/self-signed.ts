import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A self-signed certificate (P-256 key, made by openssl) for a test's TLS server: the key and certificate as PEM.
 * The files are made in a temporary folder and removed once read. Throws with openssl's message when it fails.
 */
export const selfSignedCertificate = (subject: string, days: number): { key: Buffer; cert: Buffer } => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-cert-"));
  try {
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    const made = spawnSync("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-days", String(days), "-subj", subject, "-keyout", key, "-out", cert],
    ]);
    if (made.status !== 0) throw new Error(`openssl req -x509 failed (${made.status}): ${String(made.stderr)}`);
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
