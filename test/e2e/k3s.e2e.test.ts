import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  checkDrillReport,
  makeStack,
  mustSucceed,
  peerCertificate,
  pollWhile,
  pulumi,
  request,
  rollingWebService,
  ROOT,
  sh,
  shAsync,
  waitFor,
} from "./helpers";
import { hostSnapshot } from "./host-snapshot";
import { publishArticle, PluxmlBrowser } from "./pluxml";

// The local recipe through the k3s target, deployed by the real Pulumi engine onto the one-node
// Kubernetes cluster scripts/ensure-kubernetes runs on this machine, on a stack of its own (e2e-k3s)
// with Traefik's LoadBalancer on the node's address, never on the host's ports (the Swarm stacks keep
// those). It takes the node's ports 80/443: Pebble validates HTTP-01 on port 80 of the address the
// blog's name resolves to, as a real CA does, so a running local-k3s stack must be down first.
const STACK = "e2e-k3s";
const NS = `recette-${STACK}`;
const HOST = "blog.local.test";
const WEB = "web.local.test";
const HTTP = 80;
const HTTPS = 443;
const NODE = process.env.RECETTE_K8S_NODE_IP || "10.41.0.1";
const ADMIN_PASSWORD = "e2e-k3s-admin-password";
const PLUXML_IMAGE = /^PLUXML_IMAGE=(.+)$/m.exec(fs.readFileSync(`${ROOT}/images/versions.env`, "utf8"))![1]!;
/**
 * The image the "image change" test switches the blog to: the same image under another tag, tagged in the cluster's
 * containerd.
 */
const PLUXML_NEXT = PLUXML_IMAGE.replace(/:[^:]+$/, ":e2e-next");
const CONTAINERD = "/run/recette-k8s/containerd.sock";

const recipe = (mutate: (r: Record<string, any>) => void = () => undefined) => {
  const r = parse(fs.readFileSync(`${ROOT}/recipes/local-k3s.yaml`, "utf8")) as Record<string, any>;
  r.name = "e2e-k3s";
  r.apps.push({ service: rollingWebService(WEB, PLUXML_IMAGE) });
  mutate(r);
  return stringify(r);
};
const web = (r: Record<string, any>) => r.apps.find((a: Record<string, any>) => a.service?.name === "web").service;
const blog = (r: Record<string, any>) => r.apps.find((a: Record<string, any>) => a.pluxml).pluxml;
/** The recipe as the image change test leaves it (web release 2, the blog on e2e-next): the later tests start there. */
const afterImageChange = (r: Record<string, any>) => {
  web(r).env.RELEASE = "2";
  blog(r).version = "e2e-next";
};

const ARTICLE = `Recette k3s e2e ${Date.now()}: written through the admin`;
const ensureKubernetes = (...args: string[]) =>
  sh("bash", [`${ROOT}/scripts/ensure-kubernetes`, ...args], { timeoutMs: 40 * 60_000 });
let kubeconfig = "";
/** The Kubernetes version scripts/kubernetes/versions.env pins (read at each call, as kubectl's path is). */
const k8sVersion = () =>
  /^K8S_VERSION=(.+)$/m.exec(fs.readFileSync(`${ROOT}/scripts/kubernetes/versions.env`, "utf8"))![1];
const kubectl = (...args: string[]) =>
  sh(
    `${process.env.RECETTE_CACHE || `${process.env.HOME}/.cache/recette`}/kubernetes/` +
      `kubernetes-${k8sVersion()}/kubectl`,
    ["--kubeconfig", kubeconfig, ...args],
  );
/** The RELEASE the web Deployment's pod template sets (what the rolling checks change). */
const webRelease = () =>
  kubectl(
    "-n",
    NS,
    "get",
    "deployment",
    `${NS}-web`,
    "-o",
    'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="RELEASE")].value}',
  ).stdout;
const podOf = (workload: string) =>
  kubectl(
    "-n",
    NS,
    "get",
    "pods",
    "-l",
    `recette.workload=${workload}`,
    "--field-selector=status.phase=Running",
    "-o",
    "jsonpath={.items[0].metadata.name}",
  ).stdout.trim();

