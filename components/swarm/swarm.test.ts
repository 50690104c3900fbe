import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installRecorder, SECRET, type Registration } from "../../engine/render/mocks";
import { contentName, type Naming } from "../naming";
import type { ClusterNode } from "../node";
import { workloadDefaults, type Workload } from "../workload";
import {
  Cluster,
  renderConstraints,
  renderEndpointSpec,
  renderHealthcheck,
  renderRouteLabels,
  renderRule,
  pinnedImage,
  renderServiceSpec,
  DRAIN_SECONDS,
  TRAEFIK_REFRESH_SECONDS,
  Target,
  validateClusterArgs,
  type ServiceContext,
} from "./index";
import { MEMBERSHIP_PROBE, membershipDiff, membershipProvider } from "./membership";
import {
  parseJoin,
  renderDrainAndRemove,
  renderForgetFormerIds,
  renderInit,
  renderJoin,
  renderLeave,
  renderLabels,
} from "./scripts";
import { byType, one, resolve } from "../../test/registrations";
import { componentError } from "../../test/component-error";

const naming: Naming = { project: "recette", stack: "test", recipe: "blog" };
const SUBNET = "10.188.129.0/24"; // stackSubnet(recette, test)
const MiB = 1024 * 1024;

const workload = (over: Partial<Workload> = {}): Workload => ({
  ...workloadDefaults(),
  name: "blog",
  image: "example/blog:1",
  ...over,
});

/** Resolves every Output nested in a value (the spec mixes plain values and Outputs). */

describe("renderRule", () => {
  it.each([
    [{ host: "blog.example.org", path: "/", port: 80 }, "Host(`blog.example.org`)"],
    [{ host: "blog.example.org", path: "/admin", port: 80 }, "Host(`blog.example.org`) && PathPrefix(`/admin`)"],
    // Inside backticks, parentheses, quotes and || are bytes of the string, not rule syntax.
    [
      { host: "blog.example.org", path: "/a') || Host(\"x", port: 80 },
      "Host(`blog.example.org`) && PathPrefix(`/a') || Host(\"x`)",
    ],
  ])("%o → %s", (route, rule) => expect(renderRule(route)).toBe(rule));

  it.each([
    [
      { host: "evil.org`) || Host(`blog.example.org", path: "/", port: 80 },
      'recette: route host "evil.org`) || Host(`blog.example.org" cannot go into a Traefik rule: it contains a ' +
        "backtick, which ends a Traefik rule string",
    ],
    [
      { host: "blog.example.org", path: "/a`)||PathPrefix(`/", port: 80 },
      'recette: route path "/a`)||PathPrefix(`/" cannot go into a Traefik rule: it contains a backtick, which ends ' +
        "a Traefik rule string",
    ],
    [
      { host: "blog.example.org\u001b[2J", path: "/", port: 80 },
      'recette: route host "blog.example.org\\u001b[2J" cannot go into a Traefik rule: it contains an escape (ESC)',
    ],
  ])("refuses %o", (route, message) => expect(() => renderRule(route)).toThrow(new Error(message)));
});

describe("renderLabels", () => {
  const read =
    "current=$(docker node inspect " + `--format '{{range $k, $v := .Spec.Labels}}{{println $k}}{{end}}' "$NODE_ID")`;
  it.each<[string, Record<string, string>, string[]]>([
    [
      "no labels: removes every label",
      {},
      [
        read,
        "while IFS= read -r k; do",
        '  [ -n "$k" ] || continue',
        '  docker node update --label-rm "$k" "$NODE_ID" >/dev/null',
        'done <<< "$current"',
        "true",
      ],
    ],
    [
      "keys and values are single words whatever they contain; keys are literal case patterns",
      { zone: "a", "disk*": "ssd; touch /tmp/x", "it's": "$(id)" },
      [
        read,
        "while IFS= read -r k; do",
        '  [ -n "$k" ] || continue',
        `  case "$k" in 'disk*'|'it'\\''s'|zone) ;; ` +
          `*) docker node update --label-rm "$k" "$NODE_ID" >/dev/null ;; esac`,
        'done <<< "$current"',
        `docker node update --label-add 'disk*=ssd; touch /tmp/x' --label-add 'it'\\''s=$(id)' ` +
          `--label-add zone=a "$NODE_ID" >/dev/null`,
      ],
    ],
  ])("%s", (_, labels, lines) => expect(renderLabels(labels).split("\n")).toEqual(lines));

  it.each([
    [
      "a=b",
      "recette: label key \"a=b\" cannot go into a Swarm node label: it contains '=', where `docker node update " +
        "--label-add` splits key from value",
    ],
    [
      "a\nb",
      'recette: label key "a\\nb" cannot go into a Swarm node label: it contains a control character (the labels ' +
        "step reads keys one per line)",
    ],
    ["", 'recette: label key "" cannot go into a Swarm node label: it is empty'],
  ])("refuses the key %j", (key, message) => expect(() => renderLabels({ [key]: "x" })).toThrow(new Error(message)));

  it("refuses a NUL byte in a value, which no shell argument can carry", () => {
    expect(() => renderLabels({ disk: "ssd\0" })).toThrow(
      new Error(
        'recette: argument "disk=ssd\\u0000" cannot go into a shell script: it contains a NUL byte, which no shell ' +
          "argument can carry",
      ),
    );
  });
});

describe("renderRouteLabels", () => {
  it("routes nothing without routes", () => {
    expect(renderRouteLabels("recette-test-blog", "recette-test-net", [])).toEqual({});
  });

  it("names routers and backends after the physical service, on websecure with the le resolver", () => {
    expect(
      renderRouteLabels("recette-test-blog", "recette-test-net", [
        { host: "blog.example.org", path: "/", port: 80 },
        { host: "api.example.org", path: "/v1", port: 8080 },
      ]),
    ).toEqual({
      "traefik.enable": "true",
      "traefik.swarm.network": "recette-test-net",
      "traefik.http.routers.recette-test-blog-0.rule": "Host(`blog.example.org`)",
      "traefik.http.routers.recette-test-blog-0.entrypoints": "websecure",
      "traefik.http.routers.recette-test-blog-0.tls.certresolver": "le",
      "traefik.http.routers.recette-test-blog-0.service": "recette-test-blog-80",
      "traefik.http.services.recette-test-blog-80.loadbalancer.server.port": "80",
      "traefik.http.routers.recette-test-blog-1.rule": "Host(`api.example.org`) && PathPrefix(`/v1`)",
      "traefik.http.routers.recette-test-blog-1.entrypoints": "websecure",
      "traefik.http.routers.recette-test-blog-1.tls.certresolver": "le",
      "traefik.http.routers.recette-test-blog-1.service": "recette-test-blog-8080",
      "traefik.http.services.recette-test-blog-8080.loadbalancer.server.port": "8080",
    });
  });
});

