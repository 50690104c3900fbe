import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installRecorder, SECRET } from "../../engine/render/mocks";
import * as swarm from "../swarm";
import type { Workload } from "../workload";
import { DATA_PATH, installEnv, Pluxml, pluxmlWorkload, type PluxmlArgs } from "./index";
import { one, resolve, stubTarget } from "../../test/registrations";

const target = stubTarget();

const INSTALL = {
  adminName: "Jeanne",
  adminLogin: "jeanne",
  adminEmail: "jeanne@example.org",
  adminPassword: "s3cret",
};
const args = (over: Partial<PluxmlArgs> = {}): PluxmlArgs => ({
  target,
  image: "recette/pluxml:5.8.21",
  host: "blog.example.org",
  install: INSTALL,
  ...over,
});

/** The install settings with PluXml's own defaults (title PluXml, en, Europe/Paris, sample content). */
const INSTALL_ENV = {
  PLUXML_TITLE: "PluXml",
  PLUXML_LOCALE: "en",
  PLUXML_TIMEZONE: "Europe/Paris",
  PLUXML_ADMIN_NAME: "Jeanne",
  PLUXML_ADMIN_LOGIN: "jeanne",
  PLUXML_ADMIN_EMAIL: "jeanne@example.org",
  PLUXML_SAMPLE_CONTENT: "1",
  PLUXML_ADMIN_PASSWORD_FILE: "/run/secrets/admin-password",
};

const HEALTH = {
  command: ["php", "-r", "exit(@file_get_contents('http://127.0.0.1/') === false ? 1 : 0);"],
  interval: "10s",
  timeout: "5s",
  retries: 3,
  startPeriod: "10s",
};

describe("pluxmlWorkload", () => {
  it("is exactly the blog workload without mail", async () => {
    const w = pluxmlWorkload(args());
    const { secrets, ...rest } = w;
    expect(rest).toEqual({
      name: "blog",
      image: "recette/pluxml:5.8.21",
      env: { MAIL_FROM: "blog@blog.example.org", ...INSTALL_ENV },
      files: [],
      volumes: [{ name: "data", path: "/var/www/html/data", sizeMiB: 1024, keep: true }],
      routes: [{ host: "blog.example.org", path: "/", port: 80 }],
      published: [],
      ports: [80],
      health: HEALTH,
      replicas: 1,
      update: { parallelism: 1, delay: "5s", order: "start-first" },
      resources: { memoryMiB: 256 },
      placement: { labels: {}, role: "any" },
      aliases: [],
      readsOrchestrator: false,
      preserveClientIp: false,
    } satisfies Omit<Workload, "secrets">);
    // the admin password: one secret file, read only by root, never an environment variable
    expect(secrets).toHaveLength(1);
    expect({ ...secrets[0], content: undefined }).toEqual({
      name: "admin-password",
      path: "/run/secrets/admin-password",
      mode: 0o400,
      content: undefined,
    });
    expect(pulumi.Output.isInstance(secrets[0]!.content)).toBe(true);
    expect(await pulumi.isSecret(secrets[0]!.content as pulumi.Output<string>)).toBe(true);
    expect(await resolve(secrets[0]!.content)).toBe("s3cret");
    expect(Object.values(w.env)).not.toContain("s3cret");
  });

  it.each<[string, Partial<PluxmlArgs>, Record<string, string>]>([
    ["no relay", {}, { MAIL_FROM: "blog@blog.example.org", ...INSTALL_ENV }],
    [
      "a relay",
      { relayHost: "recette-test-relay" },
      { SMTP_HOST: "recette-test-relay", SMTP_PORT: "25", MAIL_FROM: "blog@blog.example.org", ...INSTALL_ENV },
    ],
  ])("env with %s", (_, over, env) => {
    expect(pluxmlWorkload(args(over)).env).toEqual(env);
  });

  it.each<[string, Parameters<typeof installEnv>[0], Record<string, string>]>([
    ["PluXml's defaults", INSTALL, INSTALL_ENV],
    [
      "every setting given",
      { ...INSTALL, title: "Le blog", locale: "fr", timezone: "Europe/London", sampleContent: false },
      {
        ...INSTALL_ENV,
        PLUXML_TITLE: "Le blog",
        PLUXML_LOCALE: "fr",
        PLUXML_TIMEZONE: "Europe/London",
        PLUXML_SAMPLE_CONTENT: "0",
      },
    ],
  ])("install settings: %s", (_, install, env) => {
    expect(installEnv(install)).toEqual(env);
  });

  it("routes its own host to port 80 and never publishes a node port", () => {
    const w = pluxmlWorkload(args({ host: "www.example.net" }));
    expect(w.routes).toEqual([{ host: "www.example.net", path: "/", port: 80 }]);
    expect(w.published).toEqual([]);
    expect(w.env.MAIL_FROM).toBe("blog@www.example.net");
  });

  it("checks health with PHP itself (the image has no curl)", () => {
    const w = pluxmlWorkload(args());
    expect(w.health).toEqual(HEALTH);
    expect(w.health?.http).toBeUndefined();
  });

  it("takes the caller's name, size, replicas, update, placement and resources", () => {
    const w = pluxmlWorkload(
      args({
        name: "journal",
        dataSizeMiB: 2048,
        replicas: 2,
        update: { parallelism: 1, delay: "10s", order: "stop-first" },
        placement: { labels: { disk: "ssd" }, role: "worker" },
        resources: { memoryMiB: 512, cpus: 1 },
      }),
    );
    expect(w).toMatchObject({
      name: "journal",
      volumes: [{ name: "data", path: DATA_PATH, sizeMiB: 2048, keep: true }],
      replicas: 2,
      update: { parallelism: 1, delay: "10s", order: "stop-first" },
      placement: { labels: { disk: "ssd" }, role: "worker" },
      resources: { memoryMiB: 512, cpus: 1 },
    });
  });
});

