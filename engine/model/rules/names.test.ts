import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { opensmtpdWorkload, type OpensmtpdArgs } from "../../../components/opensmtpd";
import { pebbleWorkload } from "../../../components/pebble";
import { PLUXML_OBJECTS, pluxmlWorkload } from "../../../components/pluxml";
import { LETS_ENCRYPT, traefikWorkload, type TraefikArgs } from "../../../components/traefik";
import { workloadDefaults, type Workload } from "../../../components/workload";
import { workloadNames } from "../../../components/workload-names";
import { stubTarget } from "../../../test/registrations";
import { serviceWorkload } from "../../compose/apps";
import type { StackContext } from "../../compose/context";
import { parseRecipe } from "../../load";
import type { Model } from "../model";
import { DECLARATIONS, type Declarations, nameClaims, physicalNamesRule } from "./names";

const EDGE = "edge: { traefik: { acme: { email: ops@example.org } } }";
const ADMIN = "admin: { name: A, login: admin, email: a@example.org, password: { secret: p } }";

/** The model of a valid recipe (its loading ran every rule, checkPhysicalNames included). */
const model = (apps: string[], edge = EDGE): Model =>
  parseRecipe(
    [
      "name: t",
      "nodes: { provider: local }",
      "orchestrator: { kind: swarm, routingMesh: fallback }",
      edge,
      "apps:",
      ...apps.map((a) => `  - ${a}`),
    ].join("\n"),
    "recipes/t.yaml",
  ).model;

const claimed = (m: Model, owner: string) =>
  nameClaims(m)
    .filter((c) => c.owner === owner)
    .map((c) => c.logical)
    .sort();
const built = (w: Workload) =>
  workloadNames(w)
    .map((n) => n.logical)
    .sort();

const target = stubTarget();
const CA = fs.readFileSync(path.join(__dirname, "../../../test/fixtures/smarthost-ca.pem"), "utf8");
const SMARTHOST = "smarthost: { host: smtp.example.org, user: u, password: { secret: s } }";
const SMARTHOST_CA =
  "smarthost: { host: smtp.example.org, user: u, password: { secret: s }, caCertificate: { config: ca } }";
const smarthost = { host: "smtp.example.org", port: 587, tls: "starttls" as const, user: "u", password: "s" };
const relay = (over: Partial<OpensmtpdArgs>): Workload =>
  opensmtpdWorkload({ target, image: "x", recipient: "a@example.org", delivery: "smarthost", ...over });
const traefik = (over: Partial<TraefikArgs>): Workload =>
  traefikWorkload({ target, image: "x", email: "ops@example.org", caServer: LETS_ENCRYPT.staging, ...over });
const DASHBOARD = "dashboard: { host: traefik.example.org, users: { secret: d } }";

// The check claims the names the components declare; each builder must make exactly those, with every
// option that adds an object: a volume added to a builder and not to its declaration fails here.
describe("the names checkPhysicalNames claims for a component are those its builder gives", () => {
  it("PluXml", () => {
    const install = { adminName: "A", adminLogin: "admin", adminEmail: "a@example.org", adminPassword: "p" };
    const m = model([`pluxml: { name: news, host: news.example.org, ${ADMIN} }`]);
    expect(claimed(m, "app news")).toEqual(
      built(pluxmlWorkload({ target, image: "x", name: "news", host: "news.example.org", install })),
    );
  });

  it.each<[string, Partial<OpensmtpdArgs>]>([
    ["delivery: direct", { delivery: "direct" }],
    ["delivery: mailbox, publish: 2525", { delivery: "mailbox", publish: 2525 }],
    [SMARTHOST, { smarthost }],
    [SMARTHOST_CA, { smarthost: { ...smarthost, caCertificate: CA } }],
    [`delivery: mailbox, ${SMARTHOST_CA}`, { delivery: "mailbox", smarthost: { ...smarthost, caCertificate: CA } }],
  ])("OpenSMTPD with %s", (settings, args) => {
    const m = model([`opensmtpd: { name: mx, deliverTo: a@example.org, ${settings} }`]);
    expect(claimed(m, "app mx")).toEqual(built(relay({ name: "mx", ...args })));
  });

  it.each<[string, Partial<TraefikArgs>]>([
    ["{ acme: { email: ops@example.org } }", {}],
    [`{ acme: { email: ops@example.org }, ${DASHBOARD} }`, { dashboard: { host: "traefik.example.org", users: "u" } }],
    // composeEdge gives Traefik Pebble's CA certificate when the CA is pebble
    ["{ acme: { email: ops@example.org, ca: pebble } }", { acmeCaCertificate: CA }],
    [
      `{ acme: { email: ops@example.org, ca: pebble }, ${DASHBOARD} }`,
      { acmeCaCertificate: CA, dashboard: { host: "traefik.example.org", users: "u" } },
    ],
  ])("Traefik of edge.traefik %s", (edge, args) => {
    const m = model(["service: { name: web, image: x/web }"], `edge: { traefik: ${edge} }`);
    expect(claimed(m, "recette's traefik")).toEqual(built(traefik(args)));
  });

  it("Pebble, with the pebble CA only", () => {
    const pebble = model(
      ["service: { name: web, image: x/web }"],
      "edge: { traefik: { acme: { email: a@b.org, ca: pebble } } }",
    );
    expect(claimed(pebble, "recette's pebble")).toEqual(built(pebbleWorkload({ target, image: "x" })));
    expect(claimed(model(["service: { name: web, image: x/web }"]), "recette's pebble")).toEqual([]);
  });

  it("a service, as the composition makes its workload (engine/compose/apps.ts serviceWorkload)", () => {
    const m = model([
      "service: { name: web, image: x/web, volumes: [{ name: data, path: /d }, { name: logs, path: /l }], " +
        "secrets: { key: { secret: k }, cert.pem: { secret: c } }, ports: [{ published: 8080, target: 80 }] }",
    ]);
    const app = m.apps[0]!;
    if (app.kind !== "service") throw new Error("a service");
    const ctx: StackContext = {
      naming: { project: "recette", stack: "test", recipe: "t" },
      recipeFile: "recipes/t.yaml",
      isProd: false,
      resolve: { secret: (v) => pulumi.secret(v.secret) },
      imageRegistry: "local",
    };
    expect(claimed(m, "app web")).toEqual(built({ ...workloadDefaults(), ...serviceWorkload(app.spec, ctx) }));
    expect(claimed(m, "app web")).toContain("web-cert-pem");
  });
});