describe("renderEndpointSpec", () => {
  const published = [
    { published: 80, target: 8080, protocol: "tcp" as const },
    { published: 53, target: 53, protocol: "udp" as const },
  ];
  it.each([
    // mesh, preserveClientIp → endpoint mode, publish mode
    [true, false, "vip", "ingress"],
    [true, true, "vip", "host"],
    [false, false, "dnsrr", "host"],
    [false, true, "dnsrr", "host"],
  ])("mesh %s, preserveClientIp %s → %s endpoints, %s publishing", (mesh, preserveClientIp, mode, publishMode) => {
    expect(renderEndpointSpec(workload({ published, preserveClientIp }), mesh)).toEqual({
      mode,
      ports: [
        { targetPort: 8080, publishedPort: 80, protocol: "tcp", publishMode },
        { targetPort: 53, publishedPort: 53, protocol: "udp", publishMode },
      ],
    });
  });

  it("publishes no port for a workload without published ports", () => {
    expect(renderEndpointSpec(workload(), true)).toEqual({ mode: "vip", ports: [] });
  });
});

describe("renderConstraints", () => {
  it.each<[string, Partial<Workload>, string[]]>([
    ["anywhere", {}, []],
    [
      "sorted labels",
      { placement: { labels: { zone: "a", disk: "ssd" }, role: "any" } },
      ["node.labels.disk==ssd", "node.labels.zone==a"],
    ],
    ["a worker", { placement: { labels: {}, role: "worker" } }, ["node.role==worker"]],
    [
      "a manager with a label",
      { placement: { labels: { edge: "true" }, role: "manager" } },
      ["node.labels.edge==true", "node.role==manager"],
    ],
    ["the orchestrator reader on a manager", { readsOrchestrator: true }, ["node.role==manager"]],
    [
      "the orchestrator reader even when placed on workers",
      { readsOrchestrator: true, placement: { labels: {}, role: "worker" } },
      ["node.role==manager"],
    ],
  ])("%s", (_, over, constraints) => {
    expect(renderConstraints(workload(over))).toEqual(constraints);
  });

  it.each([
    [
      { "disk==ssd,node.role": "x" },
      'recette: label key "disk==ssd,node.role" cannot go into a Swarm placement constraint: swarmkit accepts ' +
        "letters, digits, '-', '_' and '.'",
    ],
    [
      { disk: "ssd!=x" },
      'recette: value of label disk "ssd!=x" cannot go into a Swarm placement constraint: swarmkit accepts letters, ' +
        "digits, blanks inside and :-_.*()?+[]\\^$|/",
    ],
    [
      { disk: " ssd" },
      'recette: value of label disk " ssd" cannot go into a Swarm placement constraint: swarmkit accepts letters, ' +
        "digits, blanks inside and :-_.*()?+[]\\^$|/",
    ],
  ])("refuses the placement labels %o", (labels, message) => {
    expect(() => renderConstraints(workload({ placement: { labels, role: "any" } }))).toThrow(new Error(message));
  });
});

describe("renderHealthcheck", () => {
  const timing = { interval: "10s", timeout: "5s", retries: 3, startPeriod: "20s" };
  it.each<[string, Workload["health"], ReturnType<typeof renderHealthcheck>]>([
    ["none", undefined, undefined],
    [
      "a command",
      { command: ["smtpctl", "show", "status"], ...timing },
      { tests: ["CMD", "smtpctl", "show", "status"], ...timing },
    ],
    [
      "an HTTP path",
      { http: { path: "/health", port: 8080 }, ...timing },
      {
        tests: [
          "CMD",
          "curl",
          "-fsS",
          "--globoff",
          "-o",
          "/dev/null",
          "--max-time",
          "5",
          "http://127.0.0.1:8080/health",
        ],
        ...timing,
      },
    ],
    [
      // No shell: `#`, `&`, `||` and `$()` are bytes of the URL, they cannot end the command or mask its status.
      "a hostile HTTP path stays one argument",
      { http: { path: "/a#b&c || true $(id)", port: 80 }, ...timing, timeout: "500ms" },
      {
        tests: [
          "CMD",
          "curl",
          "-fsS",
          "--globoff",
          "-o",
          "/dev/null",
          "--max-time",
          "1",
          "http://127.0.0.1:80/a#b&c || true $(id)",
        ],
        ...timing,
        timeout: "500ms",
      },
    ],
  ])("%s", (_, health, expected) => {
    expect(renderHealthcheck(workload({ health }))).toEqual(expected);
  });
});

