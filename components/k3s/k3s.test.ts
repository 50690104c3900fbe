import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installRecorder, SECRET, type Registration } from "../../engine/render/mocks";
import type { Naming } from "../naming";
import type { ClusterNode } from "../node";
import { workloadDefaults, type Workload } from "../workload";
import {
  Cluster,
  LOCAL_KUBECONFIG,
  LocalCluster,
  localKubeconfigPath,
  renderAffinity,
  renderAgentInstall,
  renderDeployment,
  renderHpa,
  renderIngress,
  renderPdb,
  renderProbes,
  renderNodeLabels,
  renderServerInstall,
  renderServices,
  Target,
  TRAEFIK_RULES,
  validateK3sArgs,
  type ObjectContext,
} from "./index";
import { byType, one, resolve } from "../../test/registrations";
import { componentError } from "../../test/component-error";

const naming: Naming = { project: "recette", stack: "test", recipe: "blog" };
const LABELS = { "recette.stack": "recette-test", "recette.recipe": "blog", "recette.workload": "blog" };
const SELECTOR = { "app.kubernetes.io/name": "recette-test-blog" };

const workload = (over: Partial<Workload> = {}): Workload => ({
  ...workloadDefaults(),
  name: "blog",
  image: "example/blog:1",
  ...over,
});
const ctx = (over: Partial<ObjectContext> = {}): ObjectContext => ({
  namespace: "recette-test",
  name: "recette-test-blog",
  labels: LABELS,
  claims: {},
  ...over,
});
const timing = { interval: "10s", timeout: "500ms", retries: 4, startPeriod: "1m" };

describe("renderProbes", () => {
  it.each<[string, Workload["health"], ReturnType<typeof renderProbes>]>([
    ["none", undefined, undefined],
    [
      "an HTTP path",
      { http: { path: "/ping", port: 8080 }, ...timing },
      {
        livenessProbe: {
          httpGet: { path: "/ping", port: 8080 },
          periodSeconds: 10,
          timeoutSeconds: 1,
          failureThreshold: 4,
          initialDelaySeconds: 60,
        },
        readinessProbe: {
          httpGet: { path: "/ping", port: 8080 },
          periodSeconds: 10,
          timeoutSeconds: 1,
          failureThreshold: 4,
        },
      },
    ],
    [
      "a command",
      { command: ["smtpctl", "show", "status"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "10s" },
      {
        livenessProbe: {
          exec: { command: ["smtpctl", "show", "status"] },
          periodSeconds: 30,
          timeoutSeconds: 5,
          failureThreshold: 3,
          initialDelaySeconds: 10,
        },
        readinessProbe: {
          exec: { command: ["smtpctl", "show", "status"] },
          periodSeconds: 30,
          timeoutSeconds: 5,
          failureThreshold: 3,
        },
      },
    ],
  ])("%s: the start period delays liveness only; readiness is probed from the start", (_, health, probes) => {
    expect(renderProbes(workload({ health }))).toEqual(probes);
  });
});

describe("renderAffinity", () => {
  const term = (matchExpressions: { key: string; operator: string; values?: string[] }[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } },
  });
  it.each<[string, Workload["placement"], ReturnType<typeof renderAffinity>]>([
    ["anywhere", { labels: {}, role: "any" }, undefined],
    [
      "servers",
      { labels: {}, role: "manager" },
      term([{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }]),
    ],
    [
      "agents",
      { labels: {}, role: "worker" },
      term([{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }]),
    ],
    [
      "sorted labels on agents",
      { labels: { zone: "a", disk: "ssd" }, role: "worker" },
      term([
        { key: "disk", operator: "In", values: ["ssd"] },
        { key: "zone", operator: "In", values: ["a"] },
        { key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" },
      ]),
    ],
  ])("%s", (_, placement, affinity) => {
    expect(renderAffinity(workload({ placement }))).toEqual(affinity);
  });
});

