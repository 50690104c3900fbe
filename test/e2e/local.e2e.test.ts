import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { noIpvsMessage } from "../../components/preflight";
import {
  checkDrillReport,
  converged,
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
  stackObjects,
  waitFor,
} from "./helpers";
import { publishArticle, PluxmlBrowser } from "./pluxml";

// The `local` recipe, deployed by the real Pulumi engine onto this machine's Docker Swarm, on a
// stack of its own (e2e) with Traefik on ports 18080/18443 so it never meets a running `local`.
const STACK = "e2e";
const LABEL = `recette-${STACK}`;
const HOST = "blog.local.test";
const HTTP = 18080;
const HTTPS = 18443;

const WEB = "web.local.test";
const PLUXML_IMAGE = /^PLUXML_IMAGE=(.+)$/m.exec(fs.readFileSync(`${ROOT}/images/versions.env`, "utf8"))![1]!;
/** The e2e stack's blogAdminPassword (set with pulumi config set --secret). */
const ADMIN_PASSWORD = "e2e-admin-password";

/** The local recipe plus a stateless service that rolls start-first (the zero-downtime check). */
const recipe = (mutate: (r: Record<string, any>) => void = () => undefined) => {
  const r = parse(fs.readFileSync(`${ROOT}/recipes/local.yaml`, "utf8")) as Record<string, any>;
  r.edge.traefik.ports = { http: HTTP, https: HTTPS };
  r.apps.push({ service: rollingWebService(WEB, PLUXML_IMAGE) });
  mutate(r);
  return stringify(r);
};
/** The article the admin publishes; it must survive updates. */
const ARTICLE = `Recette e2e ${Date.now()}: written through the admin`;
const homeShowsArticle = async () => {
  const home = await request("https", HOST, HTTPS, "/");
  return home.status === 200 && home.body.includes(ARTICLE);
};
/** The backup the suite takes of the running stack, restored after the data volume is removed. */
const BACKUP = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recette-e2e-backup-")), "e2e.tar.gz");
/** The web service's tasks, old ones included, with their states and errors (a failure's context). */
const webTasks = () =>
  sh("docker", [
    "service",
    "ps",
    "--no-trunc",
    "--format",
    "{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}",
    `${LABEL}-web`,
  ]).stdout;
/** The image a service of the e2e stack runs (its spec, as Swarm holds it). */
const serviceImage = (service: string) =>
  sh("docker", [
    "service",
    "inspect",
    `${LABEL}-${service}`,
    "--format",
    "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
  ]).stdout.trim();
const webRelease = (release: string) => (r: Record<string, any>) => (r.apps[2].service.env.RELEASE = release);

