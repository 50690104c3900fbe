import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { noEspMessage } from "../../components/preflight";
import { dockerPaths, startDockerd, stopDockerd } from "../hosts/netns-hosts";
import { LAB, labHosts, labSpec, labTraces, strictLabSsh, type LabHost } from "../lab/lab";
import { peerCertificate, request, ROOT, sh, shAsync, waitFor } from "./helpers";
import { publishArticle, PluxmlBrowser } from "./pluxml";

// The whole blog on the lab's three hosts (npm run lab:up): `pulumi up -s lab` over real SSH, then the
// reliability tests of issue #13, each printing its figure. Traffic goes only to the lab's addresses.
// Every request loop is bounded in count and in time.
const STACK = LAB.stack;
const LABEL = `recette-${STACK}`;
const HOST = "blog.lab.test";
const WEB = "web.lab.test";
const RELAY_PORT = 2525;
const PLUXML_VERSION = /^PLUXML_VERSION=(.+)$/m.exec(fs.readFileSync(`${ROOT}/images/versions.env`, "utf8"))![1]!;
/** The blog is installed under the previous PluXml release, then upgraded to the pinned one by the recipe. */
const PREVIOUS_PLUXML = "5.8.20";
let blogVersion = PREVIOUS_PLUXML;
/** The provider's image (test/lab/mail-provider): built on this machine, loaded into worker-2's engine. */
const PROVIDER_IMAGE = "recette-e2e/mail-provider:bookworm-backports";
/**
 * The smarthost a provider runs on worker-2 (the lab's DNS names it), as Scaleway's transactional e-mail does on 2587.
 */
const SMARTHOST = { host: "worker-2.lab.test", port: 2587, user: "relayuser" };
const hosts = labHosts();
const byName = (name: string) => hosts.find((h) => h.name === name)!;
const manager = hosts.find((h) => h.role === "manager")!;
/** The worker labelled disk=ssd in recipes/lab.yaml: the blog is pinned there. */
const ssdWorker = byName("worker-1");
const otherWorker = byName("worker-2");