describe("renderDeployment", () => {
  it("maps a bare workload to the minimal Deployment", () => {
    expect(renderDeployment(workload({ ports: [80] }), ctx())).toEqual({
      metadata: { name: "recette-test-blog", namespace: "recette-test", labels: LABELS },
      spec: {
        replicas: 1,
        // Two minutes without progress, then ProgressDeadlineExceeded (recette up undoes it); no start period.
        progressDeadlineSeconds: 120,
        selector: { matchLabels: SELECTOR },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: { ...LABELS, ...SELECTOR } },
          spec: {
            automountServiceAccountToken: false,
            containers: [
              {
                name: "blog",
                image: "example/blog:1",
                env: [],
                ports: [{ containerPort: 80 }],
                volumeMounts: [],
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
              },
            ],
            volumes: [],
          },
        },
      },
    });
  });

  it("maps a complete workload: claims, files, secrets, env, limits, probes, affinity, service account", async () => {
    const w = workload({
      args: ["--configFile=/etc/traefik/traefik.yml"],
      env: { B: "2", A: "1" },
      volumes: [{ name: "data", path: "/data", sizeMiB: 64, keep: true }],
      files: [{ name: "traefik.yml", path: "/etc/traefik/traefik.yml", content: "x" }],
      secrets: [{ name: "dashboard users", path: "/run/secrets/dashboard-users", content: "y" }],
      ports: [80, 443],
      published: [
        { published: 443, target: 443, protocol: "tcp" },
        { published: 8443, target: 8443, protocol: "tcp" },
      ],
      health: { command: ["traefik", "healthcheck"], interval: "10s", timeout: "5s", retries: 3, startPeriod: "10s" },
      replicas: 2,
      update: { parallelism: 1, delay: "5s", order: "stop-first" },
      resources: { cpus: 1.5, memoryMiB: 256, reserveMemoryMiB: 128 },
      placement: { labels: {}, role: "manager" },
    });
    const probe = {
      exec: { command: ["traefik", "healthcheck"] },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };
    const d = renderDeployment(
      w,
      ctx({
        claims: { data: "recette-test-blog-data" },
        configMap: "recette-test-blog-files",
        secret: "recette-test-blog-secrets",
        serviceAccount: "recette-test-blog",
      }),
    );
    expect(await resolve(d.spec)).toEqual({
      replicas: 2,
      // Two minutes plus the health check's 10 s start period.
      progressDeadlineSeconds: 130,
      selector: { matchLabels: SELECTOR },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        // sha256("x"): the file's content; secrets are never digested.
        metadata: { labels: { ...LABELS, ...SELECTOR }, annotations: { "recette.content-digest": "2d711642b726b044" } },
        spec: {
          serviceAccountName: "recette-test-blog",
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }] },
                ],
              },
            },
          },
          containers: [
            {
              name: "blog",
              image: "example/blog:1",
              args: ["--configFile=/etc/traefik/traefik.yml"],
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              ports: [{ containerPort: 80 }, { containerPort: 443 }, { containerPort: 8443 }],
              volumeMounts: [
                { name: "data", mountPath: "/data" },
                { name: "files", mountPath: "/etc/traefik/traefik.yml", subPath: "traefik.yml", readOnly: true },
                {
                  name: "secrets",
                  mountPath: "/run/secrets/dashboard-users",
                  subPath: "dashboard-users",
                  readOnly: true,
                },
              ],
              resources: { limits: { memory: "256Mi", cpu: "1500m" }, requests: { memory: "128Mi" } },
              livenessProbe: { ...probe, initialDelaySeconds: 10 },
              readinessProbe: probe,
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "recette-test-blog-data" } },
            { name: "files", configMap: { name: "recette-test-blog-files" } },
            { name: "secrets", secret: { secretName: "recette-test-blog-secrets", defaultMode: 0o400 } },
          ],
        },
      },
    });
  });

  it.each([
    ["start-first", 2, { maxSurge: 2, maxUnavailable: 0 }],
    ["stop-first", 2, { maxSurge: 0, maxUnavailable: 2 }],
  ] as const)("update order %s with parallelism %i → %o", (order, parallelism, rollingUpdate) => {
    const d = renderDeployment(workload({ update: { order, parallelism, delay: "5s" } }), ctx());
    expect(d.spec).toMatchObject({ strategy: { type: "RollingUpdate", rollingUpdate } });
  });

  it.each([
    ["start-first", { preStop: { sleep: { seconds: 5 } } }],
    ["stop-first", undefined],
  ] as const)(
    "update order %s → the old pod's preStop %o (serves while Traefik learns it is leaving)",
    (order, lifecycle) => {
      const d = renderDeployment(workload({ update: { order, parallelism: 1, delay: "1s" } }), ctx());
      const container = (d.spec as unknown as { template: { spec: { containers: Record<string, unknown>[] } } })
        .template.spec.containers[0]!;
      expect(container.lifecycle).toEqual(lifecycle);
    },
  );

  it("starts an autoscaled workload at its minimum", () => {
    const d = renderDeployment(workload({ replicas: 5, autoscale: { min: 2, max: 6, cpuPercent: 70 } }), ctx());
    expect((d.spec as { replicas: number }).replicas).toBe(2);
  });

  it("requests CPU for an autoscaled workload, which the HPA's utilisation target needs", () => {
    const d = renderDeployment(workload({ autoscale: { min: 1, max: 3, cpuPercent: 80 } }), ctx());
    const container = (
      d.spec as { template: { spec: { containers: { resources?: { requests?: { cpu?: string } } }[] } } }
    ).template.spec.containers[0]!;
    expect(container.resources?.requests?.cpu).toBe("100m");
  });

  it("changes the pod template when a file's content changes, so pods restart with it", async () => {
    const withContent = (content: string) =>
      renderDeployment(
        workload({ files: [{ name: "smtpd.conf", path: "/etc/smtpd/smtpd.conf", content }] }),
        ctx({ configMap: "recette-test-blog-files" }),
      );
    expect(await resolve(withContent("B"))).not.toEqual(await resolve(withContent("A")));
  });
});

describe("renderServices", () => {
  it("makes nothing for a workload without ports or routes", () => {
    expect(renderServices(workload(), ctx())).toEqual([]);
  });

  it("makes a ClusterIP service over ports and route ports, deduplicated", () => {
    const w = workload({
      ports: [80, 25],
      routes: [
        { host: "blog.example.org", path: "/", port: 80 },
        { host: "blog.example.org", path: "/api", port: 8080 },
      ],
    });
    expect(renderServices(w, ctx())).toEqual([
      {
        name: "recette-test-blog",
        metadata: { name: "recette-test-blog", namespace: "recette-test", labels: LABELS },
        spec: {
          type: "ClusterIP",
          selector: SELECTOR,
          ports: [
            { name: "p80", port: 80, targetPort: 80 },
            { name: "p25", port: 25, targetPort: 25 },
            { name: "p8080", port: 8080, targetPort: 8080 },
          ],
        },
      },
    ]);
  });

  it.each([
    [true, "Local"],
    [false, "Cluster"],
  ])("publishes through a LoadBalancer; preserveClientIp %s → externalTrafficPolicy %s", (preserveClientIp, policy) => {
    const w = workload({
      preserveClientIp,
      published: [
        { published: 2525, target: 25, protocol: "tcp" },
        { published: 53, target: 53, protocol: "udp" },
      ],
    });
    expect(renderServices(w, ctx())).toEqual([
      {
        name: "recette-test-blog-published",
        metadata: { name: "recette-test-blog-published", namespace: "recette-test", labels: LABELS },
        spec: {
          type: "LoadBalancer",
          externalTrafficPolicy: policy,
          selector: SELECTOR,
          ports: [
            { name: "tcp2525", port: 2525, targetPort: 25, protocol: "TCP" },
            { name: "udp53", port: 53, targetPort: 53, protocol: "UDP" },
          ],
        },
      },
    ]);
  });
});

