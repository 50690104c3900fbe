/**
 * The PluXml image on this machine's Docker, without Pulumi: `docker run` on an empty data volume
 * with the install settings and the admin password as a secret file, then what a visitor, an
 * attacker and the administrator see; a restart that must not reinstall; PluXml's lost-password
 * mail through a real OpenSMTPD; the same data/ under the previous PluXml release and back (an
 * upgrade through PluXml's own updater, a downgrade allowed or refused). Needs the images of
 * scripts/build-images (pluxml, opensmtpd; it builds the previous PluXml release itself, cached).
 *
 *   npx vitest run --config test/e2e/vitest.config.mts test/e2e/pluxml-image.e2e.test.ts
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pluxmlImage, versions } from "../../components/images";
import { request, sh, shAsync, waitFor } from "./helpers";
import { firstUser, PluxmlBrowser, pluxmlPasswordHash, publishArticle } from "./pluxml";

const IMAGE = versions().PLUXML_IMAGE!;
const RELAY_IMAGE = versions().OPENSMTPD_IMAGE!;
const RUN = `recette-e2e-pluxml-${process.pid}`;
const HOST = "blog.local.test";
const PASSWORD = "e2e-Secret-pw 42";
const SETTINGS = {
  PLUXML_TITLE: "Recette e2e blog",
  PLUXML_LOCALE: "en",
  PLUXML_TIMEZONE: "Europe/London",
  PLUXML_ADMIN_NAME: "E2E Admin",
  PLUXML_ADMIN_LOGIN: "e2eadmin",
  // the relay image's default configuration keeps mail for blog.local in mailsink's Maildir
  PLUXML_ADMIN_EMAIL: "mailsink@blog.local",
};
const DATA = "/var/www/html/data";

const docker = (...args: string[]) => sh("docker", args);
const must = (...args: string[]) => {
  const r = docker(...args);
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${r.output}`);
  return r.stdout.trim();
};
const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);

let dir: string;
let port: number;
const blog = `${RUN}-blog`;
const relay = `${RUN}-relay`;
const volume = `${RUN}-data`;

/** Runs the blog container on `vol`; returns its loopback port. */
const runBlog = (name: string, vol: string, extra: string[] = [], image = IMAGE) =>
  must(
    "run",
    "-d",
    "--name",
    name,
    "--label",
    RUN,
    "--network",
    RUN,
    "-v",
    `${vol}:${DATA}`,
    "-p",
    "127.0.0.1::80",
    "-e",
    "SMTP_HOST=relay",
    "-e",
    "MAIL_FROM=blog@blog.local",
    ...envArgs(SETTINGS),
    ...extra,
    image,
  );

const blogPort = (name: string) => Number(must("port", name, "80/tcp").split("\n")[0]!.split(":").pop());
const cat = (file: string) => must("exec", blog, "cat", file);
const logs = (name: string) => docker("logs", name).output;
const browser = (viaHttps = true) => new PluxmlBrowser("http", HOST, port, viaHttps);

const homeUp = () =>
  waitFor(
    "the blog's home page",
    async () => ((await request("http", HOST, port, "/").catch(() => undefined))?.status === 200 ? true : undefined),
    60,
  );

