import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A throwaway Kubernetes API server (Debian's etcd + the kube-apiserver scripts/ensure-kubernetes
 * builds) on loopback, for tests that need the API's own answer and no node: server-side dry-run.
 * Authentication is a static token of a system:masters user; the serving certificate is the one the
 * apiserver generates for itself.
 */
export interface ApiServer {
  kubeconfig: string;
  /** Runs kubectl against this server; never throws, returns its exit status and output. */
  kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = net.createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => ok(port));
    });
  });

const logTail = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(-30).join("\n") : "(no log)";

export const startApiServer = async (
  bins: { etcd: string; apiserver: string; kubectl: string },
  timeoutMs = 90_000,
): Promise<ApiServer> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-apiserver-"));
  const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const run = (name: string, cmd: string, args: string[]) => {
    const log = fs.openSync(path.join(dir, `${name}.log`), "a");
    const child = spawn(cmd, args, { stdio: ["ignore", log, log] });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((ok) => c.once("exit", ok));
      c.kill("SIGTERM");
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    run("etcd", bins.etcd, [
      "--name=dryrun",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${client}`,
      `--advertise-client-urls=http://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=dryrun=http://127.0.0.1:${peer}`,
    ]);
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},recette-test,recette-test,"system:masters"\n`, {
      mode: 0o600,
    });
    run("kube-apiserver", bins.apiserver, [
      `--etcd-servers=http://127.0.0.1:${client}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${secure}`,
      `--cert-dir=${path.join(dir, "certs")}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${path.join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.43.0.0/16",
      "--authorization-mode=RBAC",
      "--profiling=false",
    ]);
    const kubeconfig = path.join(dir, "kubeconfig");
    const write = () =>
      fs.writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [
            {
              name: "dryrun",
              cluster: {
                server: `https://127.0.0.1:${secure}`,
                "certificate-authority": path.join(dir, "certs", "apiserver.crt"),
              },
            },
          ],
          users: [{ name: "dryrun", user: { token } }],
          contexts: [{ name: "dryrun", context: { cluster: "dryrun", user: "dryrun" } }],
          "current-context": "dryrun",
        }),
        { mode: 0o600 },
      );
    const kubectl = (args: string[], input?: string) => {
      const r = spawnSync(bins.kubectl, ["--kubeconfig", kubeconfig, ...args], {
        input,
        encoding: "utf8",
        timeout: 60_000,
      });
      return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (fs.existsSync(path.join(dir, "certs", "apiserver.crt"))) {
        write();
        if (kubectl(["get", "--raw", "/readyz"]).status === 0) break;
      }
      if (children.some((c) => c.exitCode !== null))
        throw new Error(
          "etcd or kube-apiserver " +
            `exited:\n${logTail(path.join(dir, "etcd.log"))}\n${logTail(path.join(dir, "kube-apiserver.log"))}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `kube-apiserver not ready after ${timeoutMs / 1000}s:\n${logTail(path.join(dir, "kube-apiserver.log"))}`,
        );
      await new Promise((ok) => setTimeout(ok, 500));
    }
    return { kubeconfig, kubectl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
};