describe("renderServiceSpec", () => {
  const ctx = (over: Partial<ServiceContext> = {}): ServiceContext => ({
    serviceName: "recette-test-blog",
    networkName: "recette-test-net",
    networkId: "recette-test-net-id",
    mesh: true,
    labels: { "recette.stack": "recette-test", "recette.workload": "blog" },
    volumes: [
      {
        source: "recette-test-blog-data",
        target: "/var/www/html/data",
        labels: { "recette.stack": "recette-test", "recette.keep": "true" },
      },
    ],
    configs: [{ id: "cfg-id", name: "recette-test-blog-a-yml-0123456789", path: "/etc/a.yml", mode: 0o444 }],
    secrets: [{ id: "sec-id", name: "recette-test-blog-pw-abcd", path: "/run/secrets/pw", mode: 0o400 }],
    ...over,
  });

  it("maps a complete workload to the exact docker.Service arguments", async () => {
    const w = workload({
      args: ["--verbose"],
      env: { A: "1" },
      routes: [{ host: "blog.example.org", path: "/", port: 80 }],
      published: [{ published: 8443, target: 443, protocol: "tcp" }],
      health: { command: ["true"], interval: "10s", timeout: "5s", retries: 3, startPeriod: "10s" },
      replicas: 3,
      update: { parallelism: 2, delay: "10s", order: "stop-first" },
      resources: { cpus: 0.5, memoryMiB: 256, reserveMemoryMiB: 128 },
      placement: { labels: { zone: "a" }, role: "worker" },
      aliases: ["blog.example.org"],
    });
    expect(await resolve(renderServiceSpec(w, ctx()))).toEqual({
      name: "recette-test-blog",
      labels: [
        { label: "recette.stack", value: "recette-test" },
        { label: "recette.workload", value: "blog" },
        { label: "traefik.enable", value: "true" },
        { label: "traefik.http.routers.recette-test-blog-0.entrypoints", value: "websecure" },
        { label: "traefik.http.routers.recette-test-blog-0.rule", value: "Host(`blog.example.org`)" },
        { label: "traefik.http.routers.recette-test-blog-0.service", value: "recette-test-blog-80" },
        { label: "traefik.http.routers.recette-test-blog-0.tls.certresolver", value: "le" },
        { label: "traefik.http.services.recette-test-blog-80.loadbalancer.server.port", value: "80" },
        { label: "traefik.swarm.network", value: "recette-test-net" },
      ],
      mode: { replicated: { replicas: 3 } },
      taskSpec: {
        containerSpec: {
          image: "example/blog:1",
          args: ["--verbose"],
          env: { A: "1" },
          mounts: [
            {
              type: "volume",
              source: "recette-test-blog-data",
              target: "/var/www/html/data",
              volumeOptions: {
                labels: [
                  { label: "recette.keep", value: "true" },
                  { label: "recette.stack", value: "recette-test" },
                ],
              },
            },
          ],
          configs: [
            {
              configId: "cfg-id",
              configName: "recette-test-blog-a-yml-0123456789",
              fileName: "/etc/a.yml",
              fileMode: 0o444,
            },
          ],
          secrets: [
            {
              secretId: "sec-id",
              secretName: "recette-test-blog-pw-abcd",
              fileName: "/run/secrets/pw",
              fileMode: 0o400,
            },
          ],
          healthcheck: { tests: ["CMD", "true"], interval: "10s", timeout: "5s", retries: 3, startPeriod: "10s" },
          labels: [
            { label: "recette.stack", value: "recette-test" },
            { label: "recette.workload", value: "blog" },
          ],
          init: true,
          stopGracePeriod: "1m",
        },
        networksAdvanceds: [{ id: "recette-test-net-id", aliases: ["blog.example.org"] }],
        placement: { constraints: ["node.labels.zone==a", "node.role==worker"] },
        resources: {
          limits: { memoryBytes: 256 * MiB, nanoCpus: 500_000_000 },
          reservation: { memoryBytes: 128 * MiB },
        },
        restartPolicy: { condition: "any", delay: "5s", window: "1m" },
      },
      updateConfig: { parallelism: 2, delay: "10s", order: "stop-first", failureAction: "rollback", monitor: "15s" },
      rollbackConfig: { parallelism: 2, delay: "0s", order: "stop-first", failureAction: "pause", monitor: "15s" },
      endpointSpec: {
        mode: "vip",
        ports: [{ targetPort: 443, publishedPort: 8443, protocol: "tcp", publishMode: "ingress" }],
      },
    });
  });

  it("mounts the Docker socket read-only and pins to a manager for the orchestrator reader", async () => {
    const spec = await resolve(renderServiceSpec(workload({ readsOrchestrator: true }), ctx({ volumes: [] })));
    expect(spec.taskSpec.containerSpec.mounts).toEqual([
      { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
    ]);
    expect(spec.taskSpec.placement?.constraints).toEqual(["node.role==manager"]);
  });

  it(
    "sets no limits, no reservation, no args, " + "no healthcheck and no route labels when the workload has none",
    async () => {
      const spec = await resolve(renderServiceSpec(workload(), ctx({ volumes: [], configs: [], secrets: [] })));
      expect(spec.taskSpec.resources).toEqual({});
      expect(spec.taskSpec.containerSpec).not.toHaveProperty("args");
      expect(spec.taskSpec.containerSpec.healthcheck).toBeUndefined();
      expect(spec.labels).toEqual([
        { label: "recette.stack", value: "recette-test" },
        { label: "recette.workload", value: "blog" },
      ]);
      expect(spec.updateConfig).toEqual({
        parallelism: 1,
        delay: "5s",
        order: "start-first",
        failureAction: "rollback",
        monitor: "15s",
      });
    },
  );

  it(
    "a start-first routed service drains for as long as Traefik may still route to a stopping task; the workload's " +
      "own value wins",
    async () => {
      const routes = [{ host: "web.example.org", path: "/", port: 80 }];
      const env = async (over: Partial<Workload>) =>
        (await resolve(renderServiceSpec(workload(over), ctx()))).taskSpec.containerSpec.env;
      const startFirst = { parallelism: 1, delay: "5s", order: "start-first" as const };
      expect(DRAIN_SECONDS).toBeGreaterThan(TRAEFIK_REFRESH_SECONDS + 2);
      // the recipe reference (generated from the schema) gives the same figure
      expect(fs.readFileSync(path.join(__dirname, "../../docs/recipe.md"), "utf8")).toContain(
        `RECETTE_DRAIN_SECONDS (${DRAIN_SECONDS})`,
      );
      expect(await env({ routes, update: startFirst, env: { A: "1" } })).toEqual({
        RECETTE_DRAIN_SECONDS: String(DRAIN_SECONDS),
        A: "1",
      });
      expect(await env({ routes, update: startFirst, env: { RECETTE_DRAIN_SECONDS: "20" } })).toEqual({
        RECETTE_DRAIN_SECONDS: "20",
      });
      // stop-first: the old task is gone before the new one starts, draining would only lengthen the gap
      expect(await env({ routes, update: { ...startFirst, order: "stop-first" }, env: { A: "1" } })).toEqual({
        A: "1",
      });
      // not behind Traefik (the relay): nothing routes to it by task address
      expect(await env({ update: startFirst, env: { A: "1" } })).toEqual({ A: "1" });
    },
  );

  it.each([
    [{ cpus: 2 }, { nanoCpus: 2_000_000_000 }],
    [{ cpus: 0.25 }, { nanoCpus: 250_000_000 }],
    [{ memoryMiB: 64 }, { memoryBytes: 67_108_864 }],
  ])("resources %o → limits %o", async (resources, limits) => {
    const spec = await resolve(renderServiceSpec(workload({ resources }), ctx()));
    expect(spec.taskSpec.resources).toEqual({ limits });
  });

  it("takes the mesh as an Output: dnsrr and host publishing without it", async () => {
    const w = workload({ published: [{ published: 25, target: 25, protocol: "tcp" }] });
    const spec = await resolve(renderServiceSpec(w, ctx({ mesh: pulumi.output(false) })));
    expect(spec.endpointSpec).toEqual({
      mode: "dnsrr",
      ports: [{ targetPort: 25, publishedPort: 25, protocol: "tcp", publishMode: "host" }],
    });
  });
});

describe("Target under mocks", () => {
  const deployBlog = (
    files: { name: string; content: string }[],
    mesh: pulumi.Input<boolean> = true,
    pin: { pinImages?: boolean; image?: string } = {},
  ) => {
    const recorder = installRecorder("recette", "test");
    const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
    const target = new Target("swarm", { naming, provider, mesh, ...(pin.pinImages ? { pinImages: true } : {}) });
    const parent = new pulumi.ComponentResource("recette:test:App", "app");
    const deployed = target.deploy(
      workload({
        ...(pin.image ? { image: pin.image } : {}),
        volumes: [{ name: "data", path: "/var/www/html/data", sizeMiB: 1024, keep: true }],
        files: files.map((f) => ({ ...f, path: `/etc/blog/${f.name}` })),
        secrets: [{ name: "db.pass", path: "/run/secrets/db.pass", content: "hunter2" }],
        routes: [{ host: "blog.example.org", path: "/", port: 80 }],
        published: [{ published: 8080, target: 80, protocol: "tcp" }],
      }),
      parent,
    );
    return { ...recorder, target, deployed };
  };
  const twoFiles = [
    { name: "a.yml", content: "A" },
    { name: "b.conf", content: "B" },
  ];

  it("refuses a workload that asks for autoscaling, which Swarm cannot do, instead of dropping it", async () => {
    const { settle } = installRecorder("recette", "test");
    const provider = new docker.Provider("docker-autoscale", { host: "unix:///var/run/docker.sock" });
    const target = new Target("swarm-autoscale", { naming, provider, mesh: true });
    const parent = new pulumi.ComponentResource("recette:test:App", "app-autoscale");
    expect(() => target.deploy(workload({ autoscale: { min: 1, max: 3, cpuPercent: 70 } }), parent)).toThrow(
      "recette:swarm:Target blog: autoscale: Swarm has no autoscaling",
    );
    await settle();
  });

  it("creates one attachable overlay network named after the stack, with the stack subnet", async () => {
    const { registrations, settle, target } = deployBlog(twoFiles);
    await settle();
    const networks = byType(registrations, "docker:index/network:Network");
    expect(networks).toHaveLength(1);
    expect(networks[0]).toEqual({
      type: "docker:index/network:Network",
      name: "swarm-network",
      parent: "recette:swarm:Target::swarm",
      custom: true,
      aliases: [],
      inputs: {
        name: "recette-test-net",
        driver: "overlay",
        attachable: true,
        ipamConfigs: [{ subnet: SUBNET, gateway: SUBNET.replace(/\.0\/24$/, ".1") }],
        labels: [
          { label: "recette.recipe", value: "blog" },
          { label: "recette.stack", value: "recette-test" },
        ],
      },
    });
    expect(target.networkCidrs()).toEqual([SUBNET]);
    expect(target.serviceHost("relay")).toBe("recette-test-relay");
    expect(target.traefikProviders()).toEqual({
      swarm: {
        endpoint: "unix:///var/run/docker.sock",
        exposedByDefault: false,
        network: "recette-test-net",
        refreshSeconds: 2,
        constraints: "Label(`recette.stack`,`recette-test`) || Label(`recette.edge`,`recette-test`)",
      },
    });
  });

  it(
    "registers exactly a volume, two configs, " + "a secret with its suffix, and the service for the workload",
    async () => {
      const { registrations, settle } = deployBlog(twoFiles);
      await settle();
      const children = registrations.filter((r) => r.parent === "recette:test:App::app");
      expect(children.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "docker:index/secret:Secret::blog-db.pass",
        "docker:index/service:Service::blog",
        "docker:index/serviceConfig:ServiceConfig::blog-a.yml",
        "docker:index/serviceConfig:ServiceConfig::blog-b.conf",
        "docker:index/volume:Volume::blog-data",
        "random:index/randomId:RandomId::blog-db.pass-suffix",
      ]);
      // Everything a stack owns: the provider, the target and its network, the test's parent and the six.
      expect(registrations).toHaveLength(10);
    },
  );

  it("names and labels the kept volume", async () => {
    const { registrations, settle } = deployBlog(twoFiles);
    await settle();
    expect(one(registrations, "docker:index/volume:Volume", "blog-data").inputs).toEqual({
      name: "recette-test-blog-data",
      labels: [
        { label: "recette.keep", value: "true" },
        { label: "recette.recipe", value: "blog" },
        { label: "recette.stack", value: "recette-test" },
        { label: "recette.workload", value: "blog" },
      ],
    });
  });

  it("names configs with a hash of their content and stores the content base64-encoded", async () => {
    const { registrations, settle } = deployBlog(twoFiles);
    await settle();
    expect(one(registrations, "docker:index/serviceConfig:ServiceConfig", "blog-a.yml").inputs).toEqual({
      name: contentName(naming, "blog-a-yml", "A"),
      data: Buffer.from("A").toString("base64"),
      labels: [
        { label: "recette.file", value: "blog/a.yml" },
        { label: "recette.recipe", value: "blog" },
        { label: "recette.stack", value: "recette-test" },
        { label: "recette.workload", value: "blog" },
      ],
    });
    expect(one(registrations, "docker:index/serviceConfig:ServiceConfig", "blog-b.conf").inputs.name).toBe(
      contentName(naming, "blog-b-conf", "B"),
    );
    expect(contentName(naming, "blog-a-yml", "A")).toMatch(/^recette-test-blog-a-yml-[0-9a-f]{10}$/);
  });

  it("gives a config a new name when its content changes", async () => {
    const first = deployBlog(twoFiles);
    await first.settle();
    const before = one(first.registrations, "docker:index/serviceConfig:ServiceConfig", "blog-a.yml").inputs.name;
    const second = deployBlog([{ name: "a.yml", content: "A changed" }, twoFiles[1]!]);
    await second.settle();
    const after = one(second.registrations, "docker:index/serviceConfig:ServiceConfig", "blog-a.yml").inputs.name;
    expect(before).toMatch(/^recette-test-blog-a-yml-[0-9a-f]{10}$/);
    expect(after).toMatch(/^recette-test-blog-a-yml-[0-9a-f]{10}$/);
    expect(after).not.toBe(before);
    // The unchanged file keeps its name.
    expect(one(second.registrations, "docker:index/serviceConfig:ServiceConfig", "blog-b.conf").inputs.name).toBe(
      one(first.registrations, "docker:index/serviceConfig:ServiceConfig", "blog-b.conf").inputs.name,
    );
  });

  it("redacts the secret's data, keeps its suffix keeper secret, and puts no digest of it in the name", async () => {
    const { registrations, settle } = deployBlog(twoFiles);
    await settle();
    const secret = one(registrations, "docker:index/secret:Secret", "blog-db.pass");
    expect(secret.inputs.data).toBe(SECRET);
    // The mock RandomId's hex is derived from the resource name, never from the content.
    expect(secret.inputs.name).toMatch(/^recette-test-blog-db-pass-[0-9a-f]{8}$/);
    expect(secret.inputs.labels).toEqual([
      { label: "recette.recipe", value: "blog" },
      { label: "recette.secret", value: "blog/db.pass" },
      { label: "recette.stack", value: "recette-test" },
      { label: "recette.workload", value: "blog" },
    ]);
    expect(one(registrations, "random:index/randomId:RandomId", "blog-db.pass-suffix").inputs).toEqual({
      byteLength: 4,
      keepers: SECRET,
    });
    expect(JSON.stringify(registrations)).not.toContain("hunter2");
    expect(JSON.stringify(registrations)).not.toContain(Buffer.from("hunter2").toString("base64"));
  });

  it("pinImages: the service runs the image at the digest the manager's engine pulled, tag kept", async () => {
    const { registrations, settle } = deployBlog(twoFiles, true, {
      pinImages: true,
      image: "10.0.0.1:5000/pluxml:5.8.21",
    });
    await settle();
    const remote = one(registrations, "docker:index/remoteImage:RemoteImage", "blog-image");
    expect(remote.inputs).toEqual({ name: "10.0.0.1:5000/pluxml:5.8.21", keepLocally: true });
    const image = (one(registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>).taskSpec
      .containerSpec.image;
    expect(image).toMatch(/^10\.0\.0\.1:5000\/pluxml:5\.8\.21@sha256:[0-9a-f]{64}$/);
  });

  it(
    "pinImages: an image given by digest is not pulled again; " + "without pinImages the tag is used as it is",
    async () => {
      const byDigest = `10.0.0.1:5000/pluxml@sha256:${"a".repeat(64)}`;
      const pinned = deployBlog(twoFiles, true, { pinImages: true, image: byDigest });
      await pinned.settle();
      expect(byType(pinned.registrations, "docker:index/remoteImage:RemoteImage")).toEqual([]);
      expect(
        (one(pinned.registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>).taskSpec
          .containerSpec.image,
      ).toBe(byDigest);
      const local = deployBlog(twoFiles, true, { image: "recette/pluxml:5.8.21" });
      await local.settle();
      expect(byType(local.registrations, "docker:index/remoteImage:RemoteImage")).toEqual([]);
      expect(
        (one(local.registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>).taskSpec
          .containerSpec.image,
      ).toBe("recette/pluxml:5.8.21");
    },
  );

  it.each([
    ["registry/pluxml:1", `registry/pluxml@sha256:${"b".repeat(64)}`, `registry/pluxml:1@sha256:${"b".repeat(64)}`],
    [
      "registry:5000/a/b:v2",
      `registry:5000/a/b@sha256:${"c".repeat(64)}`,
      `registry:5000/a/b:v2@sha256:${"c".repeat(64)}`,
    ],
  ])("pinnedImage(%s, %s) = %s", (image, repoDigest, expected) => {
    expect(pinnedImage(image, repoDigest)).toBe(expected);
  });

  it.each(["", "registry/pluxml", "registry/pluxml@sha256:short"])(
    "pinnedImage refuses a repo digest without a sha256 digest (%j), naming the image",
    (repoDigest) => {
      expect(() => pinnedImage("registry/pluxml:1", repoDigest)).toThrow(/no digest for registry\/pluxml:1/);
    },
  );

  it("wires the service to its volume, configs and secret by physical name and id", async () => {
    const { registrations, settle, deployed } = deployBlog(twoFiles);
    await settle();
    const service = one(registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>;
    const secretName = one(registrations, "docker:index/secret:Secret", "blog-db.pass").inputs.name;
    expect(service.name).toBe("recette-test-blog");
    expect(await resolve(deployed.name)).toBe("recette-test-blog");
    // The mount labels the volume as the Volume resource does: a worker's engine makes its own copy.
    const volume = one(registrations, "docker:index/volume:Volume", "blog-data").inputs as Record<string, any>;
    expect(service.taskSpec.containerSpec.mounts).toEqual([
      {
        type: "volume",
        source: "recette-test-blog-data",
        target: "/var/www/html/data",
        volumeOptions: { labels: volume.labels },
      },
    ]);
    expect(volume.labels).toContainEqual({ label: "recette.keep", value: "true" });
    expect(service.taskSpec.containerSpec.configs).toEqual([
      {
        configId: "blog-a.yml-id",
        configName: contentName(naming, "blog-a-yml", "A"),
        fileName: "/etc/blog/a.yml",
        fileMode: 0o444,
      },
      {
        configId: "blog-b.conf-id",
        configName: contentName(naming, "blog-b-conf", "B"),
        fileName: "/etc/blog/b.conf",
        fileMode: 0o444,
      },
    ]);
    expect(service.taskSpec.containerSpec.secrets).toEqual([
      { secretId: "blog-db.pass-id", secretName, fileName: "/run/secrets/db.pass", fileMode: 0o400 },
    ]);
    // By the network resource's ID (the mocks give a resource the ID <name>-id), never by name.
    expect(service.taskSpec.networksAdvanceds).toEqual([{ id: "swarm-network-id", aliases: [] }]);
    expect(service.endpointSpec).toEqual({
      mode: "vip",
      ports: [{ targetPort: 80, publishedPort: 8080, protocol: "tcp", publishMode: "ingress" }],
    });
    expect(service.labels).toContainEqual({ label: "recette.stack", value: "recette-test" });
    expect(service.labels).toContainEqual({ label: "traefik.swarm.network", value: "recette-test-net" });
  });

  it("publishes in host mode with dnsrr endpoints when the mesh is off", async () => {
    const { registrations, settle } = deployBlog(twoFiles, pulumi.output(false));
    await settle();
    const service = one(registrations, "docker:index/service:Service", "blog").inputs as Record<string, any>;
    expect(service.endpointSpec).toEqual({
      mode: "dnsrr",
      ports: [{ targetPort: 80, publishedPort: 8080, protocol: "tcp", publishMode: "host" }],
    });
  });

  it("encrypts the overlay when asked", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
    new Target("swarm", { naming, provider, mesh: true, encryptOverlay: true });
    await settle();
    expect(one(registrations, "docker:index/network:Network", "swarm-network").inputs.options).toEqual({
      encrypted: "true",
    });
  });
});

describe("Cluster under mocks", () => {
  const node = (
    name: string,
    role: "manager" | "worker",
    host: string,
    labels: Record<string, string> = {},
  ): ClusterNode => ({
    name,
    role,
    labels,
    connection: { host, user: "root", privateKey: pulumi.secret("mock-private-key") },
    privateAddress: host.replace("192.0.2.", "172.16.16."),
    publicAddress: host,
    dependsOn: [],
  });
  const threeNodes = () => [
    node("manager-1", "manager", "192.0.2.1", { edge: "true" }),
    node("worker-1", "worker", "192.0.2.2", { zone: "a" }),
    node("worker-2", "worker", "192.0.2.3"),
  ];
  const commands = (regs: Registration[]) => regs.filter((r) => r.type === "command:remote:Command");

  it(
    "registers exactly init, two token reads, and per joined node a join and a membership, then labels for every " +
      "node",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      new Cluster("swarm", { nodes: threeNodes() });
      await settle();
      expect(
        commands(registrations)
          .map((r) => r.name)
          .sort(),
      ).toEqual([
        "swarm-manager-1-init",
        "swarm-manager-1-labels",
        "swarm-manager-1-token-manager",
        "swarm-manager-1-token-worker",
        "swarm-worker-1-join",
        "swarm-worker-1-labels",
        "swarm-worker-1-membership",
        "swarm-worker-2-join",
        "swarm-worker-2-labels",
        "swarm-worker-2-membership",
      ]);
      // the ten steps, two memberships, the component and its Docker provider
      expect(registrations).toHaveLength(14);
      expect(registrations.filter((r) => r.type === "recette:swarm:Cluster")).toHaveLength(1);
      // each joined node's own view of its membership, read again at every refresh
      const members = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/swarm:Membership");
      expect(members.map((m) => [m.name, m.inputs.sshTarget, m.inputs.sshPort, m.inputs.state, m.parent])).toEqual([
        ["swarm-worker-1-member", "root@192.0.2.2", 22, "active", "recette:swarm:Cluster::swarm"],
        ["swarm-worker-2-member", "root@192.0.2.3", 22, "active", "recette:swarm:Cluster::swarm"],
      ]);
      expect(JSON.stringify(members)).not.toContain("mock-private-key");
      for (const c of commands(registrations)) {
        expect(c.parent).toBe("recette:swarm:Cluster::swarm");
        expect(c.inputs.connection).toBe(SECRET);
      }
    },
  );

  it("names every child after the cluster, each keeping the name it had before as an alias", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Cluster("blue", { nodes: threeNodes() });
    await settle();
    const children = registrations.filter((r) => r.parent === "recette:swarm:Cluster::blue");
    expect(children).toHaveLength(13);
    for (const c of children) expect(c.name).toMatch(/^blue-/);
    expect(Object.fromEntries(children.map((c) => [c.name, c.aliases]))).toEqual({
      "blue-manager-1-init": ["manager-1-swarm-init"],
      "blue-manager-1-token-manager": ["manager-1-swarm-token-manager"],
      "blue-manager-1-token-worker": ["manager-1-swarm-token-worker"],
      "blue-worker-1-member": ["worker-1-swarm-member"],
      "blue-worker-1-join": ["worker-1-swarm-join"],
      "blue-worker-1-membership": ["manager-1-for-worker-1-swarm-membership"],
      "blue-worker-2-member": ["worker-2-swarm-member"],
      "blue-worker-2-join": ["worker-2-swarm-join"],
      "blue-worker-2-membership": ["manager-1-for-worker-2-swarm-membership"],
      "blue-manager-1-labels": ["manager-1-for-manager-1-swarm-labels"],
      "blue-worker-1-labels": ["manager-1-for-worker-1-swarm-labels"],
      "blue-worker-2-labels": ["manager-1-for-worker-2-swarm-labels"],
      // at the top of a program it never had another name; under the Environment it was `docker` beside the cluster
      "blue-provider": [],
    });
  });

  it(
    "owns the Docker provider on the first manager, after every node is ready, and exports its endpoint as a " +
      "secret",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const cluster = new Cluster("swarm", { nodes: threeNodes() });
      await settle();
      const provider = one(registrations, "pulumi:providers:docker", "swarm-provider");
      expect(provider.parent).toBe("recette:swarm:Cluster::swarm");
      expect(provider.inputs.host).toBe("ssh://root@192.0.2.1");
      expect(cluster.ready).toHaveLength(8);
      expect(await pulumi.isSecret(cluster.dockerHost)).toBe(true);
      expect(await resolve(cluster.dockerHost)).toBe("ssh://root@192.0.2.1");
    },
  );

  it("keeps the provider's former name and parent (the Environment's `docker`) when it has a parent", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const parent = new pulumi.ComponentResource("recette:index:Environment", "env");
    new Cluster("swarm", { nodes: threeNodes() }, { parent });
    await settle();
    expect(one(registrations, "pulumi:providers:docker", "swarm-provider").aliases).toEqual(["docker"]);
  });

  it("registers each step after the steps it waits for", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Cluster("swarm", { nodes: threeNodes() });
    await settle();
    const order = commands(registrations).map((r) => r.name);
    const at = (n: string) => order.indexOf(n);
    expect(at("swarm-manager-1-init")).toBe(0);
    for (const later of [
      "swarm-manager-1-token-manager",
      "swarm-manager-1-token-worker",
      "swarm-worker-1-join",
      "swarm-worker-2-join",
    ])
      expect(at(later)).toBeGreaterThan(at("swarm-manager-1-init"));
    expect(at("swarm-worker-1-membership")).toBeGreaterThan(at("swarm-worker-1-join"));
    expect(at("swarm-worker-2-membership")).toBeGreaterThan(at("swarm-worker-2-join"));
    const lastJoinOrMembership = Math.max(...order.filter((n) => /join|membership/.test(n)).map(at));
    for (const labels of order.filter((n) => n.endsWith("-labels")))
      expect(at(labels)).toBeGreaterThan(lastJoinOrMembership);
  });

  it(
    "keeps join environments (the join token) secret " + "and initialises on the first manager's private address",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const cluster = new Cluster("swarm", { nodes: threeNodes() });
      await settle();
      for (const name of ["swarm-worker-1-join", "swarm-worker-2-join"]) {
        const join = one(registrations, "command:remote:Command", name);
        expect(join.inputs.environment).toBe(SECRET);
        expect(join.inputs.create).toContain("172.16.16.1:2377");
        expect(join.inputs.delete).toContain("docker swarm leave --force");
      }
      expect(one(registrations, "command:remote:Command", "swarm-manager-1-init").inputs.create).toContain(
        "docker swarm init --advertise-addr 172.16.16.1 >",
      );
      expect(JSON.stringify(registrations)).not.toContain("SWMTKN");
      expect(await pulumi.isSecret(cluster.managerToken)).toBe(true);
      expect(await pulumi.isSecret(cluster.workerToken)).toBe(true);
    },
  );

  it("labels each node exactly from the lead manager, by node id", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const cluster = new Cluster("swarm", { nodes: threeNodes() });
    await settle();
    const labels = one(registrations, "command:remote:Command", "swarm-worker-1-labels");
    expect(labels.inputs.environment).toEqual({ NODE_ID: await resolve(cluster.nodeIds["worker-1"]!) });
    expect(labels.inputs.triggers).toEqual(['{"zone":"a"}']);
    expect(labels.inputs.create).toContain('docker node update --label-add zone=a "$NODE_ID" >/dev/null');
    const noLabels = one(registrations, "command:remote:Command", "swarm-worker-2-labels");
    expect(noLabels.inputs.triggers).toEqual(["{}"]);
    expect(Object.keys(cluster.nodeIds).sort()).toEqual(["manager-1", "worker-1", "worker-2"]);
    const membership = one(registrations, "command:remote:Command", "swarm-worker-2-membership");
    expect(membership.inputs.environment).toEqual({
      NODE_ID: await resolve(cluster.nodeIds["worker-2"]!),
      MEMBERSHIP: "joined",
      ADVERTISE_ADDR: "172.16.16.3",
    });
    expect(membership.inputs.create).toContain("for id in $(docker node ls -q); do");
    expect(membership.inputs.delete).toContain("docker node update --availability drain");
  });

  it("joins extra managers with the manager token, after the first manager whatever the node order", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Cluster("swarm", {
      nodes: [
        node("worker-1", "worker", "192.0.2.4"),
        node("manager-1", "manager", "192.0.2.1"),
        node("manager-2", "manager", "192.0.2.2"),
        node("manager-3", "manager", "192.0.2.3"),
      ],
    });
    await settle();
    const names = commands(registrations).map((r) => r.name);
    expect(names[0]).toBe("swarm-manager-1-init");
    expect(names.filter((n) => n.endsWith("-join")).sort()).toEqual([
      "swarm-manager-2-join",
      "swarm-manager-3-join",
      "swarm-worker-1-join",
    ]);
    expect(names).toHaveLength(3 + 3 * 2 + 4);
  });

  it.each<[string, ("manager" | "worker")[], string | undefined]>([
    ["no manager", ["worker", "worker"], "a swarm needs at least one manager"],
    ["1 manager", ["manager", "worker", "worker"], undefined],
    [
      "2 managers",
      ["manager", "manager", "worker"],
      "2 Swarm managers cannot keep a Raft quorum through a failure (use an odd number: 1, 3 or 5)",
    ],
    ["3 managers", ["manager", "manager", "manager"], undefined],
    [
      "4 managers",
      ["manager", "manager", "manager", "manager"],
      "4 Swarm managers cannot keep a Raft quorum through a failure (use an odd number: 1, 3 or 5)",
    ],
  ])("validateClusterArgs: %s", (_, roles, message) => {
    const nodes = roles.map((role, i) => node(`${role}-${i + 1}`, role, `192.0.2.${i + 1}`));
    expect(validateClusterArgs({ nodes })).toEqual(message ? [{ propertyPath: "nodes", reason: message }] : []);
  });

  it("refuses 2 managers before registering any step", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const reason = "2 Swarm managers cannot keep a Raft quorum through a failure (use an odd number: 1, 3 or 5)";
    expect(
      () =>
        new Cluster("bad", {
          nodes: [node("manager-1", "manager", "192.0.2.1"), node("manager-2", "manager", "192.0.2.2")],
        }),
    ).toThrow(componentError(`recette:swarm:Cluster bad: nodes: ${reason}`, [{ propertyPath: "nodes", reason }]));
    await settle();
    expect(commands(registrations)).toEqual([]);
  });
});