describe("the local environment on the real engine", () => {
  let files: { recipeFile: string; stackFile: string };
  beforeAll(() => {
    // From nothing: the volumes a previous run kept on purpose (retainOnDelete) are this test stack's own.
    for (const v of sh("docker", ["volume", "ls", "-q", "--filter", `label=recette.stack=${LABEL}`])
      .stdout.split("\n")
      .filter(Boolean))
      sh("docker", ["volume", "rm", v]);
    files = makeStack(STACK, recipe());
    const set = pulumi(STACK, "config", "set", "--secret", "blogAdminPassword", ADMIN_PASSWORD);
    if (set.status !== 0) throw new Error(`pulumi config set --secret blogAdminPassword: ${set.output}`);
  });
  afterAll(() => {
    const down = pulumi(STACK, "destroy", "--refresh", "--yes", "--skip-preview");
    fs.rmSync(files.stackFile, { force: true });
    mustSucceed(`pulumi destroy -s ${STACK}`, down);
  });

  it("pulumi up from nothing brings the blog up behind Traefik with a Pebble certificate", async () => {
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    expect((await converged(LABEL)).length).toBe(5);
    const answer = await waitFor(
      "HTTPS 200 from the blog",
      async () => {
        const a = await request("https", HOST, HTTPS, "/");
        return a.status === 200 ? a : undefined;
      },
      240,
    );
    expect(answer.body).toContain("<title>Recette local blog - Blog or CMS, XML powered !</title>");
    // Until ACME completes Traefik serves its default certificate; then Pebble's must replace it.
    const cert = await waitFor(
      "a certificate issued by Pebble",
      async () => {
        const c = await peerCertificate(HOST, HTTPS);
        return /^Pebble Intermediate CA/.test(String(c.issuer.CN)) ? c : undefined;
      },
      180,
    ).catch((e: Error) => {
      // What Traefik and Pebble said about ACME, so a failure here can be understood from CI's log.
      const logs = (svc: string) =>
        sh("docker", ["service", "logs", "--no-task-ids", "--tail", "60", `${LABEL}-${svc}`]).output;
      const acme = logs("traefik")
        .split("\n")
        .filter((l) => /acme|certificate|error|level=(warn|error)/i.test(l) && !/"GET /.test(l));
      throw new Error(
        `${e.message}\n--- traefik (ACME lines) ---\n${acme.join("\n")}\n--- pebble ---\n${logs("pebble")}`,
      );
    });
    expect(cert.subjectaltname).toContain(`DNS:${HOST}`);
  });

  it("redirects HTTP to HTTPS", async () => {
    const a = await request("http", HOST, HTTP, "/some/page");
    expect([301, 308]).toContain(a.status);
    expect(a.headers.location).toBe(`https://${HOST}/some/page`);
  });

  it("delivers PluXml's lost-password mail through OpenSMTPD into the mailbox", async () => {
    // over real HTTPS through Traefik, which sets X-Forwarded-Proto itself
    const b = new PluxmlBrowser("https", HOST, HTTPS, false);
    await b.get("/core/admin/");
    const a = await b.submit(
      "/core/admin/auth.php?action=lostpassword",
      { lostpassword_id: "admin" },
      { Referer: `https://${HOST}/core/admin/auth.php?action=lostpassword` },
    );
    expect(a.body).toContain('<p class="alert green">An email has been sent to the user</p>');
    const marker = "Hi admin,";
    const relay = sh("docker", [
      "ps",
      "-q",
      "--filter",
      `label=com.docker.swarm.service.name=${LABEL}-relay`,
    ]).stdout.trim();
    expect(relay).not.toBe("");
    const mail = await waitFor(
      "the message in the relay's Maildir",
      async () => {
        const r = sh("docker", ["exec", relay, "sh", "-c", "cat /var/mail/mailsink/Maildir/new/* 2>/dev/null || true"]);
        return r.stdout.includes(marker) ? r.stdout : undefined;
      },
      60,
    );
    expect(mail).toMatch(/^To: .*contact@blog\.local\.test/m);
  });

  it(
    "the admin logs in over HTTPS with the stack's secret (not another), publishes an article through its own " +
      "form, and the home page shows it",
    async () => {
      const wrong = new PluxmlBrowser("https", HOST, HTTPS, false);
      expect((await wrong.login("admin", "not-the-secret")).body).toContain(
        '<p class="alert red">Incorrect login or password</p>',
      );
      const b = new PluxmlBrowser("https", HOST, HTTPS, false);
      const login = await b.login("admin", ADMIN_PASSWORD);
      expect(login.status).toBe(302);
      const published = await publishArticle(
        b,
        ARTICLE,
        "<p>Published by the end-to-end suite with PluXml's CSRF token.</p>",
      );
      expect(published.status, published.body.slice(0, 400)).toBe(302);
      expect(published.headers.location).toMatch(/^article\.php\?a=\d{4}$/);
      expect(await homeShowsArticle()).toBe(true);
    },
  );

  it.each([
    ["/data/configuration/users.xml", 403],
    ["/data/configuration/parametres.xml", 403],
    ["/core/lib/class.plx.admin.php", 403],
    ["/install.php", 403],
    ["/readme/", 404],
  ])("does not serve %s through Traefik (%d)", async (path, status) => {
    const a = await request("https", HOST, HTTPS, path);
    expect(a.status).toBe(status);
    expect(a.body).not.toContain("<password>");
  });

  it("a second preview finds nothing to change", () => {
    const p = pulumi(STACK, "preview", "--expect-no-changes", "--suppress-progress");
    expect(p.status, p.output).toBe(0);
  });

  it("a rolling update of a start-first service loses no request", async () => {
    await waitFor(
      "the web service answering",
      async () => ((await request("https", WEB, HTTPS, "/")).status === 200 ? true : undefined),
      120,
    );
    const taskBefore = sh("docker", [
      "service",
      "ps",
      "-q",
      "--filter",
      "desired-state=running",
      `${LABEL}-web`,
    ]).stdout.trim();
    fs.writeFileSync(files.recipeFile, recipe(webRelease("2")));
    const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/")).status);
    const up = await shAsync("pulumi", [
      "up",
      "--yes",
      "--skip-preview",
      "--suppress-progress",
      "-s",
      STACK,
      "--non-interactive",
    ]);
    expect(up.status, up.output).toBe(0);
    await waitFor(
      "the update completed",
      async () => {
        const state = sh("docker", [
          "service",
          "inspect",
          `${LABEL}-web`,
          "--format",
          "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
        ]).stdout.trim();
        return state === "completed" ? state : undefined;
      },
      180,
    );
    // Keep asking while the old task stops and Traefik forgets it.
    await new Promise((r) => setTimeout(r, 6000));
    const answers = await poll.stop();
    const taskAfter = sh("docker", [
      "service",
      "ps",
      "-q",
      "--filter",
      "desired-state=running",
      `${LABEL}-web`,
    ]).stdout.trim();
    expect(taskAfter).not.toBe(taskBefore);
    expect(answers.length).toBeGreaterThan(30);
    expect(
      answers.filter((s) => s !== 200),
      webTasks(),
    ).toEqual([]);
  });

  it(
    "a broken release (its health check never passes) is rolled back by Swarm while the old one serves every " +
      "request; recette up exits 1 naming it",
    async () => {
      const envBefore = sh("docker", [
        "service",
        "inspect",
        `${LABEL}-web`,
        "--format",
        "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
      ]).stdout;
      expect(envBefore).toContain("RELEASE=2");
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          webRelease("3")(r);
          r.apps[2].service.health.command = ["php", "-r", "exit(1);"];
        }),
      );
      const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/")).status);
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
      expect(up.status, up.output).toBe(1);
      expect(up.output).toContain(`recette up: service ${LABEL}-web: the update failed (`);
      // What serves again: the previous image (with its digest when the service pins one).
      expect(up.output).toContain(`; Swarm rolled it back to ${PLUXML_IMAGE}`);
      // No "waiting for Swarm" line is required: when the engine's update takes longer than Swarm's
      // rollback (the CI run of 77fd93e: 27 s under load), the rollback has already ended when up looks.
      console.log(
        `broken release: rolled back and reported in ${seconds.toFixed(0)} s; ${answers.length} requests, ` +
          `${answers.filter((a) => a !== 200).length} failed`,
      );
      expect(answers.length).toBeGreaterThan(30);
      // On failure, the service's task history says which task stopped serving and why.
      expect(
        answers.filter((a) => a !== 200),
        webTasks(),
      ).toEqual([]);
      expect(
        sh("docker", [
          "service",
          "inspect",
          `${LABEL}-web`,
          "--format",
          "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
        ]).stdout,
      ).toBe(envBefore);
      // The recipe fixed (back to release 2): up reads the rolled-back service and finds nothing left to change.
      fs.writeFileSync(files.recipeFile, recipe(webRelease("2")));
      const fixed = pulumi(STACK, "up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
      expect(fixed.status, fixed.output).toBe(0);
    },
  );

  it("a new PluXml image tag updates exactly the blog service, and the article stays", async () => {
    const current = serviceImage("blog");
    const versions = fs.readFileSync(`${ROOT}/images/versions.env`, "utf8");
    const v = /^PLUXML_VERSION=(.+)$/m.exec(versions)![1]!;
    expect(current).toBe(`recette/pluxml:${v}`);
    expect(sh("docker", ["tag", current, "recette/pluxml:e2e-next"]).status).toBe(0);
    fs.writeFileSync(
      files.recipeFile,
      recipe((r) => {
        webRelease("2")(r);
        r.apps[0].pluxml.version = "e2e-next";
      }),
    );
    const preview = pulumi(STACK, "preview", "--json", "--suppress-progress");
    expect(preview.status, preview.output).toBe(0);
    const steps = (JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[];
    const changed = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
    expect(changed).toEqual(["update blog"]);
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    expect(serviceImage("blog")).toBe("recette/pluxml:e2e-next");
    // The data volume outlives the task: the article is still there, served by the new image.
    expect(
      await waitFor(
        "the article on the updated blog",
        async () => ((await homeShowsArticle()) ? true : undefined),
        120,
      ),
    ).toBe(true);
  });

  it(
    "a broken release of the stop-first blog (its container exits): Swarm brings the old task back with the " +
      "article, recette up exits 1 naming it; the gap is printed",
    async () => {
      // The release on the machine now, its entrypoint replaced by one that exits at once.
      const broken = "recette/pluxml:e2e-broken";
      const build = sh("docker", ["build", "-q", "-t", broken, "-"], {
        input: 'FROM recette/pluxml:e2e-next\nENTRYPOINT ["sh", "-c", "echo this release is broken >&2; exit 3"]\n',
      });
      expect(build.status, build.output).toBe(0);
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          webRelease("2")(r);
          r.apps[0].pluxml.version = "e2e-broken";
        }),
      );
      const stamped: { at: number; status: number }[] = [];
      const poll = pollWhile(async () => {
        const status = await request("https", HOST, HTTPS, "/")
          .then((a) => a.status)
          .catch(() => 0);
        stamped.push({ at: Date.now(), status });
        return status;
      });
      const started = Date.now();
      const up = await shAsync(process.execPath, [
        path.join(ROOT, "bin", "recette"),
        "up",
        "-s",
        STACK,
        "--no-refresh",
      ]);
      const seconds = (Date.now() - started) / 1000;
      // Served again: the old task is back and its data volume still holds the article.
      await waitFor(
        "the article on the rolled-back blog",
        async () => ((await homeShowsArticle()) ? true : undefined),
        180,
      );
      await poll.stop();
      expect(up.status, up.output).toBe(1);
      expect(up.output).toContain(`recette up: service ${LABEL}-blog: the update failed (`);
      expect(up.output).toContain("; Swarm rolled it back to recette/pluxml:e2e-next");
      expect(serviceImage("blog")).toBe("recette/pluxml:e2e-next");
      // Stop-first: the old task stops before the new one starts, so there is a gap; measured, not hidden.
      const failed = stamped.filter((a) => a.status !== 200);
      const lastFailed = failed.at(-1);
      const back = lastFailed ? stamped.find((a) => a.at > lastFailed.at && a.status === 200) : undefined;
      const gap = failed.length > 0 ? ((back?.at ?? Date.now()) - failed[0]!.at) / 1000 : 0;
      console.log(
        `broken release of the stop-first blog: recette up exited 1 after ${seconds.toFixed(0)} s; ${stamped.length} ` +
          `requests, ${failed.length} failed, a gap of ${gap.toFixed(1)} s until the old task answered`,
      );
      expect(stamped.length).toBeGreaterThan(30);
      expect(back ?? stamped.at(-1)).toMatchObject({ status: 200 });
      // The recipe fixed (back to e2e-next): nothing left to change once up has read the rolled-back service.
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          webRelease("2")(r);
          r.apps[0].pluxml.version = "e2e-next";
        }),
      );
      const fixed = pulumi(STACK, "up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
      expect(fixed.status, fixed.output).toBe(0);
    },
  );

  it(
    "recette rollback puts back the images of an earlier update with no failed request, pinned until the recipe " +
      "changes; recette history lists them",
    async () => {
      const recetteCli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const webImage = () => serviceImage("web");
      fs.rmSync(path.join(ROOT, ".recette", "history", `${STACK}.jsonl`), { force: true });
      const base = (r: Record<string, any>) => {
        webRelease("2")(r);
        r.apps[0].pluxml.version = "e2e-next";
      };
      // Update A: what runs now, recorded by recette up.
      const a = await recetteCli("up", "-s", STACK, "--no-refresh");
      expect(a.status, a.output).toBe(0);
      expect(webImage()).toBe(PLUXML_IMAGE);
      // Update B: the web service on another image.
      expect(sh("docker", ["tag", PLUXML_IMAGE, "recette/pluxml:e2e-web-next"]).status).toBe(0);
      const withNext = recipe((r) => {
        base(r);
        r.apps[2].service.image = "recette/pluxml:e2e-web-next";
      });
      fs.writeFileSync(files.recipeFile, withNext);
      const b = await recetteCli("up", "-s", STACK, "--no-refresh");
      expect(b.status, b.output).toBe(0);
      expect(webImage()).toBe("recette/pluxml:e2e-web-next");
      await converged(LABEL);
      // The rollback, under a request every 100 ms.
      const poll = pollWhile(async () => (await request("https", WEB, HTTPS, "/")).status);
      const started = Date.now();
      const back = await recetteCli("rollback", "-s", STACK);
      const seconds = (Date.now() - started) / 1000;
      await converged(LABEL);
      await new Promise((r) => setTimeout(r, 6000));
      const answers = await poll.stop();
      expect(back.status, back.output).toBe(0);
      expect(back.output).toContain(`web: recette/pluxml:e2e-web-next -> ${PLUXML_IMAGE} (update `);
      expect(back.output).toContain(`recette config rm rollback -s ${STACK}`);
      expect(webImage()).toBe(PLUXML_IMAGE);
      console.log(
        `rollback: web back on ${PLUXML_IMAGE} in ${seconds.toFixed(0)} s; ${answers.length} requests, ` +
          `${answers.filter((x) => x !== 200).length} failed`,
      );
      expect(answers.length).toBeGreaterThan(30);
      expect(
        answers.filter((x) => x !== 200),
        webTasks(),
      ).toEqual([]);
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
        ["up", "recette/pluxml:e2e-web-next"],
        ["up", PLUXML_IMAGE],
      ]);
      expect(updates[0]!.rollbackTo).toBe(updates[2]!.update);
      // The pin holds while the recipe stays as it is.
      const again = await recetteCli("up", "-s", STACK, "--no-refresh");
      expect(again.status, again.output).toBe(0);
      expect(again.output).toContain("images pinned by recette rollback");
      expect(webImage()).toBe(PLUXML_IMAGE);
      // The recipe changes: the pin is lifted (said), and the recipe's image runs.
      fs.writeFileSync(
        files.recipeFile,
        recipe((r) => {
          base(r);
          r.apps[2].service.image = "recette/pluxml:e2e-web-next";
          r.apps[2].service.env.RELEASE = "5";
        }),
      );
      const changed = await recetteCli("up", "-s", STACK, "--no-refresh");
      expect(changed.status, changed.output).toBe(0);
      expect(changed.output).toContain("were pinned for an earlier recipe");
      expect(webImage()).toBe("recette/pluxml:e2e-web-next");
      // Back to the suite's recipe, the pin removed as the message says.
      expect(
        sh(process.execPath, [path.join(ROOT, "bin", "recette"), "config", "rm", "rollback", "-s", STACK]).status,
      ).toBe(0);
      fs.writeFileSync(files.recipeFile, recipe(base));
      const restored = await recetteCli("up", "-s", STACK, "--no-refresh");
      expect(restored.status, restored.output).toBe(0);
      await converged(LABEL);
    },
  );

  it("backs up the running blog and acme.json without stopping them (recette backup)", () => {
    const b = sh(process.execPath, [`${ROOT}/bin/recette`, "backup", "--stack", STACK, BACKUP]);
    expect(b.status, b.output).toBe(0);
    expect(b.stdout).toMatch(
      /^wrote .*: stack e2e \(recipe local\), blog-data \(\d+ files?, .*\), traefik-acme \(1 file, /,
    );
    expect(fs.statSync(BACKUP).mode & 0o777).toBe(0o600);
    const listing = sh("tar", ["-tvzf", BACKUP]).stdout;
    expect(listing.split("\n")[0]).toMatch(/ manifest\.json$/);
    expect(listing).toMatch(/^-rw------- \S+ +\d+ .* volumes\/traefik-acme\/acme\.json$/m);
    expect(listing).toMatch(/ volumes\/blog-data\/configuration\/users\.xml$/m);
  });

  /** stackObjects of a stack removed with its data (a drill's scratch stack, a preview environment). */
  const NOTHING_LEFT = { services: [], containers: [], networks: [], secrets: [], configs: [], volumes: [] };

  /** What a drill must leave as it was: the stack's services (spec versions), containers, networks and volumes. */
  const untouched = (label = LABEL) => {
    const o = stackObjects(label);
    const versions = o.services.map(
      (id) => sh("docker", ["service", "inspect", id, "--format", "{{.Spec.Name}} {{.Version.Index}}"]).stdout,
    );
    return { versions: versions.sort(), containers: o.containers.sort(), networks: o.networks, volumes: o.volumes };
  };

  it(
    "recette drill restores a backup taken now into a scratch stack behind the stack's Traefik: every article and " +
      "the admin's login pass, RPO and RTO printed, the scratch stack removed and the stack untouched",
    async () => {
      const before = untouched();
      const r = await shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), "drill", "-s", STACK, "--json"]);
      expect(r.status, r.output).toBe(0);
      checkDrillReport(r.stdout, { what: "Swarm", stack: STACK, url: `https://drill.${HOST}:${HTTPS}/` });
      // Nothing of the scratch stack is left, and the stack ran on, untouched, throughout.
      expect(stackObjects(`${LABEL}-drill`)).toEqual(NOTHING_LEFT);
      expect(fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${STACK}-drill.yaml`))).toBe(false);
      expect(untouched()).toEqual(before);
      expect(await homeShowsArticle()).toBe(true);
    },
  );

  it("recette drill of a corrupted archive fails before anything is deployed, naming the file", async () => {
    const bad = path.join(path.dirname(BACKUP), "corrupted.tar.gz");
    const bytes = fs.readFileSync(BACKUP);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
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
    expect(stackObjects(`${LABEL}-drill`).services).toEqual([]);
  });

  it(
    "preview environments: two of them and the stack serve three different blogs at once; down of one leaves the " +
      "others as they were; gc removes an expired one",
    async () => {
      const cli = (...args: string[]) => shAsync(process.execPath, [path.join(ROOT, "bin", "recette"), ...args]);
      const one = await cli("env", "up", "-s", STACK, "--name", "pr-1", "--json");
      expect(one.status, one.output).toBe(0);
      expect(JSON.parse(one.stdout).urls).toEqual([`https://pr-1.${HOST}:${HTTPS}/`, `https://pr-1.${WEB}:${HTTPS}/`]);
      const two = await cli("env", "up", "-s", STACK, "--name", "pr-2", "--ttl", "30s", "--json");
      expect(two.status, two.output).toBe(0);
      expect(JSON.parse(two.stdout)).toMatchObject({ environment: `${STACK}-pr-2`, name: "pr-2" });
      // Three blogs, each with its own data: an article published on pr-1 is there only.
      const previewArticle = `Preview pr-1 ${Date.now()}`;
      const b = new PluxmlBrowser("https", `pr-1.${HOST}`, HTTPS, false);
      expect((await b.login("admin", ADMIN_PASSWORD)).status).toBe(302);
      expect((await publishArticle(b, previewArticle, "only in pr-1")).status).toBe(302);
      const home = async (host: string) => (await request("https", host, HTTPS, "/")).body;
      const [base, pr1, pr2] = await Promise.all([home(HOST), home(`pr-1.${HOST}`), home(`pr-2.${HOST}`)]);
      expect([base.includes(ARTICLE), base.includes(previewArticle)]).toEqual([true, false]);
      expect([pr1.includes(ARTICLE), pr1.includes(previewArticle)]).toEqual([false, true]);
      expect([pr2.includes(ARTICLE), pr2.includes(previewArticle)]).toEqual([false, false]);
      const ls = await cli("env", "ls", "-s", STACK, "--json");
      expect(ls.status, ls.output).toBe(0);
      const listed = JSON.parse(ls.stdout).environments as { name: string; urls: string[]; expires?: string }[];
      expect(listed.map((e) => [e.name, e.urls[0], e.expires !== undefined])).toEqual([
        ["pr-1", `https://pr-1.${HOST}:${HTTPS}/`, false],
        ["pr-2", `https://pr-2.${HOST}:${HTTPS}/`, true],
      ]);
      // Down of pr-1: its services, containers, networks and volumes go; the stack's and pr-2's stay as they were.
      const before = { base: untouched(), pr2: untouched(`${LABEL}-pr-2`) };
      const down = await cli("env", "down", "-s", STACK, "--name", "pr-1");
      expect(down.status, down.output).toBe(0);
      expect(stackObjects(`${LABEL}-pr-1`)).toEqual(NOTHING_LEFT);
      expect({ base: untouched(), pr2: untouched(`${LABEL}-pr-2`) }).toEqual(before);
      expect(await homeShowsArticle()).toBe(true);
      // pr-2's 30 s have passed by now (or soon): gc removes it, and only it.
      const expires = Date.parse(listed[1]!.expires!);
      if (Date.now() < expires) await new Promise((r) => setTimeout(r, expires - Date.now() + 1000));
      const gc = await cli("env", "gc", "-s", STACK, "--json");
      expect(gc.status, gc.output).toBe(0);
      expect(JSON.parse(gc.stdout).removed).toEqual([`${STACK}-pr-2`]);
      expect(stackObjects(`${LABEL}-pr-2`).services).toEqual([]);
      expect(fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => f.includes(`${STACK}-pr-`))).toEqual([]);
      expect(untouched()).toEqual(before.base);
    },
  );

  it("destroy leaves no service, container, network, secret or config behind; kept volumes stay", () => {
    const d = pulumi(STACK, "destroy", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
    expect(d.status, d.output).toBe(0);
    const left = stackObjects(LABEL);
    expect({
      services: left.services,
      containers: left.containers,
      networks: left.networks,
      secrets: left.secrets,
      configs: left.configs,
    }).toEqual({
      services: [],
      containers: [],
      networks: [],
      secrets: [],
      configs: [],
    });
    const volumes = sh("docker", ["volume", "ls", "--filter", `label=recette.stack=${LABEL}`, "--format", "{{.Name}}"])
      .stdout.split("\n")
      .filter(Boolean)
      .sort();
    expect(volumes).toEqual([
      `${LABEL}-blog-data`,
      `${LABEL}-relay-mail`,
      `${LABEL}-relay-spool`,
      `${LABEL}-traefik-acme`,
    ]);
  });

  it("with the data volume removed, up installs a fresh blog; restore brings the article back", async () => {
    expect(sh("docker", ["volume", "rm", `${LABEL}-blog-data`]).status).toBe(0);
    const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    await waitFor(
      "the fresh blog answering",
      async () => ((await request("https", HOST, HTTPS, "/")).status === 200 ? true : undefined),
      240,
    );
    expect(await homeShowsArticle()).toBe(false);
    // The blog runs: restore swaps the data in while the stack's services are scaled to 0 (--stop).
    const r = sh(process.execPath, [`${ROOT}/bin/recette`, "restore", "--stack", STACK, "--stop", BACKUP]);
    expect(r.status, r.output).toBe(0);
    expect(
      await waitFor(
        "the article back on the home page",
        async () => ((await homeShowsArticle()) ? true : undefined),
        180,
      ),
    ).toBe(true);
    const login = await new PluxmlBrowser("https", HOST, HTTPS, false).login("admin", ADMIN_PASSWORD);
    expect(login.status).toBe(302);
  });
});