describe("renderIngress", () => {
  it("makes no Ingress without routes", () => {
    expect(renderIngress(workload(), ctx())).toBeUndefined();
  });

  it("carries another stack's edge label when given one (a derived stack routed by its base's Traefik)", () => {
    const w = workload({ routes: [{ host: "drill.blog.example.org", path: "/", port: 80 }] });
    expect(renderIngress(w, { ...ctx(), edgeLabel: "recette-base" })?.metadata.labels).toEqual({
      ...LABELS,
      "recette.edge": "recette-base",
    });
  });

  it("groups routes by host, on websecure with TLS from the le resolver", () => {
    const w = workload({
      routes: [
        { host: "blog.example.org", path: "/", port: 80 },
        { host: "www.example.org", path: "/", port: 80 },
        { host: "blog.example.org", path: "/api", port: 8080 },
      ],
    });
    const backend = (number: number) => ({ service: { name: "recette-test-blog", port: { number } } });
    expect(renderIngress(w, ctx())).toEqual({
      metadata: {
        name: "recette-test-blog",
        namespace: "recette-test",
        // Its own stack's edge label: that stack's Traefik routes it.
        labels: { ...LABELS, "recette.edge": "recette-test" },
        annotations: {
          "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
          "traefik.ingress.kubernetes.io/router.tls": "true",
          "traefik.ingress.kubernetes.io/router.tls.certresolver": "le",
        },
      },
      spec: {
        rules: [
          {
            host: "blog.example.org",
            http: {
              paths: [
                { path: "/", pathType: "Prefix", backend: backend(80) },
                { path: "/api", pathType: "Prefix", backend: backend(8080) },
              ],
            },
          },
          { host: "www.example.org", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend(80) }] } },
        ],
      },
    });
  });
});

describe("renderHpa", () => {
  it("makes no HPA without autoscale", () => {
    expect(renderHpa(workload(), ctx())).toBeUndefined();
  });

  it("scales the Deployment on CPU utilisation between min and max", () => {
    expect(renderHpa(workload({ autoscale: { min: 2, max: 5, cpuPercent: 70 } }), ctx())).toEqual({
      metadata: { name: "recette-test-blog", namespace: "recette-test", labels: LABELS },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "recette-test-blog" },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
      },
    });
  });
});

describe("renderPdb", () => {
  const selectorOf = (w: Workload) =>
    (renderDeployment(w, ctx()).spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;

  it("lets a drain evict a replicated Deployment's pods one at a time: exactly its pods, maxUnavailable 1", () => {
    const w = workload({ replicas: 2 });
    expect(renderPdb(w, ctx())).toEqual({
      metadata: { name: "recette-test-blog", namespace: "recette-test", labels: LABELS },
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    });
    expect(renderPdb(w, ctx())!.spec.selector.matchLabels).toEqual(selectorOf(w));
  });

  it.each([
    ["1 replica", { replicas: 1 }],
    ["0 replicas", { replicas: 0 }],
    // renderDeployment starts it at the autoscaler's minimum: one pod, whatever `replicas` says
    ["an autoscaling minimum of 1", { replicas: 3, autoscale: { min: 1, max: 4, cpuPercent: 80 } }],
  ] as const)("gives a workload of %s no budget (one pod: it would block a drain or protect nothing)", (_, over) => {
    expect(renderPdb(workload(over), ctx())).toBeUndefined();
  });

  it("counts an autoscaled workload's minimum, as the Deployment does", () => {
    const w = workload({ replicas: 1, autoscale: { min: 2, max: 4, cpuPercent: 80 } });
    expect(renderPdb(w, ctx())?.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: selectorOf(w) } });
  });
});

