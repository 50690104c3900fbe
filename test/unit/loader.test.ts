import { describe, expect, it } from "vitest";
import { loadRecipe } from "../../engine/load";
import { LOCAL_MINIMAL, problemsOf, recipePath, SCALEWAY_MINIMAL } from "../helpers";

describe("checked-in recipes", () => {
  it.each(["blog.yaml", "blog-k3s.yaml", "local.yaml"])("%s is valid without warnings", (name) => {
    const loaded = loadRecipe(recipePath(name));
    expect(loaded.warnings).toEqual([]);
    expect(loaded.recipe.apps.length).toBeGreaterThan(0);
  });

  it("fills defaults from the schema", () => {
    const { recipe } = loadRecipe(recipePath("blog.yaml"));
    expect(recipe.nodes.provider === "scaleway" && recipe.nodes.kernel).toBe("default");
    expect(recipe.edge?.traefik.acme.ca).toBe("auto");
    expect(recipe.edge?.traefik.replicas).toBe(1);
  });
});

/** What every pluxml app needs: the administrator PluXml is installed with. */
const ADMIN = "admin: { name: A, login: a, email: a@b.org, password: { secret: p } }";

describe("shape errors", () => {
  it("reports a bad host name with file, line, column, path and the expected form", () => {
    const text =
      `${LOCAL_MINIMAL}edge: { traefik: { acme: { email: a@b.org } } }\n` +
      `apps:\n  - pluxml: { host: blog_example, ${ADMIN} }\n`;
    expect(problemsOf(text)).toEqual([
      'recipes/x.yaml:6:21 apps[0].pluxml.host: "blog_example" is not a hostname (expected e.g. blog.example.org)',
    ]);
  });

  it.each<[string, string, string[]]>([
    [
      "a literal admin password",
      "pluxml: { host: blog.example.org, admin: { name: A, login: a, email: a@b.org, password: hunter2 } }",
      [
        "recipes/x.yaml:6:93 apps[0].pluxml.admin.password: a literal secret is not allowed in " +
          "a recipe (write { secret: <key> } and run `recette config set --secret <key> <value>`)",
      ],
    ],
    [
      "no admin",
      "pluxml: { host: blog.example.org }",
      [
        "recipes/x.yaml:6:13 apps[0].pluxml.admin: is required (The administrator account created " +
          "at install; the blog is installed from these values on its first start, never reinstalled)",
      ],
    ],
    [
      "a locale PluXml does not have",
      `pluxml: { host: blog.example.org, locale: en-GB, ${ADMIN} }`,
      [
        'recipes/x.yaml:6:47 apps[0].pluxml.locale: "en-GB" is not a PluXml ' +
          "language (one of de, en, es, fr, it, nl, oc, pl, pt, ro, ru)",
      ],
    ],
    [
      "a time zone outside PluXml's list",
      `pluxml: { host: blog.example.org, timezone: Europe/Atlantis, ${ADMIN} }`,
      [
        'recipes/x.yaml:6:49 apps[0].pluxml.timezone: "Europe/Atlantis" is not one of PluXml\'s time ' +
          "zones (e.g. Europe/Paris, Europe/London, US/Eastern; the list is in recipe.schema.json)",
      ],
    ],
  ])("refuses a blog with %s", (_, app, problems) => {
    expect(problemsOf(`${LOCAL_MINIMAL}edge: { traefik: { acme: { email: a@b.org } } }\napps:\n  - ${app}\n`)).toEqual(
      problems,
    );
  });

  it("refuses unknown keys and lists the allowed ones", () => {
    expect(problemsOf(`${LOCAL_MINIMAL}colour: blue\n`)).toEqual([
      'recipes/x.yaml:4:1 colour: unknown key "colour" (allowed ' +
        "here: name, description, nodes, orchestrator, edge, apps)",
    ]);
  });

  it("refuses a literal secret with the command that fixes it", () => {
    const text = SCALEWAY_MINIMAL.replace(
      "{ publicKey: { config: sshPublicKey } }",
      "{ publicKey: ssh-ed25519 AAA, privateKey: hunter2 }",
    );
    expect(problemsOf(text)).toEqual([
      "recipes/x.yaml:4:50 nodes.ssh.privateKey: a literal secret is not allowed in a " +
        "recipe (write { secret: <key> } and run `recette config set --secret <key> <value>`)",
    ]);
  });

  it("names a missing required key with its description", () => {
    expect(problemsOf("name: t\nnodes: { provider: local }\n")).toEqual([
      "recipes/x.yaml:1:1 orchestrator: is required (The cluster: Docker Swarm or k3s)",
    ]);
  });

  it("reports an unknown provider and orchestrator kind", () => {
    expect(problemsOf("name: t\nnodes: { provider: aws }\norchestrator: { kind: nomad }\n")).toEqual([
      'recipes/x.yaml:2:20 nodes.provider: provider "aws" is not one of scaleway | hosts | local',
      'recipes/x.yaml:3:23 orchestrator.kind: kind "nomad" is not one of swarm | k3s',
    ]);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(problemsOf("name: t\nnodes: [\n")[0]).toMatch(/^recipes\/x\.yaml:3:1 YAML: /);
  });

  it("reports every problem at once", () => {
    const text =
      "name: Bad\nnodes: { provider: local, colour: 1 }\n" +
      "orchestrator: { kind: swarm }\nedge: { traefik: { acme: { email: nope } } }\n";
    expect(problemsOf(text)).toEqual([
      'recipes/x.yaml:1:7 name: "Bad" is not a valid name (lower-case letters, ' +
        "digits and -, starting with a letter, at most 32 characters; e.g. relay)",
      'recipes/x.yaml:2:27 nodes.colour: unknown key "colour" (allowed here: provider, memory, labels)',
      'recipes/x.yaml:4:35 edge.traefik.acme.email: "nope" is ' +
        "not an e-mail address (expected e.g. contact@example.org)",
    ]);
  });
});