describe("the local environment on a real Kubernetes cluster (k3s target)", () => {
  let files: { recipeFile: string; stackFile: string };
  /**
   * The host before this suite started the cluster; undefined when a cluster was already running (then it is left
   * running).
   */
  let before: ReturnType<typeof hostSnapshot> | undefined;

  beforeAll(() => {
    const running = ensureKubernetes("--kubeconfig");
    if (running.status !== 0) before = hostSnapshot();
    const t0 = Date.now();
    const up = ensureKubernetes();
    if (up.status !== 0) throw new Error(`scripts/ensure-kubernetes failed:\n${up.output.slice(-4000)}`);
    console.log(`cluster up (ensure-kubernetes, images cached) in ${Math.round((Date.now() - t0) / 1000)}s`);
    kubeconfig = ensureKubernetes("--kubeconfig").stdout.trim();
    process.env.KUBECONFIG = kubeconfig;
    const holders = kubectl(
      "get",
      "services",
      "-A",
      "-o",
      'jsonpath={range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}/{.metadata.name} {end}',
    ).stdout.trim();
    const others = holders.split(" ").filter((h) => h && !h.startsWith(`${NS}/`));
    if (others.length)
      throw new Error(
        `the node's ports are held by ${others.join(", ")}: ` +
          "take that stack down first (npm run local:down -- --stack local-k3s)",
      );
    // From nothing: the claims a previous run kept on purpose (retainOnDelete) are this stack's own.
    kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true");
    files = makeStack(STACK, recipe());
    const set = pulumi(STACK, "config", "set", "--secret", "blogAdminPassword", ADMIN_PASSWORD);
    if (set.status !== 0) throw new Error(`pulumi config set --secret blogAdminPassword: ${set.output}`);
  });
  afterAll(() => {
    const down = pulumi(STACK, "destroy", "--refresh", "--yes", "--skip-preview");
    if (files) fs.rmSync(files.stackFile, { force: true });
    if (kubeconfig) kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true");
    mustSucceed(`pulumi destroy -s ${STACK}`, down);
  });

  it("pulumi up from nothing brings the blog up behind Traefik with a Pebble certificate", async () => {
    const t0 = Date.now();
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output.slice(-4000)).toBe(0);
    const answer = await waitFor(
      "HTTPS 200 from the blog",
      async () => {
        const a = await request("https", HOST, HTTPS, "/", { address: NODE });
        return a.status === 200 ? a : undefined;
      },
      240,
    );
    expect(answer.body).toContain("<title>Recette local blog - Blog or CMS, XML powered !</title>");
    const cert = await waitFor(
      "a certificate issued by Pebble",
      async () => {
        const c = await peerCertificate(HOST, HTTPS, NODE);
        return /^Pebble Intermediate CA/.test(String(c.issuer.CN)) ? c : undefined;
      },
      180,
    ).catch((e: Error) => {
      const logs = (w: string) => kubectl("-n", NS, "logs", "--tail", "60", "-l", `recette.workload=${w}`).output;
      throw new Error(`${e.message}\n--- traefik ---\n${logs("traefik")}\n--- pebble ---\n${logs("pebble")}`);
    });
    expect(cert.subjectaltname).toContain(`DNS:${HOST}`);
    console.log(`pulumi up to first HTTPS 200 with Pebble's certificate: ${Math.round((Date.now() - t0) / 1000)}s`);
    // The objects are the k3s target's: one Deployment per workload, the blog's data on a bound PVC.
    const deployments = kubectl("-n", NS, "get", "deployments", "-o", "jsonpath={.items[*].metadata.name}")
      .stdout.split(" ")
      .sort();
    expect(deployments).toEqual(["blog", "pebble", "relay", "traefik", "web"].map((w) => `${NS}-${w}`));
    expect(kubectl("-n", NS, "get", "pvc", `${NS}-blog-data`, "-o", "jsonpath={.status.phase}").stdout).toBe("Bound");
  });

  it(
    "recette status --json and recette logs read the stack on Kubernetes " + "(kubectl from the local cluster)",
    async () => {
      const bin = path.join(ROOT, "bin", "recette");
      // Each routed host gets its certificate in turn: wait for the blog's (the first test saw it served).
      const doc = await waitFor(
        "the blog's Pebble certificate in recette status",
        async () => {
          const status = sh(process.execPath, [bin, "status", "-s", STACK, "--json"]);
          if (status.status !== 0) throw new Error(status.output);
          const d = JSON.parse(status.stdout);
          const cert = d.certificates.find((c: { url: string }) => c.url === `https://${HOST}/`);
          return /Pebble/.test(cert?.issuer ?? "") ? d : undefined;
        },
        120,
      );
      expect(doc.orchestrator).toBe("k3s");
      expect(doc.problems).toEqual([]);
      expect(doc.urls).toContain(`https://${HOST}/`);
      const blog = doc.workloads.find((w: { name: string }) => w.name === `${NS}-blog`);
      expect(blog).toMatchObject({ kind: "deployment", desired: 1, running: 1, health: "ok" });
      const logs = sh(process.execPath, [bin, "logs", "-s", STACK, "--tail", "20", "blog"]);
      expect(logs.status, logs.output).toBe(0);
      expect(logs.stdout.trim()).not.toBe("");
    },
  );

  it("redirects HTTP to HTTPS", async () => {
    const a = await request("http", HOST, HTTP, "/some/page", { address: NODE });
    expect([301, 308]).toContain(a.status);
    expect(a.headers.location).toBe(`https://${HOST}/some/page`);
  });

  it(
    "the blog was installed from the recipe: the admin logs in with the Secret's password (not another) and " +
      "publishes an article",
    async () => {
      const wrong = new PluxmlBrowser("https", HOST, HTTPS, false, NODE);
      expect((await wrong.login("admin", "not-the-secret")).body).toContain(
        '<p class="alert red">Incorrect login or password</p>',
      );
      const b = new PluxmlBrowser("https", HOST, HTTPS, false, NODE);
      expect((await b.login("admin", ADMIN_PASSWORD)).status).toBe(302);
      const published = await publishArticle(b, ARTICLE, "<p>Published by the k3s end-to-end suite.</p>");
      expect(published.status, published.body.slice(0, 400)).toBe(302);
      const home = await request("https", HOST, HTTPS, "/", { address: NODE });
      expect(home.body).toContain(ARTICLE);
      // users.xml (password hashes) is never served
      expect((await request("https", HOST, HTTPS, "/data/configuration/users.xml", { address: NODE })).status).toBe(
        403,
      );
    },
  );

  it("delivers PluXml's lost-password mail through OpenSMTPD into the relay's Maildir", async () => {
    const b = new PluxmlBrowser("https", HOST, HTTPS, false, NODE);
    await b.get("/core/admin/");
    const a = await b.submit(
      "/core/admin/auth.php?action=lostpassword",
      { lostpassword_id: "admin" },
      { Referer: `https://${HOST}/core/admin/auth.php?action=lostpassword` },
    );
    expect(a.body).toContain('<p class="alert green">An email has been sent to the user</p>');
    const relay = podOf("relay");
    expect(relay).not.toBe("");
    const mail = await waitFor(
      "the message in the relay's Maildir",
      async () => {
        const r = kubectl(
          "-n",
          NS,
          "exec",
          relay,
          "--",
          "sh",
          "-c",
          "cat /var/mail/mailsink/Maildir/new/* 2>/dev/null || true",
        );
        return r.stdout.includes("Hi admin,") ? r.stdout : undefined;
      },
      60,
    );
    expect(mail).toMatch(/^To: .*contact@blog\.local\.test/m);
  });

  it("a second preview shows no change", () => {
    const p = pulumi(STACK, "preview", "--expect-no-changes", "--suppress-progress");
    expect(p.status, p.output.slice(-3000)).toBe(0);
  });

  it("a start-first rolling update loses no request", async () => {
    fs.writeFileSync(
      files.recipeFile,
      recipe((r) => (web(r).env.RELEASE = "2")),
    );
    let polling = true;
    const failures: string[] = [];
    let ok = 0;
    const poll = (async () => {
      while (polling) {
        try {
          const a = await request("https", WEB, HTTPS, "/", { address: NODE });
          if (a.status === 200) ok++;
          else failures.push(String(a.status));
        } catch (e) {
          failures.push(String(e));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const up = await shAsync("pulumi", [
      "up",
      "--yes",
      "--skip-preview",
      "--suppress-progress",
      "-s",
      STACK,
      "--non-interactive",
    ]);
    polling = false;
    await poll;
    expect(up.status, up.output.slice(-3000)).toBe(0);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    expect(webRelease()).toBe("2");
  });

  it(
    "a broken release (its readiness never passes) is undone by recette up once its progress deadline passes, " +
      "while the old pod serves every request",
    async () => {
      expect(webRelease()).toBe("2");
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          web(r).env.RELEASE = "3";
          web(r).health.command = ["php", "-r", "exit(1);"];
        }),
      );
      const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/", { address: NODE })).status);
      const started = Date.now();
      const up = await shAsync(process.execPath, [
        path.join(ROOT, "bin", "recette"),
        "up",
        "-s",
        STACK,
        "--no-refresh",
      ]);
      const seconds = (Date.now() - started) / 1000;
      const answers = await poll.stop();
      expect(up.status, up.output.slice(-3000)).toBe(1);
      expect(up.output).toContain(`recette up: deployment ${NS}-web: the rollout failed (`);
      expect(up.output).toContain(`; recette rolled it back to ${PLUXML_IMAGE}, which serves again`);
      console.log(
        `broken release on Kubernetes: undone and reported in ${seconds.toFixed(0)} s; ${answers.length} requests, ` +
          `${answers.filter((a) => a !== 200).length} failed`,
      );
      expect(answers.length).toBeGreaterThan(30);
      expect(answers.filter((a) => a !== 200)).toEqual([]);
      expect(webRelease()).toBe("2");
      // The recipe fixed (back to release 2): up reads the undone Deployment back and finds nothing left to change.
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => (web(r).env.RELEASE = "2")),
      );
      const fixed = pulumi(STACK, "up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
      expect(fixed.status, fixed.output.slice(-3000)).toBe(0);
    },
  );

  it("an image change updates exactly one Deployment, and the article survives it", async () => {
    const tag = sh("ctr", [
      "--address",
      CONTAINERD,
      "--namespace",
      "k8s.io",
      "images",
      "tag",
      "--force",
      `docker.io/${PLUXML_IMAGE}`,
      `docker.io/${PLUXML_NEXT}`,
    ]);
    expect(tag.status, tag.output).toBe(0);
    fs.writeFileSync(files.recipeFile, recipe(afterImageChange));
    const preview = pulumi(STACK, "preview", "--json", "--suppress-progress");
    expect(preview.status, preview.output.slice(-3000)).toBe(0);
    const steps = (JSON.parse(preview.stdout) as { steps: { op: string; urn: string }[] }).steps.filter(
      (s) => s.op !== "same",
    );
    expect(steps.map((s) => `${s.op} ${s.urn.split("::")[2]!.split("$").pop()}::${s.urn.split("::").pop()}`)).toEqual([
      "update kubernetes:apps/v1:Deployment::blog",
    ]);
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output.slice(-3000)).toBe(0);
    expect(
      kubectl("-n", NS, "get", "deployment", `${NS}-blog`, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
        .stdout,
    ).toBe(PLUXML_NEXT);
    const home = await waitFor(
      "the article after the image update",
      async () => {
        const a = await request("https", HOST, HTTPS, "/", { address: NODE });
        return a.status === 200 && a.body.includes(ARTICLE) ? a : undefined;
      },
      120,
    );
    expect(home.body).toContain(ARTICLE);
  });

  it(
    "recette rollback on the cluster puts back the web's image of an earlier update with no failed request under a " +
      "100 ms loop, pinned until the recipe changes; recette history lists the updates",
    async () => {
      const cli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const webImage = () =>
        kubectl("-n", NS, "get", "deployment", `${NS}-web`, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
          .stdout;
      fs.rmSync(path.join(ROOT, ".recette", "history", `${STACK}.jsonl`), { force: true });
      // recette up prepares the blog's release (e2e-next) from Docker: the tag the cluster's containerd has.
      expect(sh("docker", ["tag", PLUXML_IMAGE, PLUXML_NEXT]).status).toBe(0);
      // Update A: what runs now, recorded by recette up.
      fs.writeFileSync(files.recipeFile, recipe(afterImageChange));
      const a = await cli("up", "-s", STACK, "--no-refresh");
      expect(a.status, a.output.slice(-3000)).toBe(0);
      expect(webImage()).toBe(PLUXML_IMAGE);
      // Update B: the web on another image (the same one under the tag the image change test made).
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          afterImageChange(r);
          web(r).image = PLUXML_NEXT;
        }),
      );
      const b = await cli("up", "-s", STACK, "--no-refresh");
      expect(b.status, b.output.slice(-3000)).toBe(0);
      expect(webImage()).toBe(PLUXML_NEXT);
      // The rollback, under a request every 100 ms.
      const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/", { address: NODE })).status);
      const started = Date.now();
      const back = await cli("rollback", "-s", STACK);
      const seconds = (Date.now() - started) / 1000;
      // The old pods' preStop sleep outlasts the rollout: the loop runs on until they are gone.
      expect(kubectl("-n", NS, "rollout", "status", `deployment/${NS}-web`, "--timeout=300s").status).toBe(0);
      await new Promise((r) => setTimeout(r, 6000));
      const answers = await poll.stop();
      expect(back.status, back.output.slice(-3000)).toBe(0);
      expect(back.output).toContain(`web: ${PLUXML_NEXT} -> ${PLUXML_IMAGE} (update `);
      expect(back.output).toContain(`recette config rm rollback -s ${STACK}`);
      expect(webImage()).toBe(PLUXML_IMAGE);
      const failed = answers.filter((x) => x !== 200);
      console.log(
        `rollback on Kubernetes: web back on ${PLUXML_IMAGE} in ${seconds.toFixed(0)} s; ${answers.length} requests, ` +
          `${failed.length} failed`,
      );
      expect(answers.length).toBeGreaterThan(30);
      expect(failed).toEqual([]);
      const history = sh(process.execPath, [path.join(ROOT, "bin", "recette"), "history", "-s", STACK, "--json"]);
      expect(history.status, history.output).toBe(0);
      const updates = JSON.parse(history.stdout).updates as {
        update: number;
        kind: string;
        rollbackTo?: number;
        images: Record<string, string>;
      }[];
      expect(updates.map((u) => [u.kind, u.images.web])).toEqual([
        ["rollback", PLUXML_IMAGE],
        ["up", PLUXML_NEXT],
        ["up", PLUXML_IMAGE],
      ]);
      expect(updates[0]!.rollbackTo).toBe(updates[2]!.update);
      // The pin holds while the recipe stays as it is.
      const again = await cli("up", "-s", STACK, "--no-refresh");
      expect(again.status, again.output.slice(-3000)).toBe(0);
      expect(again.output).toContain("images pinned by recette rollback");
      expect(webImage()).toBe(PLUXML_IMAGE);
      // Back to the suite's recipe, the pin removed as the message says.
      expect(
        sh(process.execPath, [path.join(ROOT, "bin", "recette"), "config", "rm", "rollback", "-s", STACK]).status,
      ).toBe(0);
      fs.writeFileSync(files.recipeFile, recipe(afterImageChange));
      const settled = await cli("up", "-s", STACK, "--no-refresh");
      expect(settled.status, settled.output.slice(-3000)).toBe(0);
      expect(webImage()).toBe(PLUXML_IMAGE);
    },
  );

  it(
    "recette node on the one-node cluster: every Deployment listed as downtime and the drain refused without " +
      "--accept-downtime; with it, kubectl drain evicts them, activate uncordons, the blog serves its article " +
      "again",
    async () => {
      const node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").stdout.trim();
      const cli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const cordoned = () => kubectl("get", "node", node, "-o", "jsonpath={.spec.unschedulable}").stdout.trim();
      const refused = await cli("node", "drain", "-s", STACK, node);
      expect(refused.status, refused.output).toBe(1);
      expect(refused.output).toContain(`${node}: ${NS}-blog: DOWNTIME: no other node may run it`);
      expect(refused.output).toContain("would be unavailable (above); nothing was changed");
      expect(cordoned()).toBe("");
      const t0 = Date.now();
      const drained = await cli("node", "drain", "-s", STACK, node, "--accept-downtime");
      expect(drained.status, drained.output).toBe(0);
      expect(drained.output).toContain(`${node}: drained in `);
      expect(cordoned()).toBe("true");
      expect(podOf("blog")).toBe("");
      const activated = await cli("node", "activate", "-s", STACK, node);
      expect(activated.status, activated.output).toBe(0);
      expect(cordoned()).toBe("");
      await waitFor(
        "the article after the node is back",
        async () => {
          const a = await request("https", HOST, HTTPS, "/", { address: NODE }).catch(() => undefined);
          return a?.status === 200 && a.body.includes(ARTICLE) ? true : undefined;
        },
        300,
      );
      console.log(
        `recette node on the one-node cluster: drain and activate, the blog back with its article ` +
          `${Math.round((Date.now() - t0) / 1000)} s after the drain began`,
      );
    },
  );

  it(
    "recette node drain on two nodes: the web's pods leave the drained node one at a time (its " +
      "PodDisruptionBudget) with no failed request under a 100 ms loop; activate uncordons it",
    async () => {
      const cli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const first = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").stdout.trim();
      const second = "recette-node-2";
      let t0 = Date.now();
      const joined = ensureKubernetes("--nodes", "2");
      expect(joined.status, joined.output.slice(-3000)).toBe(0);
      expect(
        kubectl("get", "node", second, "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}").stdout,
      ).toBe("True");
      console.log(
        `a second node joined the cluster (ensure-kubernetes --nodes 2) in ${Math.round((Date.now() - t0) / 1000)} s`,
      );
      const webNodes = () =>
        kubectl(
          "-n",
          NS,
          "get",
          "pods",
          "-l",
          "recette.workload=web",
          "--field-selector=status.phase=Running",
          "-o",
          "jsonpath={range .items[*]}{.spec.nodeName}{' '}{end}",
        )
          .stdout.trim()
          .split(" ")
          .filter(Boolean);
      const cordoned = (n: string) => kubectl("get", "node", n, "-o", "jsonpath={.spec.unschedulable}").stdout.trim();
      const twoReplicas = (r: Record<string, any>) => {
        afterImageChange(r);
        web(r).replicas = 2;
      };
      // The web with two replicas (and so a PodDisruptionBudget), both on the second node: the first is
      // cordoned while the replica is added and the Deployment restarts.
      expect(kubectl("cordon", first).status).toBe(0);
      try {
        fs.writeFileSync(files.recipeFile, recipe(twoReplicas));
        const scaled = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
        expect(scaled.status, scaled.output.slice(-3000)).toBe(0);
        expect(kubectl("-n", NS, "get", "poddisruptionbudget", `${NS}-web`, "-o", "name").status).toBe(0);
        expect(kubectl("-n", NS, "rollout", "restart", `deployment/${NS}-web`).status).toBe(0);
        const rolled = kubectl("-n", NS, "rollout", "status", `deployment/${NS}-web`, "--timeout=300s");
        expect(rolled.status, rolled.output).toBe(0);
      } finally {
        expect(kubectl("uncordon", first).status).toBe(0);
      }
      await waitFor("the web's old pods gone", async () => (webNodes().length === 2 ? true : undefined), 120);
      expect(webNodes()).toEqual([second, second]);
      // Served from the second node through Traefik on the first (the node's address, as before).
      expect((await request("https", WEB, HTTPS, "/", { address: NODE })).status).toBe(200);

      t0 = Date.now();
      const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/", { address: NODE })).status);
      const drained = await cli("node", "drain", "-s", STACK, second);
      const seconds = (Date.now() - t0) / 1000;
      // The pods' preStop sleep ends after the drain returns: the loop runs on until they are gone.
      await waitFor("the web's evicted pods gone", async () => (webNodes().length === 2 ? true : undefined), 120);
      await new Promise((r) => setTimeout(r, 6000));
      const answers = await poll.stop();
      expect(drained.status, drained.output).toBe(0);
      expect(drained.output).toContain(
        `${second}: ${NS}-web: 2 replicas: its pods on ${second} evicted one at a time (its PodDisruptionBudget)`,
      );
      expect(drained.output).not.toContain("DOWNTIME");
      expect(drained.output).toContain(`${second}: drained in `);
      expect(cordoned(second)).toBe("true");
      expect(webNodes()).toEqual([first, first]);
      const failed = answers.filter((a) => a !== 200);
      console.log(
        `recette node drain on two nodes: the web's 2 pods moved in ${seconds.toFixed(1)} s; ${answers.length} ` +
          `requests, ${failed.length} failed`,
      );
      expect(answers.length).toBeGreaterThan(30);
      expect(failed).toEqual([]);

      const activated = await cli("node", "activate", "-s", STACK, second);
      expect(activated.status, activated.output).toBe(0);
      expect(cordoned(second)).toBe("");
    },
  );

  it(
    "back to one node and one web replica for what follows: ensure-kubernetes --nodes 1 drains and removes the " +
      "second node",
    async () => {
      const first = "recette-node";
      // Runs after the two-node test whatever its outcome, so the suites after it find the one-node cluster.
      const one = ensureKubernetes("--nodes", "1");
      expect(one.status, one.output.slice(-3000)).toBe(0);
      expect(kubectl("get", "nodes", "-o", "name").stdout.trim()).toBe(`node/${first}`);
      fs.writeFileSync(files.recipeFile, recipe(afterImageChange));
      const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
      expect(up.status, up.output.slice(-3000)).toBe(0);
      expect(kubectl("-n", NS, "get", "poddisruptionbudget", "-o", "name").stdout.trim()).toBe("");
      await waitFor(
        "the web on the first node",
        async () => ((await request("https", WEB, HTTPS, "/", { address: NODE })).status === 200 ? true : undefined),
        120,
      );
    },
  );

  it(
    "recette backup and restore on the cluster: the claims archived from the running blog; restore --stop puts " +
      "them back over a later change",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-k3s-backup-"));
      const archive = path.join(dir, "k3s.tar.gz");
      const recette = (...args: string[]) => sh(path.join(ROOT, "bin", "recette"), args);
      try {
        // the stack's kubeconfig: this cluster's (nodes.provider local reads $KUBECONFIG, set above)
        let t0 = Date.now();
        const b = recette("backup", "--stack", STACK, archive);
        expect(b.status, b.output).toBe(0);
        const backupSeconds = (Date.now() - t0) / 1000;
        expect(b.stdout).toMatch(
          new RegExp(
            `^wrote ${archive.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: stack ${STACK} \\(recipe e2e-k3s\\), ` +
              "blog-data \\(\\d+ files, [^)]+\\), traefik-acme \\(1 file, [^)]+\\); sha256 [0-9a-f]{64}\\n$",
          ),
        );
        expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
        const listing = sh("tar", ["--list", "--verbose", "--gzip", "--file", archive]).stdout;
        expect(listing).toMatch(/^-rw------- \S+ .* volumes\/traefik-acme\/acme\.json$/m);
        expect(listing).toContain("volumes/blog-data/configuration/users.xml");
        const article = listing
          .split("\n")
          .find((l) => /volumes\/blog-data\/articles\/.*\.xml$/.test(l) && l.includes("recette-k3s-e2e"));
        expect(article, listing).toBeDefined();
        // no helper pod is left behind
        expect(kubectl("-n", NS, "get", "pods", "-l", "recette.helper", "-o", "name").stdout.trim()).toBe("");

        // a change after the backup: another article
        const LATER = `Written after the backup ${Date.now()}`;
        const a = new PluxmlBrowser("https", HOST, HTTPS, false, NODE);
        expect((await a.login("admin", ADMIN_PASSWORD)).status).toBe(302);
        expect((await publishArticle(a, LATER, "<p>Not in the backup.</p>")).status).toBe(302);
        expect((await request("https", HOST, HTTPS, "/", { address: NODE })).body).toContain(LATER);

        // the blog runs: a restore without --stop is refused, and changes nothing
        const refused = recette("restore", "--stack", STACK, archive);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain(`is in use by service ${NS}-`);
        expect(refused.stderr).toContain("pass --stop");
        expect((await request("https", HOST, HTTPS, "/", { address: NODE })).body).toContain(LATER);

        t0 = Date.now();
        const r = recette("restore", "--stack", STACK, "--stop", archive);
        expect(r.status, r.output).toBe(0);
        expect(r.stderr).toContain(`recette restore: scaling ${NS}-blog from 1 to 0`);
        expect(r.stderr).toContain(`recette restore: scaling ${NS}-blog back to 1`);
        expect(r.stdout).toMatch(/^restored .*: blog-data \(\d+ files, [^)]+\), traefik-acme \(1 file/);
        const home = await waitFor(
          "the blog back, as it was at the backup",
          async () => {
            const h = await request("https", HOST, HTTPS, "/", { address: NODE });
            if (h.status === 200 && h.body.includes(ARTICLE)) return h;
            // What it answers instead is the failure's context (waitFor reports the last one).
            throw new Error(
              `HTTP ${h.status}${h.status === 200 ? " without the article" : ""}: ${h.body.slice(0, 300)}`,
            );
          },
          180,
        );
        expect(home.body).not.toContain(LATER);
        console.log(
          `[figure] k3s backup of the running blog's claims: ${backupSeconds.toFixed(1)} s; restore --stop until the ` +
            `blog answers as at the backup: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        expect(kubectl("-n", NS, "get", "deployment", `${NS}-blog`, "-o", "jsonpath={.spec.replicas}").stdout).toBe(
          "1",
        );
        expect(kubectl("-n", NS, "get", "pods", "-l", "recette.helper", "-o", "name").stdout.trim()).toBe("");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  /** What a drill must leave as it was: the stack's Deployments (their generations), pods and claims. */
  const untouched = () => {
    const list = (kind: string, field: string) =>
      kubectl("-n", NS, "get", kind, "-o", `jsonpath={range .items[*]}{.metadata.name} ${field}{"\\n"}{end}`)
        .stdout.trim()
        .split("\n")
        .sort();
    return {
      deployments: list("deployments", "{.metadata.generation}"),
      pods: list("pods", "{.status.phase}"),
      claims: list("pvc", "{.spec.volumeName}"),
    };
  };

  it(
    "recette drill restores a backup taken now into a scratch stack behind the stack's Traefik: every article and " +
      "the admin's login pass, RPO and RTO printed, the scratch stack's namespace and claims removed, the stack " +
      "untouched",
    async () => {
      const before = untouched();
      // The blog, relay, Traefik, Pebble and web: a comparison of two empty lists would prove nothing.
      expect(before.deployments.filter((d) => d.startsWith(`${NS}-blog `))).toHaveLength(1);
      expect(before.claims.filter((c) => c.startsWith(`${NS}-blog-data `))).toHaveLength(1);
      const r = await shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), "drill", "-s", STACK, "--json"]);
      expect(r.status, r.output.slice(-4000)).toBe(0);
      checkDrillReport(r.stdout, { what: "k3s", stack: STACK, url: `https://drill.${HOST}/` });
      // Nothing of the scratch stack is left (its namespace held its claims), and the stack ran on, untouched.
      const ns = kubectl("get", "namespace", `${NS}-drill`, "--ignore-not-found", "-o", "name");
      expect(ns.status, ns.output).toBe(0);
      expect(ns.stdout.trim()).toBe("");
      expect(
        kubectl("get", "pv", "-o", 'jsonpath={range .items[*]}{.spec.claimRef.namespace}{"\\n"}{end}').stdout,
      ).not.toContain(`${NS}-drill`);
      expect(fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${STACK}-drill.yaml`))).toBe(false);
      expect(untouched()).toEqual(before);
      expect((await request("https", HOST, HTTPS, "/", { address: NODE })).body).toContain(ARTICLE);
    },
  );

  it("recette drill of a corrupted archive fails before anything is deployed, naming the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-k3s-drill-"));
    try {
      const archive = path.join(dir, "k3s.tar.gz");
      const b = sh(path.join(ROOT, "bin", "recette"), ["backup", "--stack", STACK, archive]);
      expect(b.status, b.output).toBe(0);
      const bytes = fs.readFileSync(archive);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      const bad = path.join(dir, "corrupted.tar.gz");
      fs.writeFileSync(bad, bytes);
      const r = await shAsync(process.execPath, [
        path.join(ROOT, "bin", "recette"),
        "drill",
        "-s",
        STACK,
        "--backup",
        bad,
      ]);
      expect(r.status, r.output).toBe(1);
      expect(r.stderr).toContain(`recette drill: ${bad}: `);
      expect(kubectl("get", "namespace", `${NS}-drill`, "--ignore-not-found", "-o", "name").stdout.trim()).toBe("");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    "a preview environment on the cluster: its own blog in its own namespace behind the stack's Traefik; down " +
      "removes it and its claims, the stack untouched",
    async () => {
      const cli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const before = untouched();
      const up = await cli("env", "up", "-s", STACK, "--name", "pr-1", "--json");
      expect(up.status, up.output.slice(-4000)).toBe(0);
      expect(JSON.parse(up.stdout)).toMatchObject({
        environment: `${STACK}-pr-1`,
        urls: [`https://pr-1.${HOST}/`, `https://pr-1.${WEB}/`],
      });
      // Its own data: a fresh blog, without the stack's article; the stack's blog keeps it.
      const pr1 = await request("https", `pr-1.${HOST}`, HTTPS, "/", { address: NODE });
      expect(pr1.status).toBe(200);
      expect(pr1.body).not.toContain(ARTICLE);
      expect((await request("https", HOST, HTTPS, "/", { address: NODE })).body).toContain(ARTICLE);
      expect(kubectl("-n", `${NS}-pr-1`, "get", "pvc", "-o", "name").stdout).toContain(`${NS}-pr-1-blog-data`);
      const down = await cli("env", "down", "-s", STACK, "--name", "pr-1");
      expect(down.status, down.output.slice(-4000)).toBe(0);
      expect(kubectl("get", "namespace", `${NS}-pr-1`, "--ignore-not-found", "-o", "name").stdout.trim()).toBe("");
      expect(fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${STACK}-pr-1.yaml`))).toBe(false);
      expect(untouched()).toEqual(before);
    },
  );

  it("autoscaling: the HorizontalPodAutoscaler is accepted by the cluster", () => {
    fs.writeFileSync(
      files.recipeFile,
      recipe((r) => {
        afterImageChange(r);
        web(r).autoscale = { min: 1, max: 3, cpuPercent: 75 };
      }),
    );
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output.slice(-3000)).toBe(0);
    const hpa = kubectl(
      "-n",
      NS,
      "get",
      "hpa",
      `${NS}-web`,
      "-o",
      "jsonpath={.spec.minReplicas} {.spec.maxReplicas} {.spec.scaleTargetRef.name}",
    );
    expect(hpa.stdout).toBe(`1 3 ${NS}-web`);
  });

  it("destroy leaves only the retained claims", () => {
    const down = pulumi(STACK, "destroy", "--yes", "--skip-preview", "--suppress-progress");
    expect(down.status, down.output.slice(-3000)).toBe(0);
    // The namespace is kept (deleting it would delete the claims in it); in it, only the claims that
    // hold data: the blog's data/, Traefik's acme.json, the relay's spool and mailbox.
    const left = kubectl(
      "get",
      "deployments,services,ingresses,configmaps,secrets,hpa,serviceaccounts,pvc",
      "-n",
      NS,
      "-l",
      `recette.stack=${NS}`,
      "-o",
      "name",
    );
    expect(left.stdout.trim().split("\n").sort()).toEqual(
      ["blog-data", "relay-mail", "relay-spool", "traefik-acme"].map((c) => `persistentvolumeclaim/${NS}-${c}`),
    );
    expect(
      kubectl("get", "clusterroles,clusterrolebindings", "-l", `recette.stack=${NS}`, "-o", "name").stdout.trim(),
    ).toBe("");
  });

  it("leaves the host as it found it: a cluster it started is stopped and leaves nothing behind", () => {
    if (!before) {
      // Found running: it stays running and answering, as it was found.
      expect(ensureKubernetes("--kubeconfig").status).toBe(0);
      expect(
        kubectl("get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}").stdout,
      ).toBe("True");
      return;
    }
    const down = ensureKubernetes("--down");
    expect(down.status, down.output.slice(-3000)).toBe(0);
    expect(hostSnapshot()).toEqual(before);
  });
});