describe("install scripts", () => {
  it.each([
    [{ version: "v1.32.1+k3s1", first: true, datastore: "sqlite" as const }, [], ["--cluster-init", "--server "]],
    [{ version: "v1.32.1+k3s1", first: true, datastore: "etcd" as const }, ["  --cluster-init \\"], ["--server "]],
    [
      { version: "v1.32.1+k3s1", first: false, datastore: "etcd" as const, joinAddress: "172.16.16.1" },
      ["  --server https://172.16.16.1:6443 \\"],
      ["--cluster-init"],
    ],
    [
      {
        version: "v1.32.1+k3s1",
        first: true,
        datastore: "sqlite" as const,
        labels: { zone: "a", "example.org/disk": "ssd" },
      },
      ["  --node-label example.org/disk=ssd \\", "  --node-label zone=a \\"],
      ["--server "],
    ],
  ])("server %o", (s, present, absent) => {
    const script = renderServerInstall(s);
    expect(script).toContain("| INSTALL_K3S_VERSION=v1.32.1+k3s1 sh -s - server \\\n  --disable traefik \\\n");
    expect(script.split("\n").pop()).toBe('  --token "$K3S_TOKEN"');
    for (const line of present) expect(script.split("\n")).toContain(line);
    for (const text of absent) expect(script).not.toContain(text);
  });

  it("joins agents to the first server, with their labels", () => {
    expect(renderAgentInstall("v1.32.1+k3s1", "172.16.16.1", { disk: "ssd" }).split("\n").slice(3)).toEqual([
      "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.32.1+k3s1 K3S_URL=https://172.16.16.1:6443 sh -s - " +
        "agent \\",
      '  --node-ip "$NODE_IP" \\',
      '  --flannel-iface "$iface" \\',
      "  --node-label disk=ssd \\",
      '  --token "$K3S_TOKEN"',
    ]);
  });

  it("quotes the version and the addresses as single words", () => {
    const script = renderAgentInstall("v1; touch /tmp/x", "10.0.0.1 #&", {});
    expect(script.split("\n")[0]).toBe(
      "if command -v k3s >/dev/null 2>&1 && k3s --version | grep -qF -- 'v1; touch /tmp/x' && systemctl is-active " +
        "--quiet k3s-agent; then exit 0; fi",
    );
    expect(script).toContain(
      "| INSTALL_K3S_VERSION='v1; touch /tmp/x' K3S_URL='https://10.0.0.1 #&:6443' sh -s - agent \\",
    );
  });

  it.each([
    [
      { "disk;id": "ssd" },
      'recette: label key "disk;id" cannot go into a Kubernetes node label: a label name is 1 to 63 letters, ' +
        "digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    [
      { disk: "ssd\n" },
      'recette: value of label disk "ssd\\n" cannot go into a Kubernetes node label: a label value is at most 63 ' +
        "letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    [
      { "node-role.kubernetes.io/control-plane": "true" },
      'recette: label key "node-role.kubernetes.io/control-plane" cannot go into a Kubernetes node label: the ' +
        "prefix node-role.kubernetes.io belongs to Kubernetes",
    ],
  ])("refuses the labels %o before writing any script", (labels, message) => {
    expect(() => renderAgentInstall("v1.32.1+k3s1", "172.16.16.1", labels)).toThrow(new Error(message));
    expect(() => renderServerInstall({ version: "v1.32.1+k3s1", first: true, datastore: "sqlite", labels })).toThrow(
      new Error(message),
    );
    expect(() => renderNodeLabels(labels)).toThrow(new Error(message));
  });
});

describe("renderNodeLabels", () => {
  // The script under bash with a stand-in `k3s` that records its arguments (NUL-separated) and answers
  // like the API: two nodes, and the annotation of labels recette set before.
  const run = (labels: Record<string, string>, previous: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-k3s-labels-"));
    const stub = [
      "k3s() {",
      `  printf '%s\\0' "$@" >> ${JSON.stringify(path.join(dir, "calls"))}; ` +
        `printf '\\n' >> ${JSON.stringify(path.join(dir, "calls"))}`,
      '  case "$2 $3" in',
      "    'get nodes') printf 'server-1 172.16.16.1\\nagent-7 172.16.16.2 fd00::2\\n' ;;",
      `    'get node') printf '%s' ${JSON.stringify(previous)} ;;`,
      "  esac",
      "}",
    ].join("\n");
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", `${stub}\n${renderNodeLabels(labels)}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, NODE_IP: "172.16.16.2" },
    });
    const calls = fs.existsSync(path.join(dir, "calls"))
      ? fs
          .readFileSync(path.join(dir, "calls"), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((c) => c.split("\0").slice(0, -1))
      : [];
    fs.rmSync(dir, { recursive: true });
    return { status: r.status, stderr: r.stderr, calls };
  };
  const lookup = ["kubectl", "get", "nodes", "-o", expect.stringContaining("InternalIP")];
  const annotation = ["kubectl", "get", "node", "agent-7", "-o", "jsonpath={.metadata.annotations.recette\\.labels}"];

  it("removes only the labels recette set before and the recipe dropped, sets the others, records the keys", () => {
    expect(run({ disk: "ssd", zone: "a" }, "disk,old,example.org/gone")).toEqual({
      status: 0,
      stderr: "",
      calls: [
        lookup,
        annotation,
        ["kubectl", "label", "node", "agent-7", "old-"],
        ["kubectl", "label", "node", "agent-7", "example.org/gone-"],
        ["kubectl", "label", "node", "agent-7", "--overwrite", "disk=ssd", "zone=a"],
        ["kubectl", "annotate", "node", "agent-7", "--overwrite", "recette.labels=disk,zone"],
      ],
    });
  });

  it("a node recette never labelled: nothing removed; no labels: only the (empty) annotation", () => {
    expect(run({ disk: "ssd" }, "").calls.slice(2)).toEqual([
      ["kubectl", "label", "node", "agent-7", "--overwrite", "disk=ssd"],
      ["kubectl", "annotate", "node", "agent-7", "--overwrite", "recette.labels=disk"],
    ]);
    expect(run({}, "disk").calls.slice(2)).toEqual([
      ["kubectl", "label", "node", "agent-7", "disk-"],
      ["kubectl", "annotate", "node", "agent-7", "--overwrite", "recette.labels="],
    ]);
  });
});

