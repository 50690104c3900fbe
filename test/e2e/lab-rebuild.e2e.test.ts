import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB, labHosts, labTraces, strictLabSsh } from "../lab/lab";
import { peerCertificate, request, ROOT, sh, timedRun, waitFor } from "./helpers";
import { publishArticle, PluxmlBrowser } from "./pluxml";

// The whole environment rebuilt from nothing (issue #22, part 2): the lab's blog with an article is
// backed up, then everything is destroyed (npm run lab:down: hosts, engines, volumes, the stack's
// state), then npm run lab:up, recette up -s lab and recette restore bring it back: the article over
// HTTPS with a certificate the new stack obtained. Prints the RTO (from nothing to the restored blog)
// and each phase's share; the goal (under 5 minutes with cached builds) is printed, not asserted.
const STACK = LAB.stack;
const HOST = "blog.lab.test";
const ARTICLE = `Recette rebuild ${Date.now()}: written before the lab was destroyed`;
const hosts = labHosts();
const manager = hosts.find((h) => h.role === "manager")!;
/** The worker labelled disk=ssd in recipes/lab.yaml: the blog and its data volume are there. */
const ssdWorker = hosts.find((h) => h.name === "worker-1")!;
const RECETTE = path.join(ROOT, "bin", "recette");
const npm = (script: string) => timedRun("npm", ["run", "--silent", script], { cwd: ROOT, env: process.env });
const recette = (...args: string[]) => timedRun(process.execPath, [RECETTE, ...args], { cwd: ROOT, env: process.env });
const https = (urlPath = "/") => request("https", HOST, 443, urlPath, { address: manager.address, timeoutMs: 5000 });
const showsArticle = async () => {
  const home = await https().catch(() => undefined);
  return home?.status === 200 && home.body.includes(ARTICLE) ? true : undefined;
};
const seconds = (s: number) => `${s.toFixed(1)} s`;
const figure = (name: string, value: string) => {
  const line = `[figure] ${new Date().toISOString()} ${name}: ${value}\n`;
  process.stdout.write(line);
  fs.appendFileSync(path.join(ROOT, ".recette", "lab-figures.log"), line);
};

/**
 * What an operator's shell has for the lab's hosts: their host key in a known_hosts (an `ssh` on PATH
 * that reads only that file, strictly), since `recette backup` and `restore` reach the nodes through the
 * docker CLI's ssh. No ssh-agent: recette loads the stack's own key (recette:sshPrivateKey) into one
 * itself. A rebuilt lab has new host keys: made again after it.
 */
