import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { installRecorder, SECRET } from "../../engine/render/mocks";
import * as swarm from "../swarm";
import type { Workload } from "../workload";
import {
  LETS_ENCRYPT,
  renderDynamicConfig,
  renderStaticConfig,
  resolveCaServer,
  Traefik,
  traefikWorkload,
  validateTraefikArgs,
  type TraefikArgs,
} from "./index";
import { one, resolve, stubTarget } from "../../test/registrations";
import { componentError } from "../../test/component-error";

const RETRY = { retry: { attempts: 3, initialInterval: "100ms" } };
const PROVIDERS = {
  swarm: { endpoint: "unix:///var/run/docker.sock", exposedByDefault: false, network: "recette-test-net" },
};

const target = stubTarget(PROVIDERS);

const args = (over: Partial<TraefikArgs> = {}): TraefikArgs => ({
  target,
  image: "traefik:v3.3",
  email: "ops@example.org",
  caServer: LETS_ENCRYPT.staging,
  ...over,
});

describe("resolveCaServer", () => {
  it.each<[string, boolean, string | undefined, string]>([
    ["auto", true, undefined, "https://acme-v02.api.letsencrypt.org/directory"],
    ["auto", false, undefined, "https://acme-staging-v02.api.letsencrypt.org/directory"],
    ["production", false, undefined, "https://acme-v02.api.letsencrypt.org/directory"],
    ["staging", true, undefined, "https://acme-staging-v02.api.letsencrypt.org/directory"],
    ["pebble", false, "https://pebble:14000/dir", "https://pebble:14000/dir"],
    ["https://ca.example.org/acme/directory", true, undefined, "https://ca.example.org/acme/directory"],
  ])("ca %s on a production stack %s (pebble %s) → %s", (ca, production, pebble, url) => {
    expect(resolveCaServer(ca, production, pebble)).toBe(url);
  });

  it("refuses pebble without the local Pebble service", () => {
    expect(() => resolveCaServer("pebble", false)).toThrow(new Error("the pebble CA needs the local Pebble service"));
  });
});

describe("renderStaticConfig", () => {
  const render = (over: { challenge?: "http" | "tls"; dashboard?: boolean; caServer?: string } = {}) =>
    parse(
      renderStaticConfig({
        email: "ops@example.org",
        caServer: LETS_ENCRYPT.production,
        challenge: "http",
        providers: PROVIDERS,
        dashboard: false,
        ...over,
      }),
    ) as Record<string, any>;

  it("is exactly the expected document with HTTP-01 and no dashboard", () => {
    expect(render()).toEqual({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: { level: "INFO" },
      accessLog: {},
      ping: {},
      entryPoints: {
        web: {
          address: ":80",
          http: {
            redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } },
            aliasHeadersStrategy: "delete",
          },
        },
        websecure: {
          address: ":443",
          http: {
            middlewares: ["security-headers@file", "retry@file"],
            tls: { certResolver: "le" },
            aliasHeadersStrategy: "delete",
          },
        },
      },
      providers: { ...PROVIDERS, file: { filename: "/etc/traefik/dynamic.yml", watch: false } },
      certificatesResolvers: {
        le: {
          acme: {
            email: "ops@example.org",
            storage: "/data/acme.json",
            caServer: LETS_ENCRYPT.production,
            httpChallenge: { entryPoint: "web" },
          },
        },
      },
    });
  });

  it.each([
    ["http", { httpChallenge: { entryPoint: "web" } }],
    ["tls", { tlsChallenge: {} }],
  ] as const)("challenge %s → %o and not the other", (challenge, expected) => {
    const acme = render({ challenge }).certificatesResolvers.le.acme as Record<string, unknown>;
    expect(acme).toMatchObject(expected);
    expect(Object.keys(acme).filter((k) => k.endsWith("Challenge"))).toEqual(Object.keys(expected));
  });

  it.each([
    [true, { dashboard: true }],
    [false, undefined],
  ])("dashboard %s → api %o", (dashboard, api) => {
    expect(render({ dashboard }).api).toEqual(api);
  });

  it("carries the CA server it is given", () => {
    expect(render({ caServer: LETS_ENCRYPT.staging }).certificatesResolvers.le.acme.caServer).toBe(
      LETS_ENCRYPT.staging,
    );
  });
});