describe("Target under mocks", () => {
  const deploy = (ws: Workload[], storageClass?: string) => {
    const recorder = installRecorder("recette", "test");
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const target = new Target("k3s", { naming, provider, ...(storageClass ? { storageClass } : {}) });
    const parent = new pulumi.ComponentResource("recette:test:App", "app");
    const deployed = ws.map((w) => target.deploy(w, parent));
    return { ...recorder, target, deployed };
  };
  const blog = () =>
    workload({
      volumes: [{ name: "data", path: "/var/www/html/data", sizeMiB: 1024, keep: true }],
      files: [
        { name: "php.ini", path: "/usr/local/etc/php/php.ini", content: "memory_limit=64M" },
        { name: "site conf", path: "/etc/site.conf", content: "x" },
      ],
      secrets: [{ name: "db.pass", path: "/run/secrets/db.pass", content: "hunter2" }],
      routes: [{ host: "blog.example.org", path: "/", port: 80 }],
      ports: [80],
    });
  const traefik = () =>
    workload({
      name: "traefik",
      readsOrchestrator: true,
      published: [{ published: 443, target: 443, protocol: "tcp" }],
      preserveClientIp: true,
      autoscale: { min: 1, max: 1, cpuPercent: 50 },
    });

  it("creates the stack's namespace and answers the target questions", async () => {
    const { registrations, settle, target } = deploy([]);
    await settle();
    expect(byType(registrations, "kubernetes:core/v1:Namespace")).toEqual([
      {
        type: "kubernetes:core/v1:Namespace",
        name: "k3s-namespace",
        parent: "recette:k3s:Target::k3s",
        custom: true,
        aliases: [],
        inputs: {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "recette-test", labels: { "recette.stack": "recette-test", "recette.recipe": "blog" } },
        },
      },
    ]);
    expect(target.traefikProviders()).toEqual({ kubernetesIngress: { labelSelector: "recette.edge=recette-test" } });
    expect(target.networkCidrs()).toEqual(["10.42.0.0/16"]);
    expect(target.serviceHost("relay")).toBe("recette-test-relay");
  });

  it(
    "registers exactly a PVC, ConfigMap, Secret (and its version), Deployment, Service and Ingress for the blog; " +
      "no RBAC, no HPA",
    async () => {
      const { registrations, settle, deployed } = deploy([blog()]);
      await settle();
      const children = registrations.filter((r) => r.parent === "recette:test:App::app");
      expect(children.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "kubernetes:apps/v1:Deployment::blog",
        "kubernetes:core/v1:ConfigMap::blog-files",
        "kubernetes:core/v1:PersistentVolumeClaim::blog-data",
        "kubernetes:core/v1:Secret::blog-secrets",
        "kubernetes:core/v1:Service::blog-service",
        "kubernetes:networking.k8s.io/v1:Ingress::blog-ingress",
        "random:index/randomId:RandomId::blog-secrets-version",
      ]);
      expect(await resolve(deployed[0]!.name)).toBe("recette-test-blog");
    },
  );

  it(
    "refuses a workload whose values Kubernetes would refuse, " + "naming each, before registering its objects",
    async () => {
      const { registrations, settle, target } = deploy([]);
      const parent = new pulumi.ComponentResource("recette:test:App", "bad");
      const w = workload({
        name: "Blog!",
        placement: { labels: { "disk;x": "a b" }, role: "any" },
        routes: [{ host: "blog.example.org", path: "admin", port: 80 }],
      });
      expect(() => target.deploy(w, parent)).toThrow(
        new Error(
          'recette:k3s:Target: workload "Blog!" cannot run on Kubernetes: ' +
            'workload name "Blog!" (container name and recette.workload label): a DNS label (1 to 63 lower-case ' +
            "letters, digits or '-', starting and ending with a letter or digit); " +
            "placement label key \"disk;x\": a label name is 1 to 63 letters, digits, '-', '_' or '.', starting and " +
            "ending with a letter or digit; " +
            "placement label \"disk;x\" value \"a b\": a label value is at most 63 letters, digits, '-', '_' or '.', " +
            "starting and ending with a letter or digit; " +
            'route path "admin": an Ingress path starts with / and has no blanks or control characters',
        ),
      );
      await settle();
      expect(registrations.filter((r) => r.parent === "recette:test:App::bad")).toEqual([]);
    },
  );

  it("claims local-path storage for a volume, labelled kept", async () => {
    const { registrations, settle } = deploy([blog()]);
    await settle();
    expect(one(registrations, "kubernetes:core/v1:PersistentVolumeClaim", "blog-data").inputs).toEqual({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: "recette-test-blog-data",
        namespace: "recette-test",
        labels: { ...LABELS, "recette.keep": "true" },
      },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "local-path",
        resources: { requests: { storage: "1024Mi" } },
      },
    });
  });

  it("uses the storage class it is given", async () => {
    const { registrations, settle } = deploy([blog()], "longhorn");
    await settle();
    expect(
      (
        one(registrations, "kubernetes:core/v1:PersistentVolumeClaim", "blog-data").inputs.spec as {
          storageClassName: string;
        }
      ).storageClassName,
    ).toBe("longhorn");
  });

  it("keys the ConfigMap by file name and redacts the Secret's stringData", async () => {
    const { registrations, settle } = deploy([blog()]);
    await settle();
    expect(one(registrations, "kubernetes:core/v1:ConfigMap", "blog-files").inputs).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "recette-test-blog-files",
        namespace: "recette-test",
        labels: { ...LABELS, "recette.files": "blog" },
      },
      data: { "php.ini": "memory_limit=64M", "site-conf": "x" },
    });
    expect(one(registrations, "kubernetes:core/v1:Secret", "blog-secrets").inputs).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "recette-test-blog-secrets", namespace: "recette-test", labels: LABELS },
      stringData: SECRET,
    });
    expect(JSON.stringify(registrations)).not.toContain("hunter2");
  });

  it("mounts the claim, the files and the secrets in the Deployment", async () => {
    const { registrations, settle } = deploy([blog()]);
    await settle();
    const spec = (
      one(registrations, "kubernetes:apps/v1:Deployment", "blog").inputs as {
        spec: { template: { spec: Record<string, unknown> } };
      }
    ).spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "recette-test-blog-data" } },
      { name: "files", configMap: { name: "recette-test-blog-files" } },
      { name: "secrets", secret: { secretName: "recette-test-blog-secrets", defaultMode: 0o400 } },
    ]);
    expect((spec.containers as { volumeMounts: unknown[] }[])[0]!.volumeMounts).toEqual([
      { name: "data", mountPath: "/var/www/html/data" },
      { name: "files", mountPath: "/usr/local/etc/php/php.ini", subPath: "php.ini", readOnly: true },
      { name: "files", mountPath: "/etc/site.conf", subPath: "site-conf", readOnly: true },
      { name: "secrets", mountPath: "/run/secrets/db.pass", subPath: "db.pass", readOnly: true },
    ]);
  });

  it(
    "gives only the orchestrator reader a ServiceAccount, ClusterRole and binding, and only the autoscaled one an " +
      "HPA",
    async () => {
      const { registrations, settle } = deploy([blog(), traefik()]);
      await settle();
      const children = registrations.filter(
        (r) => r.parent === "recette:test:App::app" && r.name.startsWith("traefik"),
      );
      expect(children.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "kubernetes:apps/v1:Deployment::traefik",
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::traefik-hpa",
        "kubernetes:core/v1:Service::traefik-published",
        "kubernetes:core/v1:ServiceAccount::traefik-sa",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::traefik-role",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding::traefik-binding",
      ]);
      const suffix: Record<string, string> = {
        ServiceAccount: "sa",
        ClusterRole: "role",
        ClusterRoleBinding: "binding",
        HorizontalPodAutoscaler: "hpa",
      };
      for (const type of ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler"]) {
        expect(registrations.filter((r) => r.type.endsWith(`:${type}`)).map((r) => r.name)).toEqual([
          `traefik-${suffix[type]}`,
        ]);
      }
      const traefikLabels = { ...LABELS, "recette.workload": "traefik" };
      expect(one(registrations, "kubernetes:core/v1:ServiceAccount", "traefik-sa").inputs.metadata).toEqual({
        name: "recette-test-traefik",
        namespace: "recette-test",
        labels: traefikLabels,
      });
      expect(
        one(registrations, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "traefik-role").inputs.rules,
      ).toEqual(TRAEFIK_RULES);
      expect(
        one(registrations, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "traefik-binding").inputs,
      ).toMatchObject({
        metadata: { name: "recette-test-traefik", labels: traefikLabels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "recette-test-traefik" },
        subjects: [{ kind: "ServiceAccount", name: "recette-test-traefik", namespace: "recette-test" }],
      });
      const dep = one(registrations, "kubernetes:apps/v1:Deployment", "traefik").inputs as {
        spec: { template: { spec: Record<string, unknown> } };
      };
      expect(dep.spec.template.spec.serviceAccountName).toBe("recette-test-traefik");
      expect(dep.spec.template.spec).not.toHaveProperty("automountServiceAccountToken");
      expect(
        (
          one(registrations, "kubernetes:core/v1:Service", "traefik-published").inputs.spec as {
            externalTrafficPolicy: string;
          }
        ).externalTrafficPolicy,
      ).toBe("Local");
    },
  );

  it("registers a PodDisruptionBudget over the Deployment's own pods for a replicated workload only", async () => {
    const web = workload({ name: "web", replicas: 2, routes: [{ host: "web.example.org", path: "/", port: 80 }] });
    const { registrations, settle } = deploy([blog(), web]);
    await settle();
    expect(byType(registrations, "kubernetes:policy/v1:PodDisruptionBudget").map((r) => r.name)).toEqual(["web-pdb"]);
    const pdb = one(registrations, "kubernetes:policy/v1:PodDisruptionBudget", "web-pdb").inputs as {
      spec: { selector: unknown };
    };
    const dep = one(registrations, "kubernetes:apps/v1:Deployment", "web").inputs as { spec: { selector: unknown } };
    expect(pdb).toEqual({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: {
        name: "recette-test-web",
        namespace: "recette-test",
        labels: { ...LABELS, "recette.workload": "web" },
      },
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "recette-test-web" } },
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      },
    });
    expect(pdb.spec.selector).toEqual(dep.spec.selector);
  });
});