const docker = (h: LabHost, ...args: string[]) => sh("docker", ["-H", `unix://${dockerPaths(h.ns).socket}`, ...args]);
const onManager = (...args: string[]) => docker(manager, ...args).stdout.trim();
/** Every pulumi run's output: the secrets test reads them all (the engine's logs). */
const engineLogs: string[] = [];
const pulumi = (...args: string[]) => {
  const r = sh("pulumi", [...args, "-s", STACK, "--non-interactive"]);
  engineLogs.push(r.output);
  return r;
};
const pulumiAsync = async (...args: string[]) => {
  const r = await shAsync("pulumi", [...args, "-s", STACK, "--non-interactive"]);
  engineLogs.push(r.output);
  return r;
};
const up = () => pulumi("up", "--yes", "--skip-preview", "--suppress-progress");
const npm = (script: string) => sh("npm", ["run", "--silent", script]);
/** Prints a measured figure; also appended to .recette/lab-figures.log, readable while the suite runs. */
const figure = (name: string, value: string) => {
  const line = `[figure] ${new Date().toISOString()} ${name}: ${value}\n`;
  process.stdout.write(line);
  fs.appendFileSync(path.join(ROOT, ".recette", "lab-figures.log"), line);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const https = (host: string, urlPath = "/") =>
  request("https", host, 443, urlPath, { address: manager.address, timeoutMs: 5000 });
const status = (host: string) =>
  https(host).then(
    (a) => a.status,
    () => 0,
  );

/** The task of a service that should be running, and the node it runs on (by host name). */
const runningNodes = (service: string) =>
  onManager(
    "service",
    "ps",
    "--filter",
    "desired-state=running",
    "--format",
    "{{.Node}} {{.CurrentState}}",
    `${LABEL}-${service}`,
  )
    .split("\n")
    .filter((l) => / Running /.test(l))
    .map((l) => l.split(" ")[0]!);
/**
 * The states of the tasks Swarm wants running (`docker service ls` is no help after a node loss: it
 * still counts the lost node's tasks as running).
 */
const wantedStates = (service: string) =>
  onManager(
    "service",
    "ps",
    "--no-trunc",
    "--filter",
    "desired-state=running",
    "--format",
    "{{.CurrentState}}|{{.Error}}",
    `${LABEL}-${service}`,
  )
    .split("\n")
    .filter(Boolean);

/**
 * Polls `host` every `everyMs` until `stop()` says so, at most `maxRequests` times and `maxSeconds`
 * long; answers each status with its time.
 */
const pollWhile = async (
  host: string,
  stop: () => boolean,
  { everyMs = 100, maxRequests = 3000, maxSeconds = 300 } = {},
) => {
  const answers: { at: number; status: number; ms: number; error?: string }[] = [];
  const deadline = Date.now() + maxSeconds * 1000;
  while (!stop() && answers.length < maxRequests && Date.now() < deadline) {
    const at = Date.now();
    const answer = await https(host).then(
      (a) => ({ status: a.status }),
      (e: Error) => ({ status: 0, error: e.message }),
    );
    answers.push({ at, ms: Date.now() - at, ...answer });
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return answers;
};
/** The failed answers of a polling loop, said briefly: when (from `t0`), what, and how long it took. */
const failures = (answers: Awaited<ReturnType<typeof pollWhile>>, t0: number) =>
  answers
    .filter((a) => a.status !== 200)
    .map((a) => `+${seconds(a.at - t0)} ${a.error ?? a.status} in ${a.ms} ms`)
    .join("; ");

/**
 * recipes/lab.yaml as the reliability suite runs it: the blog's PluXml release `blogVersion`, plus a
 * stateless 2-replica web service on the workers, the relay published on the manager.
 */
const reliabilityRecipe = (mutate: (r: Record<string, any>) => void = () => undefined) => {
  const r = parse(fs.readFileSync(path.join(ROOT, LAB.recipe), "utf8")) as Record<string, any>;
  r.apps.find((a: Record<string, any>) => a.pluxml).pluxml.version = blogVersion;
  const relay = r.apps.find((a: Record<string, any>) => a.opensmtpd).opensmtpd;
  relay.placement = { role: "manager" };
  relay.publish = RELAY_PORT;
  r.apps.push({
    service: {
      name: "web",
      // the blog's image (from the lab's registry) as a plain web server: each task installs a blog of its own
      image: `${LAB.registry}/pluxml:${PLUXML_VERSION}`,
      env: {
        RELEASE: "1",
        PLUXML_ADMIN_NAME: "Web",
        PLUXML_ADMIN_LOGIN: "web",
        PLUXML_ADMIN_EMAIL: "web@web.lab.test",
      },
      secrets: { "admin-password": { secret: "blogAdminPassword" } },
      routes: [{ host: WEB, port: 80 }],
      replicas: 2,
      placement: { role: "worker" },
      health: {
        command: ["php", "-r", "exit(@file_get_contents('http://127.0.0.1/') === false ? 1 : 0);"],
        interval: "2s",
        timeout: "2s",
        retries: 3,
        startPeriod: "2s",
      },
      update: { order: "start-first", delay: "1s" },
    },
  });
  mutate(r);
  return stringify(r);
};
const webRelease = (release: string) => (r: Record<string, any>) =>
  (r.apps.find((a: Record<string, any>) => a.service?.name === "web").service.env.RELEASE = release);

const ARTICLE = `Recette lab ${Date.now()}: written through the admin on worker-1`;
const homeShowsArticle = async () => {
  const home = await https(HOST).catch(() => undefined);
  return home?.status === 200 && home.body.includes(ARTICLE) ? true : undefined;
};
/**
 * For waitFor: the article on the home page, or an error saying what was served instead and what the
 * blog's tasks report (waitFor's timeout shows the last one: a failure's context, not a bare timeout).
 */
const articleServed = async () => {
  const home = await https(HOST).catch((e: Error) => e);
  if (!(home instanceof Error) && home.status === 200 && home.body.includes(ARTICLE)) return true;
  const got =
    home instanceof Error ? home.message : `HTTP ${home.status}${home.status === 200 ? " without the article" : ""}`;
  const tasks = onManager(
    "service",
    "ps",
    "--no-trunc",
    "--format",
    "{{.Name}} {{.Node}} {{.DesiredState}} {{.CurrentState}} {{.Error}}",
    `${LABEL}-blog`,
  );
  throw new Error(`${got}; the blog's tasks: ${tasks.replace(/\n/g, " | ")}`);
};

/**
 * Another stack on the lab's hosts: recipes/lab.yaml changed by `mutate`, the lab's SSH key, a blog
 * password of its own. `other` runs pulumi on it (outputs kept with the engine logs).
 */
const labStack = (name: string, password: string, mutate: (r: Record<string, any>) => void) => {
  const dir = fs.mkdtempSync(path.join(ROOT, ".recette", `${name}-`));
  const stackFile = path.join(ROOT, "stacks", `Pulumi.${name}.yaml`);
  const other = (...args: string[]) => {
    const r = sh("pulumi", [...args, "-s", name, "--non-interactive"]);
    engineLogs.push(r.output);
    return r;
  };
  const r = parse(fs.readFileSync(path.join(ROOT, LAB.recipe), "utf8")) as Record<string, any>;
  mutate(r);
  fs.writeFileSync(path.join(dir, "recipe.yaml"), stringify(r));
  sh("pulumi", ["stack", "rm", name, "--yes", "--force", "--non-interactive"]);
  fs.rmSync(stackFile, { force: true });
  const init = sh("pulumi", ["stack", "init", name, "--non-interactive"]);
  if (init.status !== 0) throw new Error(`pulumi stack init ${name}: ${init.output}`);
  for (const [key, value] of [
    ["recipe", path.join(dir, "recipe.yaml")],
    ["imageRegistry", LAB.registry],
  ]) {
    const set = other("config", "set", key!, value!);
    if (set.status !== 0) throw new Error(`pulumi config set ${key}: ${set.output}`);
  }
  // Values on stdin, never in argv.
  for (const [key, value] of [
    ["sshPrivateKey", fs.readFileSync(path.join(LAB.stateDir, "id_ed25519"), "utf8")],
    ["blogAdminPassword", `${password}-${name}`],
  ]) {
    const set = sh("pulumi", ["config", "set", "--secret", key!, "-s", name, "--non-interactive"], { input: value });
    if (set.status !== 0) throw new Error(`pulumi config set --secret ${key}: ${set.output}`);
  }
  const cleanup = () => {
    other("destroy", "--yes", "--skip-preview", "--suppress-progress");
    sh("pulumi", ["stack", "rm", name, "--yes", "--force", "--non-interactive"]);
    fs.rmSync(stackFile, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { other, cleanup };
};

describe("the blog on the lab's three hosts, and its reliability", () => {
  let recipeFile = "";
  let agentPid = 0;
  let adminPassword = "";
  /** Set by the smarthost test: a Pulumi secret the secrets test then looks for too. */
  let smarthostPassword = "";

  beforeAll(async () => {
    // From nothing: a lab left by an interrupted run is removed first (everything of it is ours by name).
    if (labTraces().length > 0) {
      const down = npm("lab:down");
      if (down.status !== 0) throw new Error(`npm run lab:down: ${down.output}`);
    }
    const made = npm("lab:up");
    if (made.status !== 0) throw new Error(`npm run lab:up: ${made.output.slice(-3000)}`);
    // The Docker provider reaches the manager over ssh://, with the key in an ssh-agent, as a user's laptop does.
    const agent = spawnSync("ssh-agent", ["-s"], { encoding: "utf8" });
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(agent.stdout)?.[1];
    agentPid = Number(/SSH_AGENT_PID=(\d+);/.exec(agent.stdout)?.[1]);
    if (!sock || !agentPid) throw new Error(`ssh-agent -s: ${agent.stdout}${agent.stderr}`);
    process.env.SSH_AUTH_SOCK = sock;
    const add = sh("ssh-add", ["-q", path.join(LAB.stateDir, "id_ed25519")]);
    if (add.status !== 0) throw new Error(`ssh-add: ${add.output}`);
    // Not through pulumi(): its outputs are the engine logs the secrets test searches.
    adminPassword = sh("pulumi", [
      "config",
      "get",
      "blogAdminPassword",
      "-s",
      STACK,
      "--non-interactive",
    ]).stdout.trim();
    if (adminPassword.length < 16) throw new Error("the lab stack has no blogAdminPassword");
    recipeFile = path.join(fs.mkdtempSync(path.join(ROOT, ".recette", "lab-reliability-")), "recipe.yaml");
    // The blog starts under the previous PluXml release (upgraded later): its image in the lab's registry too.
    const pushed = sh("bash", [
      path.join(ROOT, "scripts", "build-images"),
      "--only",
      "pluxml",
      "--pluxml",
      PREVIOUS_PLUXML,
      "--push",
      LAB.registry,
      "--plain-http",
    ]);
    if (pushed.status !== 0) throw new Error(`build-images --pluxml ${PREVIOUS_PLUXML} --push: ${pushed.output}`);
    const first = parse(fs.readFileSync(path.join(ROOT, LAB.recipe), "utf8")) as Record<string, any>;
    first.apps.find((a: Record<string, any>) => a.pluxml).pluxml.version = PREVIOUS_PLUXML;
    fs.writeFileSync(recipeFile, stringify(first));
    if (pulumi("config", "set", "recipe", recipeFile).status !== 0) throw new Error("pulumi config set recipe failed");
  }, 20 * 60_000);

  afterAll(async () => {
    if (fs.existsSync(LAB.stackFile)) pulumi("destroy", "--yes", "--skip-preview", "--suppress-progress");
    npm("lab:down");
    if (agentPid) sh("kill", [String(agentPid)]);
    if (recipeFile) fs.rmSync(path.dirname(recipeFile), { recursive: true, force: true });
  });

  it(
    "pulumi up -s lab: the Swarm over SSH, Traefik on the manager, the blog (PluXml 5.8.20) " +
      "on the ssd worker, the relay; HTTPS on the manager's address with Pebble's certificate",
    async () => {
      const started = Date.now();
      const r = up();
      expect(r.status, r.output.slice(-4000)).toBe(0);
      const upMs = Date.now() - started;
      expect(
        onManager("node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}")
          .split("\n")
          .map((l) => l.trim())
          .sort(),
      ).toEqual([`${manager.ns} Ready Leader`, `${ssdWorker.ns} Ready`, `${otherWorker.ns} Ready`]);
      await waitFor(
        "Traefik, the blog and the relay running",
        async () =>
          ["traefik", "blog", "relay", "pebble"].every((s) => runningNodes(s).length === 1) ? true : undefined,
        300,
      );
      expect(runningNodes("traefik")).toEqual([manager.ns]);
      expect(runningNodes("blog")).toEqual([ssdWorker.ns]);
      // One overlay network across the hosts (VXLAN): Traefik on the manager reaches the blog on worker-1.
      expect(onManager("network", "inspect", `${LABEL}-net`, "--format", "{{.Driver}} {{.Scope}}")).toBe(
        "overlay swarm",
      );
      const answer = await waitFor(
        "HTTPS 200 from the blog on the manager's address",
        async () => {
          const a = await https(HOST).catch(() => undefined);
          return a?.status === 200 ? a : undefined;
        },
        240,
      );
      expect(answer.body).toContain("<title>Recette lab blog - Blog or CMS, XML powered !</title>");
      const cert = await waitFor(
        "a certificate issued by Pebble",
        async () => {
          const c = await peerCertificate(HOST, 443, manager.address);
          return /^Pebble Intermediate CA/.test(String(c.issuer.CN)) ? c : undefined;
        },
        180,
      );
      expect(cert.subjectaltname).toContain(`DNS:${HOST}`);
      figure("pulumi up -s lab from nothing", seconds(upMs));
      figure("blog answering HTTPS with Pebble's certificate after", seconds(Date.now() - started));
    },
  );

  it("the admin publishes an article on the blog (served from worker-1, through the manager)", async () => {
    const b = new PluxmlBrowser("https", HOST, 443, false, manager.address);
    expect((await b.login("admin", adminPassword)).status).toBe(302);
    const published = await publishArticle(b, ARTICLE, "<p>Published by the lab reliability suite.</p>");
    expect(published.status, published.body.slice(0, 400)).toBe(302);
    expect(await homeShowsArticle()).toBe(true);
  });

  it("the reliability recipe adds a 2-replica web service, one task on each worker", async () => {
    fs.writeFileSync(recipeFile, reliabilityRecipe());
    expect(pulumi("config", "set", "recipe", recipeFile).status).toBe(0);
    const r = up();
    expect(r.status, r.output.slice(-4000)).toBe(0);
    const nodes = await waitFor(
      "two web tasks running",
      async () => (runningNodes("web").length === 2 ? runningNodes("web") : undefined),
      300,
    );
    expect(nodes.sort()).toEqual([ssdWorker.ns, otherWorker.ns]);
    await waitFor("the web service answering", async () => ((await status(WEB)) === 200 ? true : undefined), 120);
  });

  it("zero downtime: a start-first update under a polling loop loses no request", async () => {
    const before = onManager("service", "ps", "-q", "--filter", "desired-state=running", `${LABEL}-web`);
    fs.writeFileSync(recipeFile, reliabilityRecipe(webRelease("2")));
    let done = false;
    const polling = pollWhile(WEB, () => done, { everyMs: 100, maxRequests: 4000, maxSeconds: 400 });
    const started = Date.now();
    const r = await pulumiAsync("up", "--yes", "--skip-preview", "--suppress-progress");
    let seen = "";
    await waitFor(
      "the update completed",
      async () => {
        seen = onManager(
          "service",
          "inspect",
          `${LABEL}-web`,
          "--format",
          "{{if .UpdateStatus}}{{.UpdateStatus.State}}: {{.UpdateStatus.Message}}{{end}}",
        );
        return seen.startsWith("completed:") ? seen : undefined;
      },
      240,
    )
      .catch((e: Error) => {
        // what Swarm said of the update (paused, rollback…), the tasks, and pulumi's own output
        throw new Error(
          `${e.message}: the update's last state ` +
            `"${seen}"\n${onManager("service", "ps", "--no-trunc", `${LABEL}-web`)}\n${r.output.slice(-2000)}`,
        );
      })
      .finally(async () => {
        // keep asking while the old tasks stop and Traefik forgets them
        await new Promise((ok) => setTimeout(ok, 6000));
        done = true;
      });
    const answers = await polling;
    expect(r.status, r.output.slice(-4000)).toBe(0);
    expect(onManager("service", "ps", "-q", "--filter", "desired-state=running", `${LABEL}-web`)).not.toBe(before);
    const failed = answers.filter((a) => a.status !== 200);
    figure(
      "zero downtime (start-first update of 2 replicas on 2 workers)",
      `${answers.length} requests over ${seconds(Date.now() - started)}, ${failed.length} failed`,
    );
    expect(answers.length).toBeGreaterThan(50);
    expect(failed.length, failures(answers, started)).toBe(0);
  });

  it(
    "a broken release of the 2-replica web service is rolled back by Swarm while " +
      "the old one serves every request; recette up exits 1 naming it; recette " +
      "rollback puts back an earlier update's digest with no failed request",
    async () => {
      const recette = (...args: string[]) => shAsync(path.join(ROOT, "bin", "recette"), args);
      const webImage = () =>
        onManager("service", "inspect", `${LABEL}-web`, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}");
      /** `recette <args>` under a request to web every 100 ms: its result, the answers, the seconds it took. */
      const polled = async (...args: string[]) => {
        let done = false;
        const polling = pollWhile(WEB, () => done, { everyMs: 100, maxRequests: 4000, maxSeconds: 400 });
        const started = Date.now();
        const r = await recette(...args);
        const took = Date.now() - started;
        // keep asking while the old tasks stop and Traefik forgets them
        await new Promise((ok) => setTimeout(ok, 6000));
        done = true;
        const answers = await polling;
        const failed = answers.filter((a) => a.status !== 200);
        return { r, answers, failed, took, why: failures(answers, started) };
      };
      fs.rmSync(path.join(ROOT, ".recette", "history", `${STACK}.jsonl`), { force: true });
      // Update A, recorded by recette up: what runs now.
      const a = await recette("up", "-s", STACK, "--no-refresh");
      expect(a.status, a.output.slice(-3000)).toBe(0);
      const good = webImage();
      expect(good).toMatch(new RegExp(`^${LAB.registry}/pluxml:${PLUXML_VERSION}(@sha256:[0-9a-f]{64})?$`));

      fs.writeFileSync(
        recipeFile,
        reliabilityRecipe((r) => {
          webRelease("3")(r);
          r.apps.find((x: Record<string, any>) => x.service?.name === "web").service.health.command = [
            "php",
            "-r",
            "exit(1);",
          ];
        }),
      );
      const broken = await polled("up", "-s", STACK, "--no-refresh");
      expect(broken.r.status, broken.r.output.slice(-3000)).toBe(1);
      expect(broken.r.output).toContain(`recette up: service ${LABEL}-web: the update failed (`);
      expect(broken.r.output).toContain(`; Swarm rolled it back to ${good}`);
      figure(
        "broken release of web on the lab (health check never passes): recette up exited 1, rolled back",
        `${broken.answers.length} requests over ${seconds(broken.took)}, ${broken.failed.length} failed`,
      );
      expect(broken.answers.length).toBeGreaterThan(50);
      expect(broken.failed.length, broken.why).toBe(0);
      expect(webImage()).toBe(good);

      // Update B: web on the previous PluXml image; then recette rollback puts A's digest back.
      fs.writeFileSync(
        recipeFile,
        reliabilityRecipe((r) => {
          webRelease("2")(r);
          r.apps.find((x: Record<string, any>) => x.service?.name === "web").service.image =
            `${LAB.registry}/pluxml:${PREVIOUS_PLUXML}`;
        }),
      );
      const b = await recette("up", "-s", STACK, "--no-refresh");
      expect(b.status, b.output.slice(-3000)).toBe(0);
      expect(webImage()).toMatch(new RegExp(`^${LAB.registry}/pluxml:${PREVIOUS_PLUXML}(@sha256:[0-9a-f]{64})?$`));
      const back = await polled("rollback", "-s", STACK);
      expect(back.r.status, back.r.output.slice(-3000)).toBe(0);
      expect(back.r.output).toMatch(
        new RegExp(`web: \\S+ -> ${LAB.registry}/pluxml:${PLUXML_VERSION}(@sha256:[0-9a-f]{64})? \\(update `),
      );
      expect(webImage()).toBe(good);
      figure(
        "recette rollback of web on the lab (to update A's digest)",
        `${seconds(back.took)}; ${back.answers.length} requests, ${back.failed.length} failed`,
      );
      expect(back.answers.length).toBeGreaterThan(50);
      expect(back.failed.length, back.why).toBe(0);
      // The pin lifted, the recipe as the rest of the suite expects it.
      expect((await recette("config", "rm", "rollback", "-s", STACK)).status).toBe(0);
      fs.writeFileSync(recipeFile, reliabilityRecipe(webRelease("2")));
      const fixed = up();
      expect(fixed.status, fixed.output.slice(-3000)).toBe(0);
    },
  );

  it(
    "node loss: the worker running the blog and a web replica loses its dockerd; web " +
      "answers again within a bound, the blog is unavailable and comes back with its article",
    async () => {
      // Swarm may leave both web tasks on one worker after the update (start-first runs three at once):
      // a forced update reschedules them with its spread, one per worker.
      for (let i = 0; i < 3 && !runningNodes("web").includes(ssdWorker.ns); i++) {
        docker(manager, "service", "update", "--force", "--detach=false", "--quiet", `${LABEL}-web`);
        await waitFor("two web tasks running", async () => (runningNodes("web").length === 2 ? true : undefined), 120);
      }
      expect(runningNodes("web")).toContain(ssdWorker.ns);
      const stopped = Date.now();
      let webBack = 0;
      let streak = 0;
      const answers: { at: number; status: number }[] = [];
      const polling = pollWhile(WEB, () => webBack > 0, { everyMs: 200, maxRequests: 1500, maxSeconds: 180 }).then(
        (a) => answers.push(...a),
      );
      // Watches the same answers for 10 in a row after the stop: the service is back.
      const watch = (async () => {
        const deadline = Date.now() + 180_000;
        while (webBack === 0 && Date.now() < deadline) {
          const s = await status(WEB);
          streak = s === 200 ? streak + 1 : 0;
          if (streak >= 10 && Date.now() - stopped > 2000) webBack = Date.now();
          await new Promise((ok) => setTimeout(ok, 200));
        }
      })();
      await stopDockerd(ssdWorker.ns);
      const down = await waitFor(
        "worker-1 reported down and the blog unavailable",
        async () => {
          const node = onManager("node", "inspect", ssdWorker.ns, "--format", "{{.Status.State}}");
          const blog = wantedStates("blog");
          return node === "down" && blog.length === 1 && /^Pending .*\|"?no suitable node/.test(blog[0]!)
            ? Date.now()
            : undefined;
        },
        120,
      );
      await watch;
      await polling;
      expect(webBack, "web did not answer 10 times in a row within 180 s").toBeGreaterThan(0);
      const failed = answers.filter((a) => a.at >= stopped && a.status !== 200).length;
      figure(
        "node loss: web (2 replicas) answering again after",
        `${seconds(webBack - stopped)} (${failed} failed requests of ${answers.length} while it moved)`,
      );
      figure("node loss: worker-1 reported down, the blog pending (no suitable node) after", seconds(down - stopped));
      // The pinned blog cannot move (its volume is on worker-1): unavailable, not rescheduled elsewhere.
      expect(runningNodes("blog")).toEqual([]);
      expect(await status(HOST)).not.toBe(200);
      const restarted = Date.now();
      await startDockerd(labSpec(hosts), ssdWorker.ns);
      await waitFor("the blog back with its article", articleServed, 300);
      figure(
        "node loss: blog back with its article after worker-1's dockerd restarts",
        seconds(Date.now() - restarted),
      );
      expect(runningNodes("blog")).toEqual([ssdWorker.ns]);
    },
  );

  it(
    "node maintenance: recette node maintain restarts worker-1's dockerd; web (2 replicas) loses " +
      "no request, the blog (pinned there) needs --accept-downtime and comes back with its article",
    async () => {
      for (let i = 0; i < 3 && !runningNodes("web").includes(ssdWorker.ns); i++) {
        docker(manager, "service", "update", "--force", "--detach=false", "--quiet", `${LABEL}-web`);
        await waitFor("two web tasks running", async () => (runningNodes("web").length === 2 ? true : undefined), 120);
      }
      expect(runningNodes("web")).toContain(ssdWorker.ns);
      const recette = (...args: string[]) => shAsync(path.join(ROOT, "bin", "recette"), args);
      const availability = () => onManager("node", "inspect", ssdWorker.ns, "--format", "{{.Spec.Availability}}");

      // Without --accept-downtime: the plan, the refusal, nothing changed.
      const refused = await recette("node", "maintain", "-s", STACK, "worker-1", "--", "true");
      expect(refused.status, refused.output).toBe(1);
      // scaled up by its tasks on worker-1 (one or both of the two, as Swarm placed them)
      expect(refused.output).toMatch(
        new RegExp(`${ssdWorker.ns}: ${LABEL}-web: 2 replicas, start-first: scaled to [34] while its tasks move off`),
      );
      expect(refused.output).toMatch(new RegExp(`${ssdWorker.ns}: ${LABEL}-blog: DOWNTIME: no other node may run it`));
      expect(refused.output).toContain("would be unavailable (above); nothing was changed");
      expect(availability()).toBe("active");

      // The command "restarts dockerd": it asks this suite to (the lab's daemons are started by the
      // suite, not by a service manager on the host), and waits until that is done.
      const dir = fs.mkdtempSync(path.join(ROOT, ".recette", "maintain-"));
      const asked = path.join(dir, "restart-asked");
      const done = path.join(dir, "restart-done");
      let stop = false;
      const web = pollWhile(WEB, () => stop, { everyMs: 100, maxRequests: 8000, maxSeconds: 900 });
      const started = Date.now();
      const maintain = recette(
        "node",
        "maintain",
        "-s",
        STACK,
        "worker-1",
        "--accept-downtime",
        "--",
        "sh",
        "-c",
        `touch ${asked}; while [ ! -e ${done} ]; do sleep 1; done; echo restarted`,
      );
      await waitFor(
        "maintain's command running on worker-1",
        async () => (fs.existsSync(asked) ? true : undefined),
        600,
      );
      const drainedAt = Date.now();
      expect(availability()).toBe("drain");
      expect(runningNodes("web")).not.toContain(ssdWorker.ns);
      await stopDockerd(ssdWorker.ns);
      await startDockerd(labSpec(hosts), ssdWorker.ns);
      fs.writeFileSync(done, "");
      const r = await maintain;
      const took = Date.now() - started;
      await waitFor("the blog back with its article", articleServed, 300);
      const blogBack = Date.now();
      stop = true;
      const answers = await web;
      fs.rmSync(dir, { recursive: true, force: true });
      expect(r.status, r.output.slice(-3000)).toBe(0);
      expect(r.output).toContain("restarted");
      expect(r.output).toMatch(new RegExp(`${ssdWorker.ns}: maintained in [0-9.]+ s, active again`));
      expect(availability()).toBe("active");
      expect(runningNodes("blog")).toEqual([ssdWorker.ns]);
      const failed = answers.filter((a) => a.status !== 200);
      figure(
        "node maintenance: web (2 replicas, start-first) during recette node maintain worker-1 (dockerd restarted)",
        `${answers.length} requests over ${seconds(Date.now() - started)}, ` +
          `${failed.length} failed; maintain took ${seconds(took)}`,
      );
      figure(
        "node maintenance: the blog (pinned to worker-1) back with its article after the drain",
        seconds(blogBack - drainedAt),
      );
      expect(answers.length).toBeGreaterThan(100);
      expect(failed.length, failures(answers, started)).toBe(0);
    },
  );

  /** The running blog container on worker-1 (its volume is there): its id, for logs and exec. */
  const blogContainer = () =>
    docker(
      ssdWorker,
      "ps",
      "-q",
      "--filter",
      "status=running",
      "--filter",
      `label=com.docker.swarm.service.name=${LABEL}-blog`,
    ).stdout.trim();
  /** The sample article's comment (installed by PluXml under 5.8.20), as a visitor sees it. */
  const sampleComment = async () => {
    const home = await https(HOST);
    const link = /href="https:\/\/blog\.lab\.test(\/index\.php\?article1\/[^"]*)"/.exec(home.body)?.[1];
    const page = link ? await https(HOST, link) : undefined;
    return /<p class="content_com type-normal">This is a first comment !<\/p>/.test(page?.body ?? "");
  };
  /**
   * The blog moved to PluXml `version` by the recipe, under a 100 ms polling loop of its home page
   * until the article is served again: the answers, the gap (first failed request to the first
   * success after the last one), the blog's container and its PluXml version in data/.
   */
  const moveBlogTo = async (version: string) => {
    blogVersion = version;
    fs.writeFileSync(recipeFile, reliabilityRecipe(webRelease("2")));
    let done = false;
    const polling = pollWhile(HOST, () => done, { everyMs: 100, maxRequests: 6000, maxSeconds: 600 });
    const started = Date.now();
    const r = await pulumiAsync("up", "--yes", "--skip-preview", "--suppress-progress");
    // The engine returns once Swarm has the new spec: the old task may still be the one serving.
    await waitFor(
      `the blog's task running PluXml ${version}`,
      async () => {
        const id = blogContainer().split("\n")[0];
        const image = id ? docker(ssdWorker, "inspect", "--format", "{{.Config.Image}}", id).stdout.trim() : "";
        return image.includes(`/pluxml:${version}`) ? true : undefined;
      },
      300,
    )
      .then(() => waitFor(`the article on PluXml ${version}`, articleServed, 300))
      .finally(() => {
        done = true;
      });
    const answers = await polling;
    expect(r.status, r.output.slice(-4000)).toBe(0);
    const failed = answers.filter((a) => a.status !== 200);
    const lastFailed = failed.at(-1);
    const back = lastFailed ? answers.find((a) => a.at > lastFailed.at && a.status === 200) : undefined;
    const gap = failed.length > 0 ? seconds((back?.at ?? Date.now()) - failed[0]!.at) : "0 s";
    const id = blogContainer().split("\n")[0]!;
    const params = docker(ssdWorker, "exec", id, "cat", "/var/www/html/data/configuration/parametres.xml").stdout;
    return {
      summary:
        `${answers.length} requests over ${seconds(Date.now() - started)}, ` +
        `${failed.length} failed, a gap of ${gap}`,
      logs: docker(ssdWorker, "logs", id).output,
      dataVersion: /<parametre name="version"><!\[CDATA\[([^\]]*)\]\]>/.exec(params)?.[1],
    };
  };
  const adminLogsIn = async () =>
    (await new PluxmlBrowser("https", HOST, 443, false, manager.address).login("admin", adminPassword)).status;

  it(
    `a PluXml upgrade by the recipe (${PREVIOUS_PLUXML} → the pinned release): PluXml's ` +
      "own updater runs; the article, the sample comment and the admin's login are kept",
    async () => {
      expect(await sampleComment()).toBe(true);
      const moved = await moveBlogTo(PLUXML_VERSION);
      expect(moved.logs).toContain(
        `pluxml-update: upgrading data/ from PluXml ${PREVIOUS_PLUXML} to ${PLUXML_VERSION} with PluXml's updater`,
      );
      expect(moved.dataVersion).toBe(PLUXML_VERSION);
      expect(
        onManager("service", "inspect", `${LABEL}-blog`, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
      ).toMatch(new RegExp(`^${LAB.registry}/pluxml:${PLUXML_VERSION}(@sha256:[0-9a-f]+)?$`));
      expect([await sampleComment(), await adminLogsIn()]).toEqual([true, 302]);
      figure(
        `PluXml upgrade ${PREVIOUS_PLUXML} → ${PLUXML_VERSION} (stop-first, the data volume on one node)`,
        moved.summary,
      );
    },
  );

  const back = `back to ${PREVIOUS_PLUXML} by the recipe`;
  it(`${back}: allowed, since no update step lies between the two releases`, async () => {
    const moved = await moveBlogTo(PREVIOUS_PLUXML);
    expect(moved.logs).toContain(
      `pluxml-update: data/ was written by PluXml ${PLUXML_VERSION}, with the same data format as ${PREVIOUS_PLUXML}`,
    );
    expect(moved.dataVersion).toBe(PREVIOUS_PLUXML);
    expect([await sampleComment(), await adminLogsIn()]).toEqual([true, 302]);
    figure(`PluXml back ${PLUXML_VERSION} → ${PREVIOUS_PLUXML} (stop-first)`, moved.summary);
  });

  it(
    "data survival: the article is there after destroy + up " + "(volume retained), the blog upgraded again on the way",
    async () => {
      blogVersion = PLUXML_VERSION;
      fs.writeFileSync(recipeFile, reliabilityRecipe(webRelease("2")));
      const destroyed = pulumi("destroy", "--yes", "--skip-preview", "--suppress-progress");
      expect(destroyed.status, destroyed.output.slice(-4000)).toBe(0);
      expect(onManager("service", "ls", "-q", "--filter", `label=recette.stack=${LABEL}`)).toBe("");
      expect(docker(ssdWorker, "volume", "ls", "-q", "--filter", "name=recette-lab-blog-data").stdout.trim()).toBe(
        `${LABEL}-blog-data`,
      );
      const t2 = Date.now();
      const again = up();
      expect(again.status, again.output.slice(-4000)).toBe(0);
      await waitFor("the article after destroy + up", articleServed, 300);
      figure("data survival: article back after destroy + up", seconds(Date.now() - t2));
    },
  );

  it(
    "recette backup over SSH finds the blog's data on the worker that runs " +
      "it (labelled through the mount), its helper from the lab's registry",
    () => {
      const dir = fs.mkdtempSync(path.join(ROOT, ".recette", "lab-backup-"));
      try {
        // The worker's copy of the volume (the one the blog mounts) carries the stack's labels.
        expect(
          docker(
            ssdWorker,
            "volume",
            "inspect",
            `${LABEL}-blog-data`,
            "--format",
            '{{index .Labels "recette.stack"}} {{index .Labels "recette.keep"}}',
          ).stdout.trim(),
        ).toBe(`${LABEL} true`);
        // An ssh that knows exactly the lab's host key, as an operator's known_hosts would.
        const bin = strictLabSsh(dir, hosts);
        const archive = path.join(dir, "lab.tar.gz");
        const t0 = Date.now();
        const r = sh(
          path.join(ROOT, "bin", "recette"),
          [
            "backup",
            "--stack",
            STACK,
            "--host",
            `ssh://root@${ssdWorker.address}`,
            "--manager",
            `ssh://root@${manager.address}`,
            "--workload",
            "blog",
            archive,
          ],
          {
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
          },
        );
        expect(r.status, r.output).toBe(0);
        const listed = sh("tar", ["-tzf", archive]).stdout;
        expect(listed).toContain("configuration/users.xml");
        expect(listed).toMatch(/articles\/[^\n]+\.xml/);
        figure(
          "backup of the blog over SSH (worker's volume, helper pulled from the lab's registry)",
          `${seconds(Date.now() - t0)}, ${fs.statSync(archive).size} bytes`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("drift: a service edited by hand is reported by pulumi preview --refresh and put back by up", async () => {
    await waitFor("two web tasks running", async () => (runningNodes("web").length === 2 ? true : undefined), 300);
    const edit = docker(
      manager,
      "service",
      "update",
      "--detach",
      "--replicas",
      "1",
      "--env-add",
      "HAND_EDIT=1",
      `${LABEL}-web`,
    );
    expect(edit.status, edit.output).toBe(0);
    const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--suppress-progress", "--diff");
    expect(preview.status).not.toBe(0);
    expect(preview.output).toMatch(/~ docker:index\/service:Service: \(update\)/);
    expect(preview.output).toContain("docker:index/service:Service::web]");
    expect(preview.output).toContain("HAND_EDIT");
    const started = Date.now();
    const repaired = pulumi("up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
    expect(repaired.status, repaired.output.slice(-4000)).toBe(0);
    expect(
      onManager(
        "service",
        "inspect",
        `${LABEL}-web`,
        "--format",
        "{{.Spec.Mode.Replicated.Replicas}} {{.Spec.TaskTemplate.ContainerSpec.Env}}",
      ),
    ).not.toContain("HAND_EDIT");
    expect(onManager("service", "inspect", `${LABEL}-web`, "--format", "{{.Spec.Mode.Replicated.Replicas}}")).toBe("2");
    figure("drift: hand-edited service put back by up --refresh in", seconds(Date.now() - started));
    const clean = pulumi("preview", "--refresh", "--expect-no-changes", "--suppress-progress");
    expect(clean.status, clean.output.slice(-4000)).toBe(0);
  });

  it(
    "drift: a worker that left the swarm by hand (docker swarm leave) is reported by pulumi preview " +
      "--refresh; up --refresh joins it again, labelled, and the blog comes back on it with its article",
    async () => {
      const left = docker(ssdWorker, "swarm", "leave", "--force");
      expect(left.status, left.output).toBe(0);
      const started = Date.now();
      const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--suppress-progress", "--diff");
      expect(preview.status).not.toBe(0);
      expect(preview.output).toMatch(/\+-pulumi-nodejs:dynamic\/swarm:Membership: \(replace\)/);
      expect(preview.output).toContain(`pulumi-nodejs:dynamic/swarm:Membership::swarm-${ssdWorker.name}-member]`);
      // the refresh read the node's own state, and the plan puts it back
      expect(preview.output).toMatch(/~ state\s*: "active" => "inactive"/);
      expect(preview.output).toContain(`command:remote:Command::swarm-${ssdWorker.name}-join]`);
      // the other worker stayed: nothing proposed for it
      expect(preview.output).not.toContain(`Membership::swarm-${otherWorker.name}-member]`);
      const repaired = pulumi("up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
      expect(repaired.status, repaired.output.slice(-4000)).toBe(0);
      expect(docker(ssdWorker, "info", "--format", "{{.Swarm.LocalNodeState}}").stdout.trim()).toBe("active");
      // three nodes, all ready: the worker's former identity (down, same address) is forgotten; its label is back
      const nodes = onManager("node", "ls", "-q")
        .split("\n")
        .filter(Boolean)
        .map((id) =>
          onManager(
            "node",
            "inspect",
            "--format",
            '{{.Status.State}} {{.Status.Addr}} {{index .Spec.Labels "disk"}}',
            id,
          ),
        )
        .sort();
      expect(nodes, nodes.join("\n")).toHaveLength(3);
      expect(
        nodes.every((n) => n.startsWith("ready ")),
        nodes.join("\n"),
      ).toBe(true);
      expect(nodes).toEqual(expect.arrayContaining([`ready ${ssdWorker.address} ssd`, `ready ${otherWorker.address}`]));
      await waitFor(
        "the blog running on worker-1 again",
        async () => (runningNodes("blog").join() === ssdWorker.ns ? true : undefined),
        240,
      );
      await waitFor("the article, from worker-1's volume", articleServed, 180);
      figure(
        "drift: worker-1 left the swarm by hand; up --refresh joined " +
          "and labelled it, the blog back with its article after",
        seconds(Date.now() - started),
      );
      const clean = pulumi("preview", "--refresh", "--expect-no-changes", "--suppress-progress");
      expect(clean.status, clean.output.slice(-4000)).toBe(0);
    },
  );

  it(
    "open relay: from a lab host outside the stack network, relaying " +
      "to a foreign domain gets a 5xx; the blog's mail is delivered",
    async () => {
      const swaks = (to: string) =>
        sh("nsenter", [
          `--net=/run/netns/${otherWorker.ns}`,
          "swaks",
          "--server",
          manager.address,
          "--port",
          String(RELAY_PORT),
          "--from",
          "someone@elsewhere.test",
          "--to",
          to,
          "--timeout",
          "20",
          "--helo",
          "outside.test",
        ]);
      const foreign = swaks("victim@foreign.example");
      expect(foreign.output).toMatch(/<\*\* 5\d\d /);
      expect(foreign.output).not.toMatch(/<- {2}250 .*(queued|Message accepted)/i);
      figure("open relay: foreign recipient from 10.253.1.4", /<\*\* (5\d\d[^\n]*)/.exec(foreign.output)![1]!.trim());
      // The blog's own mail (PluXml's lost-password message) goes through the relay into the mailbox.
      const b = new PluxmlBrowser("https", HOST, 443, false, manager.address);
      await b.get("/core/admin/");
      const a = await b.submit(
        "/core/admin/auth.php?action=lostpassword",
        { lostpassword_id: "admin" },
        { Referer: `https://${HOST}/core/admin/auth.php?action=lostpassword` },
      );
      expect(a.body).toContain('<p class="alert green">An email has been sent to the user</p>');
      const relayContainer = docker(
        manager,
        "ps",
        "-q",
        "--filter",
        `label=com.docker.swarm.service.name=${LABEL}-relay`,
      ).stdout.trim();
      expect(relayContainer).not.toBe("");
      const mail = await waitFor(
        "the blog's message in the relay's Maildir",
        async () => {
          const r = docker(
            manager,
            "exec",
            relayContainer,
            "sh",
            "-c",
            "cat /var/mail/mailsink/Maildir/new/* 2>/dev/null || true",
          );
          return r.stdout.includes("Hi admin,") ? r.stdout : undefined;
        },
        90,
      );
      expect(mail).toMatch(/^To: .*contact@blog\.lab\.test/m);
    },
  );

  it(
    "the Scaleway mail path: the relay sends the blog's mail through a smarthost " +
      "that requires STARTTLS + AUTH on 2587, with the password from a Pulumi secret",
    async () => {
      // The provider: a second OpenSMTPD on worker-2, its certificate signed by a CA of its own (given
      // to the relay as smarthost.caCertificate), accepting only authenticated sessions over TLS.
      const build = sh("docker", [
        "build",
        "--quiet",
        "--tag",
        PROVIDER_IMAGE,
        path.join(ROOT, "test", "lab", "mail-provider"),
      ]);
      expect(build.status, build.output).toBe(0);
      const load = sh("bash", [
        "-o",
        "pipefail",
        "-c",
        'docker save "$1" | docker -H "$2" load',
        "bash",
        PROVIDER_IMAGE,
        `unix://${dockerPaths(otherWorker.ns).socket}`,
      ]);
      expect(load.status, load.output).toBe(0);
      const dir = fs.mkdtempSync(path.join(ROOT, ".recette", "lab-provider-"));
      const openssl = (...args: string[]) => {
        const r = sh("openssl", args);
        expect(r.status, r.output).toBe(0);
      };
      const rsa = ["-newkey", "rsa:2048", "-nodes"];
      openssl(
        "req",
        "-x509",
        ...rsa,
        "-keyout",
        `${dir}/ca.key`,
        "-out",
        `${dir}/ca.pem`,
        "-days",
        "2",
        "-subj",
        "/CN=recette lab mail provider CA",
      );
      openssl(
        "req",
        ...rsa,
        "-keyout",
        `${dir}/server.key`,
        "-out",
        `${dir}/server.csr`,
        "-subj",
        `/CN=${SMARTHOST.host}`,
      );
      fs.writeFileSync(`${dir}/ext`, `subjectAltName=DNS:${SMARTHOST.host}\n`);
      openssl(
        "x509",
        "-req",
        "-in",
        `${dir}/server.csr`,
        "-CA",
        `${dir}/ca.pem`,
        "-CAkey",
        `${dir}/ca.key`,
        "-CAcreateserial",
        "-out",
        `${dir}/server.crt`,
        "-days",
        "2",
        "-extfile",
        `${dir}/ext`,
      );
      fs.chmodSync(`${dir}/server.key`, 0o600);
      smarthostPassword = crypto.randomBytes(18).toString("base64url");
      // smtpd's credentials table holds the password's hash (smtpctl encrypt, the password on stdin)
      const hash = sh(
        "docker",
        [
          "-H",
          `unix://${dockerPaths(otherWorker.ns).socket}`,
          "run",
          "--rm",
          "-i",
          "--entrypoint",
          "smtpctl",
          PROVIDER_IMAGE,
          "encrypt",
        ],
        { input: `${smarthostPassword}\n` },
      );
      expect(hash.status, hash.output).toBe(0);
      fs.writeFileSync(`${dir}/users`, `${SMARTHOST.user} ${hash.stdout.trim()}\n`, { mode: 0o600 });
      fs.writeFileSync(
        `${dir}/smtpd.conf`,
        [
          `pki ${SMARTHOST.host} cert "/etc/provider/server.crt"`,
          `pki ${SMARTHOST.host} key "/etc/provider/server.key"`,
          "table users file:/etc/provider/users",
          'table inbox { "@" = "mailsink" }',
          `listen on ${otherWorker.address} port ${SMARTHOST.port} tls-require ` +
            `pki ${SMARTHOST.host} auth <users> hostname ${SMARTHOST.host}`,
          'action "inbox" maildir "/var/mail/mailsink/Maildir" virtual <inbox>',
          'match from any auth for any action "inbox"',
          "",
        ].join("\n"),
      );
      const provider = "recette-lab-mail-provider";
      const started = docker(
        otherWorker,
        "run",
        "-d",
        "--name",
        provider,
        "--network",
        "host",
        "-v",
        `${dir}:/etc/provider:ro`,
        PROVIDER_IMAGE,
        "smtpd",
        "-d",
        "-f",
        "/etc/provider/smtpd.conf",
      );
      expect(started.status, started.output).toBe(0);
      try {
        const listening = () =>
          sh("nsenter", [
            `--net=/run/netns/${manager.ns}`,
            "bash",
            "-c",
            `exec 3<>/dev/tcp/${otherWorker.address}/${SMARTHOST.port}`,
          ]).status === 0;
        await waitFor("the provider listening on 2587", async () => (listening() ? true : undefined), 60).catch(
          (e: Error) => {
            throw new Error(`${e.message}\n${docker(otherWorker, "logs", provider).output}`);
          },
        );
        // The provider refuses a session without TLS: it is the strict kind.
        const plain = sh("nsenter", [
          `--net=/run/netns/${manager.ns}`,
          "swaks",
          "--server",
          otherWorker.address,
          "--port",
          String(SMARTHOST.port),
          "--from",
          "x@blog.lab.test",
          "--to",
          "y@example.org",
          "--timeout",
          "20",
        ]);
        expect(plain.output).toMatch(/<\*\* 5\d\d /);
        // The stack: the relay delivers through the provider, user and CA from the stack's config, the password a
        // secret.
        expect(
          sh("pulumi", ["config", "set", "--secret", "smarthostPassword", "-s", STACK, "--non-interactive"], {
            input: smarthostPassword,
          }).status,
        ).toBe(0);
        expect(
          sh("pulumi", ["config", "set", "smarthostCa", "-s", STACK, "--non-interactive"], {
            input: fs.readFileSync(`${dir}/ca.pem`, "utf8"),
          }).status,
        ).toBe(0);
        fs.writeFileSync(
          recipeFile,
          reliabilityRecipe((r) => {
            webRelease("2")(r);
            const relay = r.apps.find((a: Record<string, any>) => a.opensmtpd).opensmtpd;
            relay.delivery = "smarthost";
            relay.smarthost = {
              host: SMARTHOST.host,
              port: SMARTHOST.port,
              tls: "starttls",
              user: SMARTHOST.user,
              password: { secret: "smarthostPassword" },
              caCertificate: { config: "smarthostCa" },
            };
          }),
        );
        const t0 = Date.now();
        const r = up();
        expect(r.status, r.output.slice(-4000)).toBe(0);
        // The blog's own mail (PluXml's lost-password message) leaves through the relay to the provider.
        await waitFor(
          "the relay running with the smarthost",
          async () =>
            runningNodes("relay").length === 1 && wantedStates("relay").every((st) => st.startsWith("Running"))
              ? true
              : undefined,
          120,
        );
        const b = new PluxmlBrowser("https", HOST, 443, false, manager.address);
        await b.get("/core/admin/");
        const a = await b.submit(
          "/core/admin/auth.php?action=lostpassword",
          { lostpassword_id: "admin" },
          { Referer: `https://${HOST}/core/admin/auth.php?action=lostpassword` },
        );
        expect(a.body).toContain('<p class="alert green">An email has been sent to the user</p>');
        const mail = await waitFor(
          "the blog's message in the provider's Maildir",
          async () => {
            const m = docker(
              otherWorker,
              "exec",
              provider,
              "sh",
              "-c",
              "cat /var/mail/mailsink/Maildir/new/* 2>/dev/null || true",
            ).stdout;
            return m.includes("Hi admin,") ? m : undefined;
          },
          120,
        ).catch((e: Error) => {
          // what each side saw: the relay's log (its queue, the smarthost's answers) and the provider's
          const relayLog = docker(manager, "service", "logs", "--tail", "60", `${LABEL}-relay`).output;
          const providerLog = docker(otherWorker, "logs", "--tail", "60", provider).output;
          throw new Error(`${e.message}\nrelay:\n${relayLog}\nprovider:\n${providerLog}`);
        });
        // The provider's own Received line: from the relay, authenticated (ESMTPSA), over TLS; its log names the user.
        expect(mail).toMatch(
          new RegExp(
            `by ${SMARTHOST.host.replace(/\./g, "\\.")} \\(OpenSMTPD\\) with ESMTPSA id \\S+ \\(TLSv1\\.[23]:[^)]+\\)`,
          ),
        );
        expect(docker(otherWorker, "logs", provider).output).toContain(
          `smtp authentication user=${SMARTHOST.user} result=ok`,
        );
        expect(mail).toMatch(/^To: .*contact@blog\.lab\.test/m);
        figure(
          "Scaleway mail path (relay -> smarthost, STARTTLS + AUTH on 2587)",
          `delivered ${seconds(Date.now() - t0)} after the up started; the provider refused a plain session (5xx)`,
        );
      } finally {
        docker(otherWorker, "rm", "-f", provider);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    "secrets: the stack export, the engine's logs, every rendered file " +
      "and docker inspect of each service hold none of the secret values",
    () => {
      const key = fs.readFileSync(path.join(LAB.stateDir, "id_ed25519"), "utf8");
      const keyBody = key
        .split("\n")
        .filter((l) => l && !l.startsWith("-----"))
        .join("");
      const secrets = {
        blogAdminPassword: adminPassword,
        sshPrivateKey: keyBody.slice(0, 60),
        ...(smarthostPassword ? { smarthostPassword } : {}),
      };
      const exported = pulumi("stack", "export").stdout;
      expect(exported.length).toBeGreaterThan(10_000);
      const services = onManager("service", "ls", "-q", "--filter", `label=recette.stack=${LABEL}`)
        .split("\n")
        .filter(Boolean);
      expect(services).toHaveLength(5);
      const inspected = services.map((s) => onManager("service", "inspect", s)).join("\n");
      const configs = onManager("config", "ls", "-q", "--filter", `label=recette.stack=${LABEL}`)
        .split("\n")
        .filter(Boolean);
      expect(configs.length).toBeGreaterThan(3);
      const rendered = configs
        .map((c) => Buffer.from(JSON.parse(onManager("config", "inspect", c))[0].Spec.Data, "base64").toString("utf8"))
        .join("\n");
      const places = {
        "stack export": exported,
        "engine logs": engineLogs.join("\n"),
        "rendered files": rendered,
        "docker inspect": inspected,
      };
      for (const [where, text] of Object.entries(places))
        for (const [name, value] of Object.entries(secrets))
          expect(text.includes(value), `${name} found in ${where}`).toBe(false);
      // The check can fail: the password did reach the blog, as a Docker secret file in its container.
      const blogContainer = docker(
        ssdWorker,
        "ps",
        "-q",
        "--filter",
        `label=com.docker.swarm.service.name=${LABEL}-blog`,
      ).stdout.trim();
      const inside = docker(ssdWorker, "exec", "-u", "0", blogContainer, "sh", "-c", "cat /run/secrets/*").stdout;
      expect(inside).toContain(adminPassword);
      figure(
        "secrets",
        `${Object.keys(secrets).length} values absent from ${Object.keys(places).join(", ")} ` +
          `(${services.length} services, ${configs.length} files)`,
      );
    },
  );

  it(
    "isolation: a second stack of the same recipe on the same hosts " +
      "serves too; destroying it leaves every resource of the first intact",
    async () => {
      const OTHER = "lab-iso";
      const otherLabel = `recette-${OTHER}`;
      const { other, cleanup } = labStack(
        OTHER,
        adminPassword,
        (r) => (r.edge.traefik.ports = { http: 8080, https: 8443 }),
      );
      try {
        // recipes/lab.yaml as it is, but for Traefik's node ports: the manager's 80 and 443 are the first stack's.
        /**
         * Everything of the first stack Swarm knows: each service's spec (by digest; not its version,
         * which Swarm also bumps when a rolling update started before finishes), the tasks that run.
         */
        const snapshot = () => {
          const list = (...args: string[]) =>
            onManager(...args)
              .split("\n")
              .filter(Boolean)
              .sort();
          const filter = `label=recette.stack=${LABEL}`;
          const services = list("service", "ls", "-q", "--filter", filter);
          return {
            services: services
              .map((id) => {
                const spec = onManager("service", "inspect", id, "--format", "{{json .Spec}}");
                return (
                  `${id} ${JSON.parse(spec).Name} spec ` +
                  `${crypto.createHash("sha256").update(spec).digest("hex").slice(0, 16)}`
                );
              })
              .sort(),
            tasks: services
              .flatMap((id) => list("service", "ps", "-q", "--filter", "desired-state=running", id))
              .sort(),
            networks: list("network", "ls", "-q", "--filter", filter),
            configs: list("config", "ls", "-q", "--filter", filter),
            secrets: list("secret", "ls", "-q", "--filter", filter),
            volumes: list("volume", "ls", "-q", "--filter", filter),
            nodes: list("node", "ls", "--format", "{{.ID}} {{.Hostname}} {{.Status}} {{.Availability}}"),
          };
        };
        const before = snapshot();
        expect(before.services).toHaveLength(5);
        const made = other("up", "--yes", "--skip-preview", "--suppress-progress");
        expect(made.status, made.output.slice(-4000)).toBe(0);
        const both = await waitFor(
          "both stacks serving the blog",
          async () => {
            const mine = await https(HOST).catch(() => undefined);
            const theirs = await request("https", HOST, 8443, "/", { address: manager.address, timeoutMs: 5000 }).catch(
              () => undefined,
            );
            return mine?.status === 200 && theirs?.status === 200 ? { mine, theirs } : undefined;
          },
          300,
        );
        // Two blogs, each with its own data: only the first has the article.
        expect(both.mine.body).toContain(ARTICLE);
        expect(both.theirs.body).not.toContain(ARTICLE);
        expect(
          onManager("service", "ls", "-q", "--filter", `label=recette.stack=${otherLabel}`).split("\n").filter(Boolean),
        ).toHaveLength(4);
        const destroyed = other("destroy", "--yes", "--skip-preview", "--suppress-progress");
        expect(destroyed.status, destroyed.output.slice(-4000)).toBe(0);
        expect(onManager("service", "ls", "-q", "--filter", `label=recette.stack=${otherLabel}`)).toBe("");
        expect(snapshot()).toEqual(before);
        expect(await homeShowsArticle()).toBe(true);
        figure(
          "isolation",
          "second stack up, serving and destroyed; the first stack's " +
            `${before.services.length} services, ${before.tasks.length} tasks, networks, ` +
            `configs, secrets, volumes and ${before.nodes.length} nodes unchanged`,
        );
      } finally {
        cleanup();
      }
    },
  );

  it(
    "the kernel lesson on the lab: a recipe asking for an encrypted overlay " +
      "fails at the preflight, naming the node (this kernel has no ESP)",
    () => {
      const { other, cleanup } = labStack("lab-esp", adminPassword, (r) => {
        r.orchestrator.encryptOverlay = true;
        r.edge.traefik.ports = { http: 8081, https: 8444 };
      });
      try {
        const failed = other("up", "--yes", "--skip-preview", "--suppress-progress");
        expect(failed.status).not.toBe(0);
        // Every node lacks ESP; the engine stops at the first preflight that fails, whichever node runs first.
        const named = ["manager-1", "worker-1", "worker-2"].filter((n) => failed.output.includes(noEspMessage(n)));
        expect(named.length, failed.output.slice(-3000)).toBeGreaterThan(0);
        expect(onManager("service", "ls", "-q", "--filter", "label=recette.stack=recette-lab-esp")).toBe("");
        expect(onManager("network", "ls", "-q", "--filter", "label=recette.stack=recette-lab-esp")).toBe("");
      } finally {
        cleanup();
      }
    },
  );
});