describe("renderDynamicConfig", () => {
  const headers = {
    stsSeconds: 31536000,
    stsIncludeSubdomains: true,
    contentTypeNosniff: true,
    frameDeny: true,
    referrerPolicy: "strict-origin-when-cross-origin",
  };

  it.each([
    ["1.2", "VersionTLS12"],
    ["1.3", "VersionTLS13"],
  ] as const)("minimum TLS %s → %s", (min, version) => {
    expect(parse(renderDynamicConfig(min))).toEqual({
      http: { middlewares: { "security-headers": { headers }, retry: RETRY } },
      tls: { options: { default: { minVersion: version } } },
    });
  });

  it("puts the dashboard behind basic auth from the users file only when it has a host", () => {
    expect(parse(renderDynamicConfig("1.2", "traefik.example.org"))).toEqual({
      http: {
        middlewares: {
          "security-headers": { headers },
          retry: RETRY,
          "dashboard-auth": { basicAuth: { usersFile: "/run/secrets/dashboard-users" } },
        },
        routers: {
          dashboard: {
            rule: "Host(`traefik.example.org`)",
            entryPoints: ["websecure"],
            service: "api@internal",
            middlewares: ["dashboard-auth"],
            tls: { certResolver: "le" },
          },
        },
      },
      tls: { options: { default: { minVersion: "VersionTLS12" } } },
    });
  });

  it("refuses a dashboard host that would end the rule's string (an unauthenticated second rule)", () => {
    expect(() => renderDynamicConfig("1.2", "x`) || PathPrefix(`/")).toThrow(
      new Error(
        'recette: dashboard host "x`) || PathPrefix(`/" cannot go into a Traefik rule: ' +
          "it contains a backtick, which ends a Traefik rule string",
      ),
    );
  });
});

describe("traefikWorkload", () => {
  it("is one stop-first replica with a kept acme volume, host-published 80/443, reading the orchestrator", async () => {
    const w = traefikWorkload(args());
    const { files, ...rest } = w;
    expect(rest).toEqual({
      name: "traefik",
      image: "traefik:v3.3",
      args: ["--configFile=/etc/traefik/traefik.yml"],
      env: {},
      secrets: [],
      volumes: [{ name: "acme", path: "/data", sizeMiB: 64, keep: true }],
      routes: [],
      published: [
        { published: 80, target: 80, protocol: "tcp" },
        { published: 443, target: 443, protocol: "tcp" },
      ],
      ports: [80, 443],
      health: {
        command: ["traefik", "healthcheck", "--configFile=/etc/traefik/traefik.yml"],
        interval: "10s",
        timeout: "5s",
        retries: 3,
        startPeriod: "10s",
      },
      replicas: 1,
      update: { parallelism: 1, delay: "5s", order: "stop-first" },
      resources: { memoryMiB: 256 },
      placement: { labels: {}, role: "any" },
      aliases: [],
      readsOrchestrator: true,
      preserveClientIp: true,
    } satisfies Omit<Workload, "files">);
    expect(files.map((f) => [f.name, f.path])).toEqual([
      ["traefik.yml", "/etc/traefik/traefik.yml"],
      ["dynamic.yml", "/etc/traefik/dynamic.yml"],
    ]);
    expect(await resolve(files[0]!.content)).toBe(
      renderStaticConfig({
        email: "ops@example.org",
        caServer: LETS_ENCRYPT.staging,
        challenge: "http",
        providers: PROVIDERS,
        dashboard: false,
      }),
    );
    expect(files[1]!.content).toBe(renderDynamicConfig("1.2"));
  });

  it("publishes 80/443 in host mode even with the routing mesh (clients' addresses are kept)", () => {
    expect(swarm.renderEndpointSpec(traefikWorkload(args()), true)).toEqual({
      mode: "vip",
      ports: [
        { targetPort: 80, publishedPort: 80, protocol: "tcp", publishMode: "host" },
        { targetPort: 443, publishedPort: 443, protocol: "tcp", publishMode: "host" },
      ],
    });
  });

  it("publishes on the node ports it is given, still to container ports 80/443", () => {
    const w = traefikWorkload(args({ ports: { http: 8080, https: 8443 } }));
    expect(w.published).toEqual([
      { published: 8080, target: 80, protocol: "tcp" },
      { published: 8443, target: 443, protocol: "tcp" },
    ]);
    expect(w.ports).toEqual([80, 443]);
  });

  it("trusts an extra ACME CA through LEGO_CA_CERTIFICATES only when given one", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----";
    const w = traefikWorkload(args({ acmeCaCertificate: pem }));
    expect(w.env).toEqual({ LEGO_CA_CERTIFICATES: "/etc/traefik/acme-ca.pem" });
    expect(w.files.map((f) => f.name)).toEqual(["traefik.yml", "dynamic.yml", "acme-ca.pem"]);
    expect(w.files[2]).toEqual({ name: "acme-ca.pem", path: "/etc/traefik/acme-ca.pem", content: pem });
    expect(traefikWorkload(args()).env).toEqual({});
  });

  it("adds the dashboard: api on, the router, and the users as a secret file", async () => {
    const users = pulumi.secret("admin:$apr1$x$y");
    const w = traefikWorkload(
      args({
        dashboard: { host: "traefik.example.org", users },
        minTls: "1.3",
        challenge: "tls",
        aliases: ["blog.local"],
      }),
    );
    expect(w.secrets).toEqual([{ name: "dashboard-users", path: "/run/secrets/dashboard-users", content: users }]);
    expect(w.aliases).toEqual(["blog.local"]);
    const staticDoc = parse(await resolve(w.files[0]!.content)) as Record<string, any>;
    expect(staticDoc.api).toEqual({ dashboard: true });
    expect(staticDoc.certificatesResolvers.le.acme.tlsChallenge).toEqual({});
    expect(w.files[1]!.content).toBe(renderDynamicConfig("1.3", "traefik.example.org"));
  });

  it("takes the e-mail as an Output", async () => {
    const w = traefikWorkload(args({ email: pulumi.output("acme@example.org") }));
    expect((parse(await resolve(w.files[0]!.content)) as Record<string, any>).certificatesResolvers.le.acme.email).toBe(
      "acme@example.org",
    );
  });
});