describe("Cluster under mocks", () => {
  const node = (name: string, role: "manager" | "worker", host: string): ClusterNode => ({
    name,
    role,
    labels: {},
    connection: { host, user: "root", privateKey: pulumi.secret("mock-private-key") },
    privateAddress: host.replace("192.0.2.", "172.16.16."),
    publicAddress: host,
    dependsOn: [],
  });
  const commandNames = (regs: Registration[]) =>
    regs.filter((r) => r.type === "command:remote:Command").map((r) => r.name);

  it(
    "installs servers one at a time, then agents one at a time, " + "and reads the kubeconfig from the first server",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const nodes = [
        node("worker-1", "worker", "192.0.2.4"),
        node("manager-1", "manager", "192.0.2.1"),
        node("manager-2", "manager", "192.0.2.2"),
        node("manager-3", "manager", "192.0.2.3"),
        node("worker-2", "worker", "192.0.2.5"),
      ];
      new Cluster("k3s", { nodes, version: "v1.32.1+k3s1" });
      await settle();
      const installs = commandNames(registrations).filter((n) => /-(server|agent)$/.test(n));
      expect(installs).toEqual([
        "k3s-manager-1-server",
        "k3s-manager-2-server",
        "k3s-manager-3-server",
        "k3s-worker-1-agent",
        "k3s-worker-2-agent",
      ]);
      expect(commandNames(registrations).filter((n) => n.endsWith("-kubeconfig"))).toEqual(["k3s-kubeconfig"]);
      // Three servers default to etcd: the first initialises it, the others join it.
      const create = (name: string) => one(registrations, "command:remote:Command", name).inputs.create as string;
      expect(create("k3s-manager-1-server")).toContain("--cluster-init");
      expect(create("k3s-manager-2-server")).toContain("  --server https://172.16.16.1:6443 \\");
      expect(create("k3s-worker-2-agent")).toContain(" K3S_URL=https://172.16.16.1:6443 sh -s - agent \\");
    },
  );

  it(
    "registers one token, one provider and exactly the install and kubeconfig steps " + "for 1 server + 2 agents",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      new Cluster("k3s", {
        nodes: [
          node("manager-1", "manager", "192.0.2.1"),
          node("worker-1", "worker", "192.0.2.2"),
          node("worker-2", "worker", "192.0.2.3"),
        ],
        version: "v1.32.1+k3s1",
      });
      await settle();
      expect(registrations.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
        "command:remote:Command::k3s-kubeconfig",
        "command:remote:Command::k3s-manager-1-labels",
        "command:remote:Command::k3s-manager-1-server",
        "command:remote:Command::k3s-worker-1-agent",
        "command:remote:Command::k3s-worker-1-labels",
        "command:remote:Command::k3s-worker-2-agent",
        "command:remote:Command::k3s-worker-2-labels",
        "pulumi:providers:kubernetes::k3s-provider",
        "random:index/randomPassword:RandomPassword::k3s-token",
        "recette:k3s:Cluster::k3s",
      ]);
      expect(one(registrations, "random:index/randomPassword:RandomPassword", "k3s-token").inputs).toEqual({
        length: 48,
        special: false,
      });
      // One sqlite server: no etcd initialisation.
      expect(one(registrations, "command:remote:Command", "k3s-manager-1-server").inputs.create).not.toContain(
        "--cluster-init",
      );
    },
  );

  it(
    "applies each node's recipe labels: at install, " + "and by a labels step on the first server after every install",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const nodes = [
        node("manager-1", "manager", "192.0.2.1"),
        { ...node("worker-1", "worker", "192.0.2.2"), labels: { zone: "a", disk: "ssd" } },
      ];
      new Cluster("k3s", { nodes, version: "v1.32.1+k3s1" });
      await settle();
      // A step registers once the steps it depends on are registered: the labels come after every install.
      const order = commandNames(registrations).filter((n) => !n.endsWith("-kubeconfig"));
      expect(order.slice(0, 2)).toEqual(["k3s-manager-1-server", "k3s-worker-1-agent"]);
      expect(order.slice(2, 4).sort()).toEqual(["k3s-manager-1-labels", "k3s-worker-1-labels"]);
      const agent = one(registrations, "command:remote:Command", "k3s-worker-1-agent").inputs.create as string;
      expect(agent).toContain("  --node-label disk=ssd \\\n  --node-label zone=a \\\n");
      expect(one(registrations, "command:remote:Command", "k3s-manager-1-server").inputs.create).not.toContain(
        "--node-label",
      );
      const labels = one(registrations, "command:remote:Command", "k3s-worker-1-labels");
      expect(labels.parent).toBe("recette:k3s:Cluster::k3s");
      // Runs on the first server (its connection), for the worker's private address.
      expect(labels.inputs.connection).toBe(SECRET);
      expect(labels.inputs.environment).toEqual({ NODE_IP: "172.16.16.2" });
      expect(labels.inputs.triggers).toEqual(['{"zone":"a","disk":"ssd"}']);
      expect(labels.inputs.create).toContain('k3s kubectl label node "$node" --overwrite disk=ssd zone=a >/dev/null');
      expect(labels.inputs.create).toContain(
        'k3s kubectl annotate node "$node" --overwrite recette.labels=disk,zone >/dev/null',
      );
      const none = one(registrations, "command:remote:Command", "k3s-manager-1-labels");
      expect(none.inputs.environment).toEqual({ NODE_IP: "172.16.16.1" });
      expect(none.inputs.triggers).toEqual(["{}"]);
      expect(none.inputs.create).toContain('k3s kubectl annotate node "$node" --overwrite recette.labels= >/dev/null');
    },
  );

  it("refuses a node label Kubernetes would refuse before registering any step", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const nodes = [{ ...node("manager-1", "manager", "192.0.2.1"), labels: { "disk; reboot": "ssd" } }];
    const reason =
      'node manager-1: label key "disk; reboot" cannot go into a Kubernetes node label: a label name is 1 to 63 ' +
      "letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    expect(() => new Cluster("bad", { nodes, version: "v1.32.1+k3s1" })).toThrow(
      componentError(`recette:k3s:Cluster bad: nodes[0].labels: ${reason}`, [
        { propertyPath: "nodes[0].labels", reason },
      ]),
    );
    await settle();
    expect(registrations.map((r) => r.type)).toEqual(["recette:k3s:Cluster"]);
  });

  it("names every child after the cluster, each step keeping the name it had before as an alias", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Cluster("blue", {
      nodes: [node("manager-1", "manager", "192.0.2.1"), node("worker-1", "worker", "192.0.2.2")],
      version: "v1.32.1+k3s1",
    });
    await settle();
    const children = registrations.filter((r) => r.parent === "recette:k3s:Cluster::blue");
    expect(Object.fromEntries(children.map((c) => [c.name, c.aliases]))).toEqual({
      "blue-token": [],
      "blue-manager-1-server": ["manager-1-k3s-server"],
      "blue-worker-1-agent": ["worker-1-k3s-agent"],
      "blue-manager-1-labels": ["manager-1-for-manager-1-k3s-labels"],
      "blue-worker-1-labels": ["manager-1-for-worker-1-k3s-labels"],
      "blue-kubeconfig": ["manager-1-k3s-kubeconfig"],
      "blue-provider": [],
    });
  });

  it("keeps the token and the kubeconfig secret", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const cluster = new Cluster("k3s", {
      nodes: [node("manager-1", "manager", "192.0.2.1"), node("worker-1", "worker", "192.0.2.2")],
      version: "v1.32.1+k3s1",
    });
    await settle();
    expect(await pulumi.isSecret(cluster.kubeconfig)).toBe(true);
    expect(await resolve(cluster.kubeconfig)).toContain("apiVersion: v1");
    expect(one(registrations, "pulumi:providers:kubernetes", "k3s-provider").inputs.kubeconfig).toBe(SECRET);
    for (const name of ["k3s-manager-1-server", "k3s-worker-1-agent"]) {
      const step = one(registrations, "command:remote:Command", name);
      expect(step.inputs.environment).toBe(SECRET);
      expect(step.inputs.connection).toBe(SECRET);
      expect(step.inputs.triggers).toEqual(["v1.32.1+k3s1"]);
    }
    expect(one(registrations, "command:remote:Command", "k3s-kubeconfig").inputs.environment).toEqual({
      PUBLIC_IP: "192.0.2.1",
    });
    expect(JSON.stringify(registrations)).not.toMatch(/mock-[0-9a-f]{16}/);
  });

  const quorum = (n: number) => ({
    propertyPath: "nodes",
    reason: `${n} k3s servers cannot keep an etcd quorum through a failure (use 1, or 3 with embedded etcd)`,
  });
  const sqlite = (n: number) => ({
    propertyPath: "datastore",
    reason: `${n} k3s servers cannot share sqlite, which holds one server's state (use datastore: etcd, or remove it)`,
  });
  it.each<
    [string, ("manager" | "worker")[], "sqlite" | "etcd" | undefined, { propertyPath: string; reason: string }[]]
  >([
    ["no server", ["worker"], undefined, [{ propertyPath: "nodes", reason: "k3s needs at least one server" }]],
    ["1 server", ["manager", "worker"], undefined, []],
    ["2 servers on the default sqlite", ["manager", "manager"], undefined, [quorum(2), sqlite(2)]],
    ["2 servers on etcd", ["manager", "manager"], "etcd", [quorum(2)]],
    ["3 servers on sqlite", ["manager", "manager", "manager"], "sqlite", [sqlite(3)]],
    ["3 servers on the default etcd", ["manager", "manager", "manager"], undefined, []],
    ["1 server on etcd", ["manager"], "etcd", []],
  ])("validateK3sArgs: %s", (_, roles, datastore, problems) => {
    const nodes = roles.map((role, i) => node(`${role}-${i + 1}`, role, `192.0.2.${i + 1}`));
    expect(validateK3sArgs({ nodes, version: "v1.32.1+k3s1", ...(datastore ? { datastore } : {}) })).toEqual(problems);
  });

  it("refuses several sqlite servers with the exact message, before any step", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const quorum = "2 k3s servers cannot keep an etcd quorum through a failure (use 1, or 3 with embedded etcd)";
    const sqlite =
      "2 k3s servers cannot share sqlite, which holds one server's state (use datastore: etcd, or remove it)";
    expect(
      () =>
        new Cluster("bad", {
          nodes: [node("manager-1", "manager", "192.0.2.1"), node("manager-2", "manager", "192.0.2.2")],
          version: "v1.32.1+k3s1",
        }),
    ).toThrow(
      componentError(`recette:k3s:Cluster bad: nodes: ${quorum}; datastore: ${sqlite}`, [
        { propertyPath: "nodes", reason: quorum },
        { propertyPath: "datastore", reason: sqlite },
      ]),
    );
    await settle();
    expect(registrations.map((r) => r.type)).toEqual(["recette:k3s:Cluster"]);
  });
});