describe("Pluxml on a Swarm target under mocks", () => {
  it("registers exactly the kept data volume, the admin password secret and the routed service", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
    const target = new swarm.Target("swarm", {
      naming: { project: "recette", stack: "test", recipe: "blog" },
      provider,
      mesh: true,
    });
    const blog = new Pluxml(
      "blog",
      args({
        target,
        relayHost: target.serviceHost("relay"),
        install: { ...INSTALL, title: pulumi.output("Le blog"), adminPassword: pulumi.secret("s3cret") },
      }),
    );
    await settle();
    expect(blog.url).toBe("https://blog.example.org/");
    expect(await resolve(blog.serviceName)).toBe("recette-test-blog");
    const children = registrations.filter((r) => r.parent === "recette:pluxml:Pluxml::blog");
    expect(children.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "docker:index/secret:Secret::blog-admin-password",
      "docker:index/service:Service::blog",
      "docker:index/volume:Volume::blog-data",
      "random:index/randomId:RandomId::blog-admin-password-suffix",
    ]);
    expect(one(registrations, "docker:index/volume:Volume", "blog-data").inputs.name).toBe("recette-test-blog-data");
    expect(one(registrations, "docker:index/volume:Volume", "blog-data").inputs.labels).toContainEqual({
      label: "recette.keep",
      value: "true",
    });
    const secret = one(registrations, "docker:index/secret:Secret", "blog-admin-password").inputs as Record<
      string,
      any
    >;
    // the recorder shows secret inputs redacted: the password is a secret in the Docker secret's data
    expect(secret.data).toBe(SECRET);
    expect(secret.name).toMatch(/^recette-test-blog-admin-password-[0-9a-f]{8}$/);
    expect(secret.labels).toContainEqual({ label: "recette.secret", value: "blog/admin-password" });
    const service = one(registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>;
    expect(service.taskSpec.containerSpec.env).toEqual({
      // start-first (the default) and routed: the old task drains while Traefik forgets it
      RECETTE_DRAIN_SECONDS: String(swarm.DRAIN_SECONDS),
      SMTP_HOST: "recette-test-relay",
      SMTP_PORT: "25",
      MAIL_FROM: "blog@blog.example.org",
      ...INSTALL_ENV,
      PLUXML_TITLE: "Le blog",
    });
    expect(service.taskSpec.containerSpec.secrets).toEqual([
      {
        secretId: expect.any(String),
        secretName: secret.name,
        fileName: "/run/secrets/admin-password",
        fileMode: 0o400,
      },
    ]);
    const volumeLabels = one(registrations, "docker:index/volume:Volume", "blog-data").inputs.labels;
    expect(service.taskSpec.containerSpec.mounts).toEqual([
      {
        type: "volume",
        source: "recette-test-blog-data",
        target: "/var/www/html/data",
        volumeOptions: { labels: volumeLabels },
      },
    ]);
    expect(service.taskSpec.containerSpec.healthcheck).toEqual({
      tests: ["CMD", ...HEALTH.command],
      interval: "10s",
      timeout: "5s",
      retries: 3,
      startPeriod: "10s",
    });
    expect(service.labels).toContainEqual({
      label: "traefik.http.routers.recette-test-blog-0.rule",
      value: "Host(`blog.example.org`)",
    });
    expect(service.labels).toContainEqual({
      label: "traefik.http.services.recette-test-blog-80.loadbalancer.server.port",
      value: "80",
    });
    expect(service.endpointSpec).toEqual({ mode: "vip", ports: [] });
  });
});