describe("a volume added to a component's declaration", () => {
  // The case: PluXml gains a `cache` volume, declared in components/pluxml/objects.ts.
  const withCache: Declarations = {
    ...DECLARATIONS,
    pluxml: {
      ...PLUXML_OBJECTS,
      volumes: { ...PLUXML_OBJECTS.volumes, cache: { name: "cache", what: "cache volume" } },
    },
  };
  const m = model([
    `pluxml: { name: blog, host: blog.example.org, ${ADMIN} }`,
    "service: { name: blog-cache, image: x/a }",
  ]);

  it("is checked: a service of that name is refused, naming both places", () => {
    expect(physicalNamesRule(withCache)(m)).toEqual([
      {
        severity: "error",
        path: ["apps", 1, "service", "name"],
        message:
          "service blog-cache would be named <project>-<stack>-blog-cache, like blog's cache volume at " +
          "apps[0].pluxml.name (rename one of them: two objects never share a name)",
      },
    ]);
  });

  it("is the only reason: with the components' own declarations the same recipe is valid", () => {
    expect(physicalNamesRule()(m)).toEqual([]);
  });
});

describe("the edge's objects", () => {
  it("are Traefik's and Pebble's, reported where the recipe asks for them", () => {
    const edge = "edge: { traefik: { acme: { email: a@example.org, ca: pebble } } }";
    expect(() =>
      model(["service: { name: traefik-acme, image: x/a }", "service: { name: pebble-files, image: x/a }"], edge),
    ).toThrow(
      [
        "recipes/t.yaml:6:22 apps[0].service.name: service " +
          "traefik-acme would be named <project>-<stack>-traefik-acme, " +
          "like traefik's acme.json volume at edge.traefik (rename one of them: two objects never share a name)",
        "recipes/t.yaml:7:22 apps[1].service.name: service " +
          "pebble-files would be named <project>-<stack>-pebble-files, " +
          "like pebble's Kubernetes files object at edge.traefik.acme.ca " +
          "(rename one of them: two objects never share a name)",
      ].join("\n"),
    );
  });
});

describe("a conditional object", () => {
  const apps = (delivery: string) => [
    `opensmtpd: { deliverTo: a@example.org, delivery: ${delivery} }`,
    "service: { name: relay-mail, image: x/a }",
  ];

  it("is claimed when the settings create it: OpenSMTPD's mailbox volume with delivery mailbox", () => {
    expect(() => model(apps("mailbox"))).toThrow(
      "apps[1].service.name: service relay-mail would be named <project>-<stack>-relay-mail, like relay's mailbox " +
        "volume at apps[0].opensmtpd.name",
    );
  });

  it("is not claimed otherwise", () => {
    expect(model(apps("direct")).apps.map((a) => a.name)).toEqual(["relay", "relay-mail"]);
  });
});