describe("LocalCluster (the cluster scripts/ensure-kubernetes runs on this machine)", () => {
  it.each<[string, { kubeconfigPath?: string }, NodeJS.ProcessEnv, string]>([
    ["the argument first", { kubeconfigPath: "/tmp/a.conf" }, { KUBECONFIG: "/tmp/b.conf" }, "/tmp/a.conf"],
    ["then $KUBECONFIG", {}, { KUBECONFIG: "/tmp/b.conf" }, "/tmp/b.conf"],
    ["then ensure-kubernetes's default", {}, {}, LOCAL_KUBECONFIG],
    ["an empty $KUBECONFIG is unset", {}, { KUBECONFIG: "" }, LOCAL_KUBECONFIG],
  ])("takes the kubeconfig path from %s", (_, args, env, path) => {
    expect(localKubeconfigPath(args, env)).toBe(path);
  });

  it("installs nothing: one provider pointed at the kubeconfig's path (never its content)", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new LocalCluster("k3s", { kubeconfigPath: "/var/lib/recette-k8s/pki/kubeconfig/super-admin.conf" });
    await settle();
    expect(registrations.map((r) => `${r.type}::${r.name}`)).toEqual([
      "recette:k3s:LocalCluster::k3s",
      "pulumi:providers:kubernetes::k3s-provider",
    ]);
    expect(one(registrations, "pulumi:providers:kubernetes", "k3s-provider").inputs.kubeconfig).toBe(
      "/var/lib/recette-k8s/pki/kubeconfig/super-admin.conf",
    );
  });
});