describe("the kernel lesson on this machine (no IPVS)", () => {
  const STRICT = "e2e-strict";
  let files: { recipeFile: string; stackFile: string };
  beforeAll(() => {
    files = makeStack(
      STRICT,
      recipe((r) => {
        r.orchestrator.routingMesh = "required";
        r.edge.traefik.ports = { http: 28080, https: 28443 };
      }),
    );
    // Everything the stack needs is set, so the only thing that can stop it is the preflight.
    const set = pulumi(STRICT, "config", "set", "--secret", "blogAdminPassword", ADMIN_PASSWORD);
    if (set.status !== 0) throw new Error(`pulumi config set --secret blogAdminPassword: ${set.output}`);
  });
  afterAll(() => {
    pulumi(STRICT, "destroy", "--yes", "--skip-preview");
    fs.rmSync(files.stackFile, { force: true });
  });

  it(
    "a recipe that requires the routing mesh fails at the preflight, " + "naming the node, the fix and the fallback",
    () => {
      const up = pulumi(STRICT, "up", "--yes", "--skip-preview", "--suppress-progress");
      expect(up.status).not.toBe(0);
      expect(up.output).toContain(noIpvsMessage("local"));
      expect(stackObjects(`recette-${STRICT}`).services).toEqual([]);
    },
  );
});