/**
 * The join, leave and drain scripts run by real bash against a stand-in `docker` that logs its
 * arguments and answers `docker info` with the node's swarm state.
 */
describe("the swarm's init step, when two stacks start on one engine at once", () => {
  // A stand-in docker: `swarm init` fails (the other stack's init won) after making the node active, or not.
  const runInit = (otherWon: boolean) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-swarm-init-"));
    const state = path.join(dir, "state");
    fs.writeFileSync(state, "inactive");
    fs.writeFileSync(
      path.join(dir, "docker"),
      "#!/bin/bash\n" +
        'case "$1 $2" in\n' +
        `  "info --format") [[ "$3" == *LocalNodeState* ]] && cat ${JSON.stringify(state)} || echo node-1 ;;\n` +
        `  "swarm init") ${otherWon ? `echo active > ${JSON.stringify(state)}; ` : ""}` +
        'echo "Error response from daemon: This node is already part of a swarm" >&2; exit 1 ;;\n' +
        "esac\n",
      { mode: 0o755 },
    );
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", renderInit("10.0.0.2", false)], {
      encoding: "utf8",
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return r;
  };

  it("succeeds with the node's id when the other stack's init made the node a manager first", () => {
    const r = runInit(true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("node-1\n");
  });

  it("fails when the init failed and the node is in no swarm", () => {
    const r = runInit(false);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
  });
});

