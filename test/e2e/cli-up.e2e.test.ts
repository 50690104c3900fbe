import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  converged,
  labelled,
  mustSucceed,
  request,
  ROOT,
  sh,
  timedRun,
  type TimedRun,
  userEnv,
  waitFor,
} from "./helpers";

// The whole life of the `local` stack through recette's own CLI (Pulumi's Automation API, no
// `source scripts/pulumi-env.sh`): up with live progress, status, drift, a hand edit put back by up,
// destroy. Ports 80/443, like npm run local:up; the suite refuses to start on a running `local`.
const STACK = "local";
const LABEL = `recette-${STACK}`;
const HOST = "blog.local.test";

/** bin/recette as a user runs it: CI set (plain progress lines), without the engine's environment. */
const recette = (...args: string[]): Promise<TimedRun> =>
  timedRun(process.execPath, [path.join(ROOT, "bin", "recette"), ...args], { cwd: ROOT, env: userEnv() });

const services = () => labelled("service", LABEL);
const volumes = () => labelled("volume", LABEL);

describe("recette up|status|drift|destroy -s local, for real", () => {
  let volumesBefore: string[] = [];
  beforeAll(() => {
    if (services().length > 0)
      throw new Error("the local stack is running: npm run local:down first (this suite deploys and destroys it)");
    volumesBefore = volumes();
  });
  afterAll(async () => {
    if (services().length > 0) mustSucceed("recette destroy -s local", await recette("destroy", "-s", STACK));
    for (const v of volumes().filter((v) => !volumesBefore.includes(v))) sh("docker", ["volume", "rm", v]);
  });

  it("recette up: a line per resource while it runs, with its time; the URLs at the end; HTTPS 200", async () => {
    const up = await recette("up", "-s", STACK);
    expect(up.code, up.stderr.slice(-4000)).toBe(0);
    expect(up.stdout).toBe(`https://${HOST}/\n`);
    const created = up.lines.filter((l) =>
      /^\+ {2}\S+ \(docker:index\/service:Service\) created in \d+(m\d\d)?s$/.test(l.text),
    );
    expect(created.map((l) => l.text.split(" ")[2]).sort()).toEqual(["blog", "pebble", "relay", "traefik"]);
    // Progress, not a report at the end: the first service was announced well before the command ended.
    expect(up.lines.find((l) => / creating…$/.test(l.text))!.at).toBeLessThan(up.seconds - 5);
    // The engine's summary, then the wait until the URL answers through Traefik: up prints it only then.
    const texts = up.lines.map((l) => l.text);
    const done = texts.findIndex((t) => /^done: \d+ created, 0 unchanged in \d+(m\d\d)?s$/.test(t));
    expect(done, up.stderr.slice(-2000)).toBeGreaterThan(0);
    expect(texts.slice(done + 1)).toEqual([
      `waiting for https://${HOST}/ to answer`,
      `https://${HOST}/ answers (HTTP 200) at 127.0.0.1:443`,
    ]);
    expect(up.stderr).not.toMatch(/\u001b\[/);
    // Answering when up ends, without waiting here.
    expect((await request("https", HOST, 443, "/")).status).toBe(200);
    await converged(LABEL);
  });

  it("recette status --json: the URL, each service running as desired, the certificate Pebble issued", async () => {
    const report = await waitFor(
      "a Pebble certificate in recette status",
      async () => {
        const r = await recette("status", "-s", STACK, "--json");
        if (r.code !== 0) throw new Error(r.stderr);
        const doc = JSON.parse(r.stdout);
        return /Pebble/.test(doc.certificates[0]?.issuer ?? "") ? doc : undefined;
      },
      180,
    );
    expect(report.stack).toBe(STACK);
    expect(report.orchestrator).toBe("swarm");
    expect(report.urls).toEqual([`https://${HOST}/`]);
    expect(
      report.workloads.map((w: { name: string; health: string; running: number }) => [w.name, w.health, w.running]),
    ).toEqual(["blog", "pebble", "relay", "traefik"].map((s) => [`${LABEL}-${s}`, "ok", 1]));
    expect(report.certificates[0].daysLeft).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
  });

  it("recette drift: 0 when clean; 2 after a hand edit, naming it; recette up puts it back; 0 again", async () => {
    const clean = await recette("drift", "-s", STACK);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe("local: no drift (the resources match the last deployment, which matches the recipe)\n");
    expect(sh("docker", ["service", "update", "--detach", "--env-add", "HAND_FIX=1", `${LABEL}-blog`]).status).toBe(0);
    const drift = await recette("drift", "-s", STACK, "--json");
    expect(drift.code, drift.stderr).toBe(2);
    const doc = JSON.parse(drift.stdout);
    expect(doc.drift.map((d: { name: string; paths: string[] }) => [d.name, d.paths])).toEqual([
      ["blog", ["taskSpec.containerSpec.env.HAND_FIX"]],
    ]);
    expect(drift.stderr).toContain(
      "recette drift: 1 resource of stack local changed by hand: recette up -s local puts it back",
    );
    const up = await recette("up", "-s", STACK);
    expect(up.code, up.stderr.slice(-4000)).toBe(0);
    // The refresh inside up reads the edit back; the update then puts the recipe's state back.
    expect(up.stderr).toMatch(/\n~ {2}blog \(docker:index\/service:Service\) updated in \d+s\n/);
    expect(up.stderr).toMatch(/\ndone: 1 updated, \d+ unchanged in /);
    expect(
      sh("docker", ["service", "inspect", `${LABEL}-blog`, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"])
        .stdout,
    ).not.toContain("HAND_FIX");
    const again = await recette("drift", "-s", STACK);
    expect(again.code, again.stderr).toBe(0);
  });

  it("recette destroy removes every service of the stack", async () => {
    const down = await recette("destroy", "-s", STACK);
    expect(down.code, down.stderr.slice(-4000)).toBe(0);
    expect(
      down.lines.filter((l) => /^- {2}\S+ \(docker:index\/service:Service\) deleted in /.test(l.text)),
    ).toHaveLength(4);
    expect(services()).toEqual([]);
  });
});