describe("validateTraefikArgs", () => {
  it.each<[number | undefined, string | undefined]>([
    [undefined, undefined],
    [1, undefined],
    [2, "2 replicas cannot share acme.json: Traefik's file storage allows one replica (set replicas: 1)"],
    [3, "3 replicas cannot share acme.json: Traefik's file storage allows one replica (set replicas: 1)"],
  ])("replicas %s → %s", (replicas, message) => {
    expect(validateTraefikArgs(args(replicas === undefined ? {} : { replicas }))).toEqual(
      message ? [{ propertyPath: "replicas", reason: message }] : [],
    );
  });

  it("refuses 2 replicas in the constructor with the component's name, before deploying anything", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const reason = "2 replicas cannot share acme.json: Traefik's file storage allows one replica (set replicas: 1)";
    expect(() => new Traefik("two", args({ replicas: 2 }))).toThrow(
      componentError(`recette:traefik:Traefik two: replicas: ${reason}`, [{ propertyPath: "replicas", reason }]),
    );
    await settle();
    expect(registrations.map((r) => r.type)).toEqual(["recette:traefik:Traefik"]);
  });
});

describe("Traefik on a Swarm target under mocks", () => {
  it(
    "registers the acme volume, three configs, " + "the users secret and one service on a manager with the socket",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
      const target = new swarm.Target("swarm", {
        naming: { project: "recette", stack: "test", recipe: "blog" },
        provider,
        mesh: true,
      });
      const traefik = new Traefik("edge", {
        target,
        image: "traefik:v3.3",
        email: "ops@example.org",
        caServer: LETS_ENCRYPT.staging,
        dashboard: { host: "traefik.example.org", users: pulumi.secret("admin:hash") },
        acmeCaCertificate: "PEM",
      });
      await settle();
      const children = registrations.filter((r) => r.parent === "recette:traefik:Traefik::edge");
      expect(children.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "docker:index/secret:Secret::traefik-dashboard-users",
        "docker:index/service:Service::traefik",
        "docker:index/serviceConfig:ServiceConfig::traefik-acme-ca.pem",
        "docker:index/serviceConfig:ServiceConfig::traefik-dynamic.yml",
        "docker:index/serviceConfig:ServiceConfig::traefik-traefik.yml",
        "docker:index/volume:Volume::traefik-acme",
        "random:index/randomId:RandomId::traefik-dashboard-users-suffix",
      ]);
      expect(await resolve(traefik.serviceName)).toBe("recette-test-traefik");
      expect(one(registrations, "docker:index/secret:Secret", "traefik-dashboard-users").inputs.data).toBe(SECRET);
      const service = one(registrations, "docker:index/service:Service", "traefik").inputs as Record<string, any>;
      expect(service.mode).toEqual({ replicated: { replicas: 1 } });
      expect(service.updateConfig).toEqual({
        parallelism: 1,
        delay: "5s",
        order: "stop-first",
        failureAction: "rollback",
        monitor: "15s",
      });
      expect(service.taskSpec.placement.constraints).toEqual(["node.role==manager"]);
      expect(service.taskSpec.containerSpec.mounts).toEqual([
        {
          type: "volume",
          source: "recette-test-traefik-acme",
          target: "/data",
          volumeOptions: { labels: one(registrations, "docker:index/volume:Volume", "traefik-acme").inputs.labels },
        },
        { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
      ]);
      expect(service.taskSpec.containerSpec.env).toEqual({ LEGO_CA_CERTIFICATES: "/etc/traefik/acme-ca.pem" });
      expect(service.endpointSpec.ports.map((p: { publishMode: string }) => p.publishMode)).toEqual(["host", "host"]);
      // The static config the service mounts is the one rendered with this target's providers.
      const config = one(registrations, "docker:index/serviceConfig:ServiceConfig", "traefik-traefik.yml").inputs;
      const staticDoc = parse(Buffer.from(config.data as string, "base64").toString("utf8")) as Record<string, any>;
      expect(staticDoc.providers.swarm).toEqual(target.traefikProviders().swarm);
      expect(staticDoc.api).toEqual({ dashboard: true });
    },
  );
});