describe("cross-field rules", () => {
  const edge = "edge: { traefik: { acme: { email: a@b.org } } }\n";
  it.each([
    [
      "an even number of Swarm managers",
      SCALEWAY_MINIMAL.replace("provider: scaleway", "provider: scaleway\n  managers: 2"),
      "recipes/x.yaml:4:13 nodes.managers: 2 Swarm managers cannot keep " +
        "a Raft quorum through a failure (use an odd number: 1, 3 or 5)",
    ],
    [
      "k3s on a 1 GiB node",
      SCALEWAY_MINIMAL.replace("provider: scaleway", "provider: scaleway\n  type: STARDUST1-S").replace(
        "kind: swarm",
        "kind: k3s",
      ),
      "recipes/x.yaml:4:9 nodes.type: k3s needs more than 1024 MiB: node manager-1 has 1024 MiB (k3s " +
        "alone was measured at 619 MiB; use a 2 GiB+ type such as DEV1-M, or orchestrator kind: swarm)",
    ],
    [
      "k3s on a 2 GiB node (warning)",
      SCALEWAY_MINIMAL.replace("kind: swarm", "kind: k3s"),
      "recipes/x.yaml:3:3 warning: nodes.type: node manager-1 has 2048 MiB: k3s + Traefik + PluXml " +
        "was measured at 678 MiB there (Swarm: 209 MiB); expect little headroom (see recette explain)",
    ],
    [
      "autoscaling on Swarm",
      `${LOCAL_MINIMAL}apps:\n  - service: { name: web, image: nginx, autoscale: { min: 1, max: 3 } }\n`,
      "recipes/x.yaml:5:52 apps[0].service.autoscale: Swarm has no autoscaling (scale by " +
        "changing replicas, or use orchestrator kind: k3s, which creates a HorizontalPodAutoscaler)",
    ],
    [
      "two Traefik replicas with file storage",
      `${LOCAL_MINIMAL}edge: { traefik: { acme: { email: a@b.org }, replicas: 2 } }\n`,
      "recipes/x.yaml:4:56 edge.traefik.replicas: 2 replicas cannot share " +
        "acme.json: Traefik's file storage allows one replica (set replicas: 1)",
    ],
    [
      "two apps on the same host and path",
      `${LOCAL_MINIMAL}${edge}apps:\n  - pluxml: { host: blog.example.org, ${ADMIN} }\n` +
        "  - service: { name: web, image: nginx, routes: [{ host: blog.example.org, port: 80 }] }\n",
      "recipes/x.yaml:7:50 apps[1].service.routes[0]: blog.example.org/ is already " +
        "routed to blog at apps[0].pluxml.host (give each app its own host or path)",
    ],
    [
      "a port Traefik already publishes",
      `${LOCAL_MINIMAL}${edge}apps:\n` +
        "  - service: { name: web, image: nginx, ports: [{ published: 443, target: 8443 }] }\n",
      "recipes/x.yaml:6:62 apps[0].service.ports[0].published: port tcp/443 " +
        "is already published by traefik (pick another published port)",
    ],
    [
      "a known-bad kernel for Swarm",
      SCALEWAY_MINIMAL.replace("provider: scaleway", 'provider: scaleway\n  kernel: "x86_64 4.10.8 docker #1"'),
      'recipes/x.yaml:4:11 nodes.kernel: "x86_64 4.10.8 docker #1" is known bad for ' +
        "Swarm: Despite its name, published Swarm ports refuse connections on it: no IPVS " +
        "for the routing mesh (use kernel: default, which boots the image's own kernel)",
    ],
    [
      "a blog mailing through a relay that does not exist",
      `${LOCAL_MINIMAL}${edge}apps:\n  - pluxml: { host: blog.example.org, mail: relay, ${ADMIN} }\n`,
      'recipes/x.yaml:6:45 apps[0].pluxml.mail: no opensmtpd app is named "relay" (known: none; add one)',
    ],
    [
      "a smarthost delivery without a smarthost",
      `${LOCAL_MINIMAL}apps:\n  - opensmtpd: { deliverTo: a@b.org }\n`,
      "recipes/x.yaml:5:16 apps[0].opensmtpd.delivery: delivery smarthost needs a smarthost " +
        "block (host, port, user, password: { secret: key }), or set delivery: direct | mailbox",
    ],
    [
      "a smarthost CA in the recipe that is not a certificate",
      `${LOCAL_MINIMAL}apps:\n` +
        "  - opensmtpd: { deliverTo: a@b.org, smarthost: " +
        '{ host: smtp.example.org, user: u, password: { secret: p }, caCertificate: "not a cert" } }\n',
      "recipes/x.yaml:5:124 apps[0].opensmtpd.smarthost.caCertificate: the smarthost's caCertificate cannot " +
        "be used: it holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----) (fix: " +
        "give the CA's certificate in PEM, e.g. recette config set smarthostCa < ca.pem)",
    ],
    [
      "direct SMTP delivery from Scaleway (warning)",
      `${SCALEWAY_MINIMAL}apps:\n  - opensmtpd: { deliverTo: a@b.org, delivery: direct }\n`,
      "recipes/x.yaml:7:48 warning: apps[0].opensmtpd.delivery: Scaleway blocks outbound SMTP " +
        "(25, 465, 587) on new accounts: direct delivery silently loses mail until the account is " +
        "verified and the security group opened (prefer a smarthost, e.g. Scaleway TEM on port 2587)",
    ],
    [
      "routes without an edge router",
      `${LOCAL_MINIMAL}apps:\n  - pluxml: { host: blog.example.org, ${ADMIN} }\n`,
      "recipes/x.yaml:5:3 apps: apps declare HTTP routes but there is no edge router (add edge.traefik)",
    ],
    [
      "a placement no node satisfies",
      `${LOCAL_MINIMAL}apps:\n  - service: { name: web, image: nginx, placement: { labels: { disk: ssd } } }\n`,
      "recipes/x.yaml:5:52 apps[0].service.placement: no node matches this placement, " +
        "so web would never start (set the labels in nodes.labels or relax it)",
    ],
    [
      "the pebble CA on Scaleway nodes",
      `${SCALEWAY_MINIMAL}edge: { traefik: { acme: { email: a@b.org, ca: pebble } } }\n`,
      "recipes/x.yaml:6:48 edge.traefik.acme.ca: the pebble test CA exists only " +
        "with nodes.provider: local or hosts (use auto, staging or production)",
    ],
  ])("refuses %s", (_what, text, expected) => {
    expect(problemsOf(text)).toContain(expected);
  });
});