beforeAll(async () => {
  for (const image of [IMAGE, RELAY_IMAGE]) {
    if (docker("image", "inspect", image).status !== 0)
      throw new Error(`${image} is missing: run scripts/build-images --only pluxml,opensmtpd`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-pluxml-"));
  fs.writeFileSync(path.join(dir, "admin-password"), `${PASSWORD}\n`, { mode: 0o600 });
  must("network", "create", "--label", RUN, RUN);
  must("volume", "create", "--label", RUN, volume);
  must("run", "-d", "--name", relay, "--label", RUN, "--network", RUN, "--network-alias", "relay", RELAY_IMAGE);
  runBlog(blog, volume, ["-v", `${path.join(dir, "admin-password")}:/run/secrets/admin-password:ro`]);
  port = blogPort(blog);
  await homeUp();
});

afterAll(() => {
  for (const id of docker("ps", "-aq", "--filter", `label=${RUN}`).stdout.split("\n").filter(Boolean))
    docker("rm", "-f", id);
  for (const v of docker("volume", "ls", "-q", "--filter", `label=${RUN}`).stdout.split("\n").filter(Boolean))
    docker("volume", "rm", "-f", v);
  docker("network", "rm", RUN);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("first start on an empty data volume", () => {
  it("installs PluXml from the settings", () => {
    expect(logs(blog)).toContain(
      'pluxml-install: installing PluXml: title "Recette e2e blog", locale en, ' +
        "timezone Europe/London, admin e2eadmin <mailsink@blog.local>, sample content yes",
    );
    expect(logs(blog)).toContain("pluxml-install: installed");
  });

  it("serves PluXml's home page with its theme and the title from the settings", async () => {
    const home = await request("http", HOST, port, "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("<title>Recette e2e blog - Blog or CMS, XML powered !</title>");
    expect(home.body).toContain('href="http://blog.local.test/themes/defaut/css/theme.min.css?v=5.8.21"');
    expect(home.headers["x-powered-by"]).toBeUndefined();
    expect(home.headers.server).toBe("Apache");
  });

  it("wrote users.xml with PluXml's own hashing of the secret, and the settings into parametres.xml", () => {
    const user = firstUser(cat(`${DATA}/configuration/users.xml`));
    expect(user.salt).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(user).toEqual({
      login: "e2eadmin",
      name: "E2E Admin",
      password: pluxmlPasswordHash(user.salt!, PASSWORD),
      salt: user.salt,
      email: "mailsink@blog.local",
      lang: "en",
    });
    const params = cat(`${DATA}/configuration/parametres.xml`);
    expect(params).toContain('<parametre name="title"><![CDATA[Recette e2e blog]]></parametre>');
    expect(params).toContain('<parametre name="default_lang"><![CDATA[en]]></parametre>');
    expect(params).toContain('<parametre name="timezone"><![CDATA[Europe/London]]></parametre>');
    expect(params).toContain('<parametre name="email_method"><![CDATA[sendmail]]></parametre>');
    expect(must("exec", blog, "stat", "-c", "%U %a", `${DATA}/configuration/users.xml`)).toBe("www-data 644");
    expect(must("exec", blog, "ls", "-A", DATA).split("\n").sort()).toEqual(
      [
        ".htaccess",
        ".recette-install.lock",
        ".recette-pluxml-format",
        "articles",
        "commentaires",
        "configuration",
        "index.html",
        "medias",
        "statiques",
        "templates",
      ].sort(),
    );
  });
});

describe("what is never served", () => {
  it.each<[string, number]>([
    ["/data/configuration/users.xml", 403],
    ["/data/configuration/parametres.xml", 403],
    ["/data/articles/", 403],
    ["/data/", 403],
    ["/data/.htaccess", 403],
    ["/core/", 403],
    ["/core/lib/config.php", 403],
    ["/core/lib/class.plx.utils.php", 403],
    ["/core/vendor/autoload.php", 403],
    ["/core/templates/email-lostpassword-en.xml", 403],
    ["/core/lang/en/core.php", 403],
    ["/install.php", 403],
    ["/config.php", 403],
    ["/readme/", 404],
    ["/update/", 404],
    ["/plugins/", 403],
    ["/themes/", 403],
    ["/themes/defaut/header.php", 403],
    ["/themes/defaut/infos.xml", 403],
    ["/data/medias/", 403],
  ])("%s answers %i", async (p, status) => {
    expect((await request("http", HOST, port, p)).status).toBe(status);
    // the same over HTTPS: being behind Traefik opens nothing more
    expect((await request("http", HOST, port, p, { headers: { "X-Forwarded-Proto": "https" } })).status).toBe(status);
  });

  it.each([
    "/themes/defaut/css/theme.min.css",
    "/core/lib/visual.js",
    "/data/medias/pluxml.png",
    "/feed.php",
    "/sitemap.php",
  ])("%s is served (200)", async (p) => {
    expect((await request("http", HOST, port, p)).status).toBe(200);
  });
});

describe("the admin", () => {
  it("is sent to https when the request did not come over HTTPS", async () => {
    for (const p of ["/core/admin/", "/core/admin/auth.php", "/core/admin/theme/theme.min.css"]) {
      const a = await request("http", HOST, port, p);
      expect([a.status, a.headers.location]).toEqual([301, `https://${HOST}${p}`]);
    }
    const post = await request("http", HOST, port, "/core/admin/auth.php", {
      method: "POST",
      body: "login=x&password=y",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect([post.status, post.headers.location]).toEqual([301, `https://${HOST}/core/admin/auth.php`]);
  });

  it("logs in with the recipe's secret (PluXml's form, its CSRF token, a secure session cookie)", async () => {
    const b = browser();
    const first = await b.get("/core/admin/");
    expect([first.status, first.headers.location]).toEqual([302, "auth.php?p=/core/admin/"]);
    expect(first.headers["set-cookie"]).toHaveLength(2);
    expect(first.headers["set-cookie"]!.filter((c) => /; secure; HttpOnly/i.test(c))).toHaveLength(2);
    const login = await b.login("e2eadmin", PASSWORD);
    expect([login.status, login.headers.location]).toEqual([302, "/core/admin/"]);
    const admin = await b.get("/core/admin/");
    expect(admin.status).toBe(200);
    expect(admin.body).toContain("<title>Recette e2e blog Administration</title>");
  });

  it("refuses another password, and the right one without its CSRF token", async () => {
    const b = browser();
    const wrong = await b.login("e2eadmin", "not-the-secret");
    expect(wrong.status).toBe(200);
    expect(wrong.body).toContain('<p class="alert red">Incorrect login or password</p>');
    expect((await b.get("/core/admin/")).status).toBe(302);
    const noToken = browser();
    await noToken.get("/core/admin/");
    await noToken.get("/core/admin/auth.php");
    const forged = await noToken.post("/core/admin/auth.php", { login: "e2eadmin", password: PASSWORD });
    expect(forged.body).toBe("Security error : invalid or expired token");
    expect((await noToken.get("/core/admin/")).status).toBe(302);
  });
});

describe("mail", () => {
  it("sends PluXml's lost-password mail through the relay (OpenSMTPD) to the admin's address", async () => {
    const b = browser();
    await b.get("/core/admin/");
    const sent = await b.submit(
      "/core/admin/auth.php?action=lostpassword",
      { lostpassword_id: "e2eadmin" },
      { Referer: `https://${HOST}/core/admin/auth.php?action=lostpassword` },
    );
    expect(sent.body).toContain('<p class="alert green">An email has been sent to the user</p>');
    const mail = await waitFor(
      "the lost-password mail in mailsink's Maildir",
      async () => {
        const r = docker("exec", relay, "sh", "-c", "cat /var/mail/mailsink/Maildir/new/* 2>/dev/null");
        return r.stdout.includes("Resetting your password") ? r.stdout : undefined;
      },
      30,
    );
    expect(mail).toContain("Subject: Resetting your password");
    expect(mail).toContain("Hi e2eadmin,");
    expect(mail).toMatch(
      /https:\/\/blog\.local\.test\/core\/admin\/auth\.php\?action=changepassword&token=[A-Za-z0-9]{32}/,
    );
  });
});

describe("restart and other volumes", () => {
  it(
    "restarts without reinstalling: the same users.xml, " + "settings and articles, and the login still works",
    async () => {
      const before = [
        cat(`${DATA}/configuration/users.xml`),
        cat(`${DATA}/configuration/parametres.xml`),
        must("exec", blog, "ls", `${DATA}/articles`),
      ];
      must("restart", blog);
      port = blogPort(blog);
      await homeUp();
      expect(docker("logs", "--since", "60s", blog).output).toContain(
        "pluxml-entrypoint: PluXml is installed in data/ (not reinstalling)",
      );
      expect(logs(blog).match(/pluxml-install: installed/g)).toHaveLength(1);
      // the lost-password request stored a token in users.xml: everything else is as installed
      const strip = (x: string) =>
        x.replace(/\s*<password_token(_expiry)?><!\[CDATA\[[^\]]*\]\]><\/password_token(_expiry)?>/g, "");
      expect([
        strip(cat(`${DATA}/configuration/users.xml`)),
        cat(`${DATA}/configuration/parametres.xml`),
        must("exec", blog, "ls", `${DATA}/articles`),
      ]).toEqual([strip(before[0]!), before[1], before[2]]);
      expect([(await browser().login("e2eadmin", PASSWORD)).status]).toEqual([302]);
    },
  );

  it("refuses to install over a volume holding part of a blog, and changes nothing in it", async () => {
    const partial = `${RUN}-partial`;
    must("volume", "create", "--label", RUN, partial);
    must(
      "run",
      "--rm",
      "--entrypoint",
      "sh",
      "-v",
      `${partial}:${DATA}`,
      IMAGE,
      "-c",
      `echo '<document/>' > ${DATA}/articles/0001.001.001.202001010000.kept.xml`,
    );
    const name = `${RUN}-refused`;
    runBlog(name, partial, ["-v", `${path.join(dir, "admin-password")}:/run/secrets/admin-password:ro`]);
    const exit = must("wait", name);
    expect(exit).toBe("1");
    expect(logs(name)).toContain(
      "pluxml-install: refusing to install: data/ holds 1 file(s) (e.g. " +
        "articles/0001.001.001.202001010000.kept.xml) but no configuration/parametres.xml: " +
        "restore a complete copy of the blog, or empty the volume to install a new one",
    );
    const left = must(
      "run",
      "--rm",
      "--entrypoint",
      "sh",
      "-v",
      `${partial}:${DATA}`,
      IMAGE,
      "-c",
      `ls ${DATA}/configuration; cat ${DATA}/articles/*.xml`,
    );
    expect(left).toBe("<document/>");
  });

  it("fails on an empty volume without the password file, naming where it is expected", () => {
    const name = `${RUN}-nopassword`;
    must("volume", "create", "--label", RUN, `${RUN}-empty`);
    runBlog(name, `${RUN}-empty`);
    expect(must("wait", name)).toBe("1");
    expect(logs(name)).toContain(
      "pluxml-entrypoint: data/ holds no blog and there is no admin password " +
        "to install one: mount it as a secret file at /run/secrets/admin-password",
    );
  });

  it("refuses a locale PluXml does not have, before writing anything", () => {
    const name = `${RUN}-badlocale`;
    must("volume", "create", "--label", RUN, name);
    runBlog(name, `${RUN}-badlocale`, [
      "-e",
      "PLUXML_LOCALE=xx",
      "-v",
      `${path.join(dir, "admin-password")}:/run/secrets/admin-password:ro`,
    ]);
    expect(must("wait", name)).toBe("1");
    expect(logs(name)).toContain(
      "pluxml-install: refusing to install: PLUXML_LOCALE must be " +
        'one of de, en, es, fr, it, nl, oc, pl, pt, ro, ru (got "xx")',
    );
  });
});

describe("stopping", () => {
  /**
   * When Apache began its graceful stop (its "caught SIGWINCH" line, as Docker timed it; Docker's
   * clock is this machine's). Not when `docker stop` returned: vfs takes seconds to tear a container
   * down, and a graceful stop waits for idle keep-alive connections too.
   */
  const gracefulAt = (name: string) => {
    const line = docker("logs", "-t", name)
      .output.split("\n")
      .find((l) => l.includes("caught SIGWINCH, shutting down gracefully"));
    expect(line, docker("logs", name).output).toBeDefined();
    return Date.parse(line!.split(" ")[0]!);
  };
  /** A second blog on a volume of its own; `docker stop` of it in the background. */
  const stopped = async (name: string, extra: string[]) => {
    must("volume", "create", "--label", RUN, name);
    runBlog(name, name, [...extra, "-v", `${path.join(dir, "admin-password")}:/run/secrets/admin-password:ro`]);
    const p = blogPort(name);
    const answers = () =>
      request("http", HOST, p, "/").then(
        (a) => a.status,
        () => 0,
      );
    await waitFor(`${name} answering`, async () => ((await answers()) === 200 ? true : undefined), 60);
    const t0 = Date.now();
    const stop = shAsync("docker", ["stop", "-t", "30", name]);
    return { t0, stop, answers };
  };

  it(
    "with RECETTE_DRAIN_SECONDS (a start-first Swarm service behind " +
      "Traefik), keeps serving that long after SIGTERM, then stops gracefully",
    async () => {
      const name = `${RUN}-drain`;
      const { t0, stop, answers } = await stopped(name, ["-e", "RECETTE_DRAIN_SECONDS=4"]);
      await new Promise((ok) => setTimeout(ok, 2500));
      expect(await answers()).toBe(200);
      const r = await stop;
      expect(r.status, r.output).toBe(0);
      const took = gracefulAt(name) - t0;
      expect(took).toBeGreaterThanOrEqual(4000);
      expect(took).toBeLessThan(10_000);
      // 143, never 0: a task stopped for failing its health check must not count as started (pluxml-serve).
      expect(must("inspect", "--format", "{{.State.ExitCode}}", name)).toBe("143");
      expect(logs(name)).toContain("pluxml-serve: stopping in 4s (serving until the proxy forgets this task)");
    },
  );

  it("without it (or with a value that is not a whole number), stops at once", async () => {
    const name = `${RUN}-nodrain`;
    const { t0, stop } = await stopped(name, ["-e", "RECETTE_DRAIN_SECONDS=4; echo x"]);
    const r = await stop;
    expect(r.status, r.output).toBe(0);
    expect(gracefulAt(name) - t0).toBeLessThan(2000);
    expect(must("inspect", "--format", "{{.State.ExitCode}}", name)).toBe("143");
    expect(logs(name)).not.toContain("pluxml-serve: stopping in");
  });
});

describe("sessions", () => {
  it(
    "PHP's session garbage collection runs as the blog's user " +
      "without a notice (PluXml would print it as an error block)",
    () => {
      // Apache's PHP settings, with the collection on every session_start (1 in 100 requests otherwise)
      const r = docker(
        "exec",
        "-e",
        "PHP_INI_SCAN_DIR=/etc/php/8.2/apache2/conf.d",
        blog,
        "setpriv",
        "--reuid=www-data",
        "--regid=www-data",
        "--init-groups",
        "php",
        "-d",
        "session.gc_divisor=1",
        "-r",
        "session_start(); echo json_encode([ini_get('session.save_path'), error_get_last()]);",
      );
      expect(r.status, r.output).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(["/var/lib/php/sessions", null]);
    },
  );
});

/**
 * One data/ volume under two PluXml releases: installed by the previous release (its sample
 * article and comment, and an article of ours), upgraded by starting the pinned release on it
 * (PluXml's own updater), then the previous release again: allowed while no update step lies
 * between them (update/versions.php), refused once data/ records a newer data format.
 */
describe("another PluXml release on the same data", () => {
  const PREVIOUS = "5.8.20";
  const CURRENT = versions().PLUXML_VERSION!;
  const OLD_IMAGE = pluxmlImage({ registry: "local" }, PREVIOUS);
  const vol = `${RUN}-releases`;
  const ARTICLE = "Written under PluXml 5.8.20";
  let n = 0;
  /** Starts `image` on the releases volume, as the only blog on it; answers its name and port once it serves. */
  const start = async (image: string) => {
    for (let i = 0; i < n; i++) docker("rm", "-f", `${vol}-${i}`);
    const name = `${vol}-${n++}`;
    runBlog(name, vol, ["-v", `${path.join(dir, "admin-password")}:/run/secrets/admin-password:ro`], image);
    const p = blogPort(name);
    await waitFor(
      `${image} serving`,
      async () => ((await request("http", HOST, p, "/").catch(() => undefined))?.status === 200 ? true : undefined),
      60,
    );
    return { name, p };
  };
  const version = (name: string) =>
    /<parametre name="version"><!\[CDATA\[([^\]]*)\]\]>/.exec(
      must("exec", name, "cat", `${DATA}/configuration/parametres.xml`),
    )?.[1];
  /** The sample article (with its comment) and ours, as a visitor sees them; the admin's login. */
  const blogIsWhole = async (p: number) => {
    const home = await request("http", HOST, p, "/");
    const sample = /href="(http:\/\/blog\.local\.test\/index\.php\?article1\/[^"]*)"/.exec(home.body)?.[1];
    const article = sample ? await request("http", HOST, p, sample.replace("http://blog.local.test", "")) : undefined;
    const b = new PluxmlBrowser("http", HOST, p, true);
    return {
      ours: home.body.includes(ARTICLE),
      sampleComment: /<p class="content_com type-normal">This is a first comment !<\/p>/.test(article?.body ?? ""),
      login: (await b.login("e2eadmin", PASSWORD)).status,
    };
  };

  beforeAll(() => {
    const built = sh("bash", [
      path.join(__dirname, "../../scripts/build-images"),
      "--only",
      "pluxml",
      "--pluxml",
      PREVIOUS,
    ]);
    if (built.status !== 0) throw new Error(`scripts/build-images --pluxml ${PREVIOUS}: ${built.output}`);
    must("volume", "create", "--label", RUN, vol);
  }, 600_000);

  it(`installs under PluXml ${PREVIOUS}, with an article and PluXml's sample comment`, async () => {
    const { name, p } = await start(OLD_IMAGE);
    expect(version(name)).toBe(PREVIOUS);
    const b = new PluxmlBrowser("http", HOST, p, true);
    expect((await b.login("e2eadmin", PASSWORD)).status).toBe(302);
    const published = await publishArticle(b, ARTICLE, "<p>Kept across PluXml releases.</p>");
    expect(published.status, published.body.slice(0, 400)).toBe(302);
    expect(await blogIsWhole(p)).toEqual({ ours: true, sampleComment: true, login: 302 });
  }, 120_000);

  it(`upgrades to ${CURRENT} through PluXml's own updater: ` +
    "the articles, the comment and the login are kept", async () => {
    const { name, p } = await start(IMAGE);
    expect(logs(name)).toContain(
      `pluxml-update: upgrading data/ from PluXml ${PREVIOUS} to ${CURRENT} with ` +
        "PluXml's updater: no update step (the data format is the same), the version only",
    );
    expect(version(name)).toBe(CURRENT);
    expect(must("exec", name, "cat", `${DATA}/.recette-pluxml-format`)).toBe("5.8.7");
    expect(await blogIsWhole(p)).toEqual({ ours: true, sampleComment: true, login: 302 });
  }, 120_000);

  it(`goes back to ${PREVIOUS} while no update step lies between them`, async () => {
    const { name, p } = await start(OLD_IMAGE);
    expect(logs(name)).toContain(
      `pluxml-update: data/ was written by PluXml ${CURRENT}, with the same data format ` +
        `as ${PREVIOUS} (5.8.7: no update step between them): set back to PluXml ${PREVIOUS}`,
    );
    expect(version(name)).toBe(PREVIOUS);
    expect(await blogIsWhole(p)).toEqual({ ours: true, sampleComment: true, login: 302 });
  }, 120_000);

  it("refuses to go back over a newer data format, and leaves data/ as it was", async () => {
    const { name } = await start(IMAGE);
    expect(version(name)).toBe(CURRENT);
    // as if an update step had run since (a release whose versions.php lists a step after 5.8.7)
    must("exec", "-u", "www-data", name, "sh", "-c", `echo 5.9 > ${DATA}/.recette-pluxml-format`);
    const params = must("exec", name, "cat", `${DATA}/configuration/parametres.xml`);
    docker("rm", "-f", name);
    const refused = `${vol}-refused`;
    runBlog(refused, vol, [], OLD_IMAGE);
    expect(must("wait", refused)).toBe("1");
    expect(logs(refused)).toContain(
      `pluxml-update: data/ was written by PluXml ${CURRENT}, whose data format (5.9: an update ` +
        `step ran) is newer than PluXml ${PREVIOUS}'s (5.8.7): PluXml cannot go back. Deploy ` +
        `PluXml ${CURRENT} again, or restore a backup taken before the upgrade (recette restore)`,
    );
    const after = must(
      "run",
      "--rm",
      "--entrypoint",
      "cat",
      "-v",
      `${vol}:${DATA}`,
      IMAGE,
      `${DATA}/configuration/parametres.xml`,
    );
    expect(after).toBe(params);
  }, 120_000);
});
