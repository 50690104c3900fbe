/**
 * `recette backup` / `restore` over SSH on a two-node Swarm, the production case: the blog's volume
 * lives on the worker that runs its task, the Swarm is managed on another node. Two real hosts
 * (network namespaces with their own sshd and dockerd, test/hosts/netns-hosts.ts, 10.252.2.0/24);
 * the docker CLI reaches them through `ssh` with a client configuration of the test's own (key,
 * known host keys, StrictHostKeyChecking), as a user's ~/.ssh/config would.
 * Needs recette/debian-base:bookworm (scripts/build-images). Creates only what it removes.
 *
 *   npx vitest run --config test/e2e/vitest.config.mts test/e2e/backup-ssh.e2e.test.ts
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetnsHosts, destroyNetnsHosts, type NetnsHostsSpec } from "../hosts/netns-hosts";
import { ROOT, sh } from "./helpers";

const IMAGE = "recette/debian-base:bookworm";
const STACK = "rbssh";
const PREFIX = `recette-${STACK}`;
const SERVICE = `${PREFIX}-blog`;
const VOLUMES = [`${PREFIX}-blog-data`, `${PREFIX}-traefik-acme`] as const;
const MANAGER = "10.252.2.2";
const WORKER = "10.252.2.3";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-backup-ssh-"));
const spec: NetnsHostsSpec = {
  hosts: [
    { ns: "recette-e2e-b1", address: MANAGER },
    { ns: "recette-e2e-b2", address: WORKER },
  ],
  bridge: "recette-bk",
  bridgeAddress: "10.252.2.1",
  veth: "recette-b",
  stateDir: path.join(dir, "hosts"),
  ruleComment: "recette-e2e-backup-ssh",
};
/** Each host's Docker socket as this machine sees it (createNetnsHosts says where). */
const sockets = new Map<string, string>();
const socket = (address: string) => `unix://${sockets.get(address)}`;

/** docker on one host's own daemon, straight through its socket (the test's side door, not SSH). */
const on = (address: string, ...args: string[]) => {
  const r = sh("docker", ["-H", socket(address), ...args]);
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")} on ${address}: ${r.output}`);
  return r.stdout;
};

/** recette with `ssh` resolved to a client that uses the test's key and known hosts only. */
const recette = (...args: string[]) =>
  sh(path.join(ROOT, "bin", "recette"), args, {
    env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}` },
  });

/**
 * Runs a script (its arguments as $1…) in a throw-away container holding the stack's volumes at /d (blog) and /a
 * (acme).
 */
const inVolumes = (address: string, script: string, ...args: string[]) =>
  on(
    address,
    "run",
    "--rm",
    "--network",
    "none",
    "-v",
    `${VOLUMES[0]}:/d`,
    "-v",
    `${VOLUMES[1]}:/a`,
    IMAGE,
    "bash",
    "-c",
    script,
    "bash",
    ...args,
  );

const snapshot = (address: string) =>
  inVolumes(
    address,
    "set -e; for v in /d /a; do cd $v; find . -printf '%y %m %U:%G %s %p -> %l\\n' | " +
      "LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; done",
  );

const createVolumes = (address: string, text: string) => {
  for (const [v, workload] of [
    [VOLUMES[0], "blog"],
    [VOLUMES[1], "traefik"],
  ] as const)
    on(
      address,
      "volume",
      "create",
      "--label",
      `recette.stack=${PREFIX}`,
      "--label",
      `recette.recipe=${STACK}`,
      "--label",
      "recette.keep=true",
      "--label",
      `recette.workload=${workload}`,
      v,
    );
  inVolumes(
    address,
    "set -e; mkdir -p /d/articles; printf '%s' \"$1\" > /d/articles/post.xml; " +
      "chown -R 33:33 /d; printf '{}' > /a/acme.json; chmod 0600 /a/acme.json",
    text,
  );
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await destroyNetnsHosts({ ...spec, stateDir: path.join(dir, "old") });
  const made = await createNetnsHosts(spec);
  for (const h of made.hosts) sockets.set(h.address, h.socket);
  // The client side: an ssh that trusts exactly these hosts' key, with the hosts' key pair.
  const hostKey = fs.readFileSync(path.join(spec.stateDir, "hostkey.pub"), "utf8").trim();
  fs.writeFileSync(path.join(dir, "known_hosts"), `${MANAGER},${WORKER} ${hostKey}\n`);
  fs.writeFileSync(
    path.join(dir, "ssh_config"),
    `Host ${MANAGER} ${WORKER}\n  User root\n  IdentityFile ${made.keyFile}\n  IdentitiesOnly yes\n` +
      `  UserKnownHostsFile ${path.join(dir, "known_hosts")}\n  StrictHostKeyChecking yes\n  BatchMode yes\n` +
      // One connection per host for the many docker commands, as an operator's ~/.ssh/config would have it.
      `  ControlMaster auto\n  ControlPath ${path.join(dir, "cm-%C")}\n  ControlPersist 30\n`,
  );
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(
    path.join(dir, "bin", "ssh"),
    `#!/bin/sh\nexec /usr/bin/ssh -F ${path.join(dir, "ssh_config")} "$@"\n`,
    { mode: 0o755 },
  );
  // The helper image on both nodes, as scripts/build-images --push puts it on every node.
  for (const h of [MANAGER, WORKER]) {
    const r = sh("bash", [
      "-c",
      'set -o pipefail; docker save "$1" | docker -H "$2" load -q',
      "bash",
      IMAGE,
      socket(h),
    ]);
    if (r.status !== 0) throw new Error(`loading ${IMAGE} on ${h}: ${r.output}`);
  }
  on(MANAGER, "swarm", "init", "--advertise-addr", MANAGER);
  const token = on(MANAGER, "swarm", "join-token", "--quiet", "worker").trim();
  on(WORKER, "swarm", "join", "--token", token, `${MANAGER}:2377`);
  // The blog's data on the worker (where its task runs), and a stale copy on the manager.
  createVolumes(WORKER, "the worker's post");
  createVolumes(MANAGER, "a stale copy");
  on(
    MANAGER,
    "service",
    "create",
    "--detach=false",
    "--name",
    SERVICE,
    "--label",
    `recette.stack=${PREFIX}`,
    "--label",
    "recette.workload=blog",
    "--constraint",
    "node.role==worker",
    "--endpoint-mode",
    "dnsrr",
    "--mount",
    `type=volume,source=${VOLUMES[0]},target=/d`,
    "--entrypoint",
    "sleep",
    IMAGE,
    "3600",
  );
}, 600_000);