describe("a node another stack joined stays in the swarm when this stack goes", () => {
  const runScript = (script: string, state: "active" | "inactive", env: Record<string, string> = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-swarm-script-"));
    const log = path.join(dir, "calls");
    fs.writeFileSync(
      path.join(dir, "docker"),
      "#!/bin/bash\n" +
        `echo "$*" >> ${JSON.stringify(log)}\n` +
        'case "$1 $2" in\n' +
        `  "info --format") [[ "$3" == *LocalNodeState* ]] && echo ${state} || echo node-1 ;;\n` +
        '  "node inspect") [[ "$*" == *Spec.Role* ]] && echo worker ;;\n' +
        "esac\n" +
        "exit 0\n",
      { mode: 0o755 },
    );
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      encoding: "utf8",
      env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stdout: r.stdout, calls: calls.filter((c) => !c.startsWith("info ")) };
  };
  const joinEnv = { JOIN_TOKEN: "SWMTKN-1-x", ADVERTISE_ADDR: "10.0.0.3" };

  it.each([
    ["inactive", "joined", ["swarm join --token SWMTKN-1-x --advertise-addr 10.0.0.3 -- 10.0.0.2:2377"]],
    ["active", "adopted", []],
  ] as const)("a node %s before the join step is %s", (state, membership, calls) => {
    const r = runScript(renderJoin("10.0.0.2"), state, joinEnv);
    expect(r.status).toBe(0);
    expect(parseJoin(r.stdout)).toEqual({ nodeId: "node-1", membership });
    expect(r.calls).toEqual(calls);
  });

  it.each([
    [
      "node-1\njoined",
      "inactive",
      "joined",
      ["swarm join --token SWMTKN-1-x --advertise-addr 10.0.0.3 -- 10.0.0.2:2377"],
    ],
    [
      "node-1\nadopted",
      "inactive",
      "adopted",
      ["swarm join --token SWMTKN-1-x --advertise-addr 10.0.0.3 -- 10.0.0.2:2377"],
    ],
    // a step from before the membership line joined its node
    ["node-1", "inactive", "joined", ["swarm join --token SWMTKN-1-x --advertise-addr 10.0.0.3 -- 10.0.0.2:2377"]],
    ["node-1\njoined", "active", "joined", []],
    ["node-1\nadopted", "active", "adopted", []],
  ] as const)(
    "run again after a join that printed %j, on a node %s: stays %s, runs %j",
    (previous, state, membership, calls) => {
      const r = runScript(renderJoin("10.0.0.2"), state, { ...joinEnv, PULUMI_COMMAND_STDOUT: previous });
      expect(r.status).toBe(0);
      expect(parseJoin(r.stdout)).toEqual({ nodeId: "node-1", membership });
      expect(r.calls).toEqual(calls);
    },
  );

  it.each([
    ["node-1\njoined", ["swarm leave --force"]],
    // a step created before the membership line existed joined its node itself
    ["node-1", ["swarm leave --force"]],
    ["node-1\nadopted", []],
  ])("leave after a join that printed %j runs %j", (stdout, calls) => {
    const r = runScript(renderLeave(), "active", { PULUMI_COMMAND_STDOUT: stdout });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(calls);
  });

  it.each([
    ["joined", true],
    ["adopted", false],
  ])("the lead drains and removes a %s node: %s", (membership, removes) => {
    const r = runScript(renderDrainAndRemove().replace("sleep 2", "true"), "active", {
      NODE_ID: "node-9",
      MEMBERSHIP: membership,
    });
    expect(r.status).toBe(0);
    expect(r.calls.includes("node rm --force node-9")).toBe(removes);
    expect(r.calls.some((c) => c.startsWith("node update --availability drain"))).toBe(removes);
  });
});

