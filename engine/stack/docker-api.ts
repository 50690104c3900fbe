import { spawnSync } from "node:child_process";
import * as http from "node:http";

/**
 * The TypeScript twin of scripts/docker-env.sh: the machines we test on carry a newer Docker CLI than
 * their engine (API 1.50 vs 1.41). The CLI negotiates; Pulumi's Docker provider may not, so an engine
 * run on the local socket gets DOCKER_API_VERSION pinned to the daemon's API when the client is newer.
 */
export const isNewerApi = (a: string, b: string): boolean => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(x!.length, y!.length); i++) {
    const d = (x![i] ?? 0) - (y![i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
};

const daemonApi = (socketPath: string): Promise<string | undefined> =>
  new Promise((resolve) => {
    const req = http.get({ socketPath, path: "/version", timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(/"ApiVersion":"([0-9.]+)"/.exec(body)?.[1]));
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
  });

/** `{ DOCKER_API_VERSION }` when the local Docker client speaks a newer API than the daemon, else `{}`. */
export const dockerApiPin = async (env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> => {
  if (env.DOCKER_API_VERSION) return {};
  const host = env.DOCKER_HOST ?? "";
  if (host && !host.startsWith("unix://")) return {};
  const client = spawnSync("docker", ["version", "--format", "{{.Client.DefaultAPIVersion}}"], {
    encoding: "utf8",
    env: { ...env, DOCKER_API_VERSION: "" },
  });
  const clientApi = /^[0-9.]+/.exec((client.stdout ?? "").trim())?.[0];
  const server = await daemonApi(host ? host.slice("unix://".length) : "/var/run/docker.sock");
  return clientApi && server && isNewerApi(clientApi, server) ? { DOCKER_API_VERSION: server } : {};
};