const operatorShell = () => {
  const dir = fs.mkdtempSync(path.join(ROOT, ".recette", "lab-rebuild-ssh-"));
  const bin = strictLabSsh(dir, hosts);
  const { SSH_AUTH_SOCK: _agent, ...env } = process.env;
  return {
    env: { ...env, PATH: `${bin}:${process.env.PATH}` },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};
const nodeFlags = ["--host", `ssh://root@${ssdWorker.address}`, "--manager", `ssh://root@${manager.address}`];

describe("the lab rebuilt from nothing: backup, lab:down, lab:up, recette up, recette restore", () => {
  const dir = fs.mkdtempSync(path.join(ROOT, ".recette", "lab-rebuild-"));
  const archive = path.join(dir, "lab.tar.gz");

  beforeAll(async () => {
    // From nothing: a lab left by an interrupted run is removed first (everything of it is ours by name).
    if (labTraces().length > 0) {
      const down = await npm("lab:down");
      if (down.code !== 0) throw new Error(`npm run lab:down: ${down.stderr}`);
    }
  }, 10 * 60_000);

  afterAll(async () => {
    await npm("lab:down");
    fs.rmSync(dir, { recursive: true, force: true });
  }, 10 * 60_000);

  it("the running blog with an article, backed up over SSH", async () => {
    const made = await npm("lab:up");
    expect(made.code, made.stderr.slice(-3000)).toBe(0);
    const up = await recette("up", "-s", STACK);
    expect(up.code, up.stderr.slice(-4000)).toBe(0);
    await waitFor(
      "HTTPS 200 from the blog",
      async () => ((await https().catch(() => undefined))?.status === 200 ? true : undefined),
      240,
    );
    const password = sh("pulumi", [
      "config",
      "get",
      "blogAdminPassword",
      "-s",
      STACK,
      "--non-interactive",
    ]).stdout.trim();
    const b = new PluxmlBrowser("https", HOST, 443, false, manager.address);
    expect((await b.login("admin", password)).status).toBe(302);
    const published = await publishArticle(b, ARTICLE, "<p>Written before the lab was destroyed.</p>");
    expect(published.status, published.body.slice(0, 400)).toBe(302);
    expect(await showsArticle()).toBe(true);
    const shell = operatorShell();
    try {
      const r = sh(process.execPath, [RECETTE, "backup", "-s", STACK, ...nodeFlags, "--workload", "blog", archive], {
        env: shell.env,
      });
      expect(r.status, r.output).toBe(0);
    } finally {
      shell.close();
    }
    expect(sh("tar", ["-tzf", archive]).stdout).toMatch(/articles\/[^\n]+\.xml/);
  });

  it(
    "everything destroyed, then rebuilt from the recipe and the backup: " +
      "the article over HTTPS with a new certificate; RTO and phases printed",
    async () => {
      const before = await peerCertificate(HOST, 443, manager.address);
      const down = await npm("lab:down");
      expect(down.code, down.stderr.slice(-3000)).toBe(0);
      // Nothing left: no host, no engine, no volume, no state of the stack.
      expect(labTraces()).toEqual([]);
      expect(fs.existsSync(LAB.stackFile)).toBe(false);

      const started = Date.now();
      const hostsUp = await npm("lab:up");
      expect(hostsUp.code, hostsUp.stderr.slice(-3000)).toBe(0);
      // lab:up pushes recette's images to the lab's registry (its own line says how long).
      const push = Number(/pushed to \S+ in (\d+)s/.exec(hostsUp.stderr)?.[1] ?? 0);
      const up = await recette("up", "-s", STACK);
      expect(up.code, up.stderr.slice(-4000)).toBe(0);
      // The swarm is ready when its last node is labelled (the Cluster component's last steps).
      const clusterReady = up.lines
        .filter((l) => /-swarm-|-labels /.test(l.text) && / created in /.test(l.text))
        .at(-1);
      expect(clusterReady, up.stderr).toBeDefined();
      const shell = operatorShell();
      const restore = await timedRun(
        process.execPath,
        [RECETTE, "restore", "-s", STACK, ...nodeFlags, "--stop", archive],
        {
          cwd: ROOT,
          env: shell.env,
        },
      ).finally(shell.close);
      expect(restore.code, restore.stderr.slice(-3000)).toBe(0);
      const restored = Date.now();
      await waitFor("the restored article over HTTPS", showsArticle, 300);
      const after = await waitFor(
        "a certificate from the new stack's CA",
        async () => {
          const c = await peerCertificate(HOST, 443, manager.address).catch(() => undefined);
          return c && /^Pebble Intermediate CA/.test(String(c.issuer?.CN)) ? c : undefined;
        },
        120,
      );
      const rto = (Date.now() - started) / 1000;
      // A certificate of the rebuilt stack (its Pebble is new), never the old one from a backup.
      expect(after.fingerprint256).not.toBe(before.fingerprint256);
      const certificate = (Date.now() - restored) / 1000;
      const share = (s: number) => `${seconds(s)} (${Math.round((100 * s) / rto)} %)`;
      figure("rebuild from nothing: teardown (lab:down, before the clock starts)", seconds(down.seconds));
      figure(
        "rebuild from nothing: RTO, from no host to the restored blog over HTTPS",
        `${seconds(rto)} (goal: under 300 s with cached builds)`,
      );
      figure("rebuild phase: hosts (lab:up without its image push)", share(hostsUp.seconds - push));
      figure("rebuild phase: images (pushed to the lab's registry)", share(push));
      figure("rebuild phase: cluster (recette up until the swarm is ready)", share(clusterReady!.at));
      figure(
        "rebuild phase: stack (the rest of recette up: pulls, services, Traefik)",
        share(up.seconds - clusterReady!.at),
      );
      figure("rebuild phase: restore (recette restore --stop)", share(restore.seconds));
      figure("rebuild phase: certificate (the article over HTTPS with the new certificate)", share(certificate));
    },
  );
});