describe("a node that left by hand", () => {
  it("is replaced (so joined again) only when it reports inactive; a new address is an update", () => {
    const olds = { sshTarget: "root@192.0.2.2", sshPort: 22, state: "active", generation: "1" };
    const news = { sshTarget: "root@192.0.2.2", sshPort: 22, state: "active" };
    expect(membershipDiff(olds, news)).toEqual({ changes: false });
    expect(membershipDiff({ ...olds, state: "inactive" }, news)).toEqual({
      changes: true,
      replaces: ["state"],
      deleteBeforeReplace: true,
    });
    // a locked or pending node has not left: nothing to join
    expect(membershipDiff({ ...olds, state: "locked" }, news)).toEqual({ changes: false });
    expect(membershipDiff(olds, { ...news, sshTarget: "root@192.0.2.9" })).toEqual({ changes: true });
  });

  it(
    "creates with a fresh generation, and a refresh reads the node's own state over the operator's ssh (kept when " +
      "the node does not answer)",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-member-"));
      const log = path.join(dir, "calls");
      const answer = path.join(dir, "answer");
      fs.writeFileSync(
        path.join(dir, "ssh"),
        `#!/bin/bash
printf '%s\\n' "$@" > ${JSON.stringify(log)}
[ -s ${JSON.stringify(answer)} ] || exit 255
cat ${JSON.stringify(answer)}
`,
        { mode: 0o755 },
      );
      const saved = process.env.PATH;
      process.env.PATH = `${dir}:${saved}`;
      try {
        const created = await membershipProvider.create!({
          sshTarget: "root@192.0.2.2",
          sshPort: 2222,
          state: "active",
        });
        expect(created.outs).toMatchObject({ sshTarget: "root@192.0.2.2", sshPort: 2222, state: "active" });
        expect(created.outs.generation).toMatch(/^\d+$/);
        fs.writeFileSync(answer, "inactive\n");
        const read = await membershipProvider.read!(created.id, created.outs);
        expect(read.props).toEqual({ ...created.outs, state: "inactive" });
        expect(fs.readFileSync(log, "utf8").trim().split("\n")).toEqual([
          "-o",
          "BatchMode=yes",
          "-o",
          "StrictHostKeyChecking=accept-new",
          "-o",
          "ConnectTimeout=15",
          "-p",
          "2222",
          "--",
          "root@192.0.2.2",
          MEMBERSHIP_PROBE,
        ]);
        fs.writeFileSync(answer, "");
        expect((await membershipProvider.read!(created.id, created.outs)).props).toEqual(created.outs);
        // an answer that is not a state (a banner, an error) changes nothing either
        fs.writeFileSync(answer, "Warning: something\nactive\n");
        expect((await membershipProvider.read!(created.id, created.outs)).props).toEqual(created.outs);
      } finally {
        process.env.PATH = saved;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("the lead forgets the node's former ids (down, at its address), never its current one or another host's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-forget-"));
    const log = path.join(dir, "calls");
    // new-id: this host now; old-id: this host before it left; other-down: another host, down; old-mgr: a former
    // manager identity
    fs.writeFileSync(
      path.join(dir, "docker"),
      `#!/bin/bash
echo "$*" >> ${JSON.stringify(log)}
case "$*" in
  "node ls -q") printf 'new-id\\nold-id\\nother-down\\nold-mgr\\n' ;;
  *"Status.State"*new-id) echo "ready 10.0.0.3" ;;
  *"Status.State"*old-id) echo "down 10.0.0.3" ;;
  *"Status.State"*other-down) echo "down 10.0.0.4" ;;
  *"Status.State"*old-mgr) echo "down 10.0.0.3" ;;
  *"Spec.Role"*old-mgr) echo manager ;;
  *"Spec.Role"*) echo worker ;;
esac
`,
      { mode: 0o755 },
    );
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", renderForgetFormerIds()], {
      encoding: "utf8",
      env: { PATH: `${dir}:/usr/bin:/bin`, NODE_ID: "new-id", ADVERTISE_ADDR: "10.0.0.3" },
    });
    const calls = fs
      .readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .filter((c) => !c.startsWith("node inspect") && c !== "node ls -q");
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(calls).toEqual(["node rm --force old-id", "node demote old-mgr", "node rm --force old-mgr"]);
  });
});