afterAll(async () => {
  await destroyNetnsHosts(spec);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("recette backup / restore over SSH on a two-node Swarm", () => {
  const archive = path.join(dir, "rbssh.tar.gz");
  let original = "";

  it("refuses the manager's stale copy: the service runs on the worker", () => {
    const r = recette("backup", "--stack", STACK, "--host", `ssh://root@${MANAGER}`, archive);
    expect(r.status, r.output).toBe(1);
    const worker = on(WORKER, "info", "--format", "{{.Swarm.NodeID}}").trim();
    const manager = on(MANAGER, "info", "--format", "{{.Swarm.NodeID}}").trim();
    expect(r.stderr).toContain(`recette backup: service ${SERVICE} runs on `);
    expect(r.stderr).toContain(`(node ${worker.slice(0, 12)}), but --host reaches `);
    expect(r.stderr).toContain(`(node ${manager.slice(0, 12)}): its volume there is not the one the service uses`);
    expect(fs.existsSync(archive)).toBe(false);
  });

  it("backs up the worker's volumes over SSH, the manager answering for the service", () => {
    original = snapshot(WORKER);
    const r = recette(
      "backup",
      "--stack",
      STACK,
      "--host",
      `ssh://root@${WORKER}`,
      "--manager",
      `ssh://root@${MANAGER}`,
      archive,
    );
    expect(r.status, r.output).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        [
          "^wrote \\S+rbssh\\.tar\\.gz: stack rbssh \\(recipe rbssh\\), blog-data \\(1 ",
          "file, 17 B\\), traefik-acme \\(1 file, 2 B\\); sha256 [0-9a-f]{64}\\n$",
        ].join(""),
      ),
    );
    const post = sh("tar", ["-xzOf", archive, "volumes/blog-data/articles/post.xml"]);
    expect(post.stdout).toBe("the worker's post");
    // Nothing is left running on either node but the service's task.
    expect(on(WORKER, "ps", "--format", "{{.Names}}").trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${SERVICE}\\.1\\.`)),
    ]);
    expect(on(MANAGER, "ps", "--all", "--quiet").trim()).toBe("");
  });

  it(
    "restores over SSH with --stop: the service is scaled to 0 through " +
      "the manager, the worker's data is put back, the service comes back",
    async () => {
      inVolumes(
        WORKER,
        "set -e; printf changed > /d/articles/post.xml; echo extra > /d/extra; chmod 0644 /a/acme.json",
      );
      expect(snapshot(WORKER)).not.toBe(original);
      const refused = recette(
        "restore",
        "--stack",
        STACK,
        "--host",
        `ssh://root@${WORKER}`,
        "--manager",
        `ssh://root@${MANAGER}`,
        archive,
      );
      expect(refused.status, refused.output).toBe(1);
      expect(refused.stderr).toContain(`${SERVICE}`);
      const r = recette(
        "restore",
        "--stack",
        STACK,
        "--stop",
        "--host",
        `ssh://root@${WORKER}`,
        "--manager",
        `ssh://root@${MANAGER}`,
        archive,
      );
      expect(r.status, r.output).toBe(0);
      expect(r.stdout).toMatch(
        /^restored \S+rbssh\.tar\.gz into stack rbssh: blog-data \(1 file, 17 B\), traefik-acme \(1 file, 2 B\)/,
      );
      // The service is back to one running task on the worker (bounded wait).
      let running = "";
      for (let i = 0; i < 60 && !/^Running/.test(running); i++) {
        running = on(
          MANAGER,
          "service",
          "ps",
          "--filter",
          "desired-state=running",
          "--format",
          "{{.CurrentState}}",
          SERVICE,
        ).trim();
        if (!/^Running/.test(running)) await sleep(1000);
      }
      expect(running).toMatch(/^Running/);
      expect(on(MANAGER, "service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}}", SERVICE).trim()).toBe(
        "1",
      );
      expect(snapshot(WORKER)).toBe(original);
      // The manager's stale copy was not touched.
      expect(inVolumes(MANAGER, "cat /d/articles/post.xml")).toBe("a stale copy");
    },
  );
});
