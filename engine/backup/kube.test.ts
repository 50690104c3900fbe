import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findKubectl, helperPod, kubeSite, type Cluster } from "./kube";

/** A stand-in kubectl: logs its arguments, answers `get <kind>` from canned JSON files. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-kube-"));
const log = path.join(dir, "calls");
const answers = path.join(dir, "answers");
fs.mkdirSync(answers);
fs.writeFileSync(
  path.join(dir, "kubectl"),
  `#!/bin/bash
(IFS='|'; echo "$*") >> ${JSON.stringify(log)}
for a in "$@"; do
  case "$a" in persistentvolumeclaims|pods|deployments) cat ${JSON.stringify(answers)}/"$a".json; exit 0 ;; esac
done
exit 0
`,
  { mode: 0o755 },
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cluster: Cluster = { kubectl: path.join(dir, "kubectl"), kubeconfig: "/tmp/kc", namespace: "recette-prod" };
const answer = (kind: string, items: unknown[]) =>
  fs.writeFileSync(path.join(answers, `${kind}.json`), JSON.stringify({ items }));
/** Each call's argument list (the stand-in joins them with "|"). */
const calls = () =>
  fs
    .readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split("|"));
const argv = (s: string) => s.split(" ");

describe("the Kubernetes site of recette backup and restore", () => {
  it(
    "finds the stack's kept claims by their labels, in the " +
      "stack's namespace, and ignores a claim outside its prefix",
    async () => {
      fs.rmSync(log, { force: true });
      answer("persistentvolumeclaims", [
        {
          metadata: {
            name: "recette-prod-blog-data",
            labels: { "recette.workload": "blog", "recette.recipe": "blog" },
          },
        },
        {
          metadata: {
            name: "recette-prod-traefik-acme",
            labels: { "recette.workload": "traefik", "recette.recipe": "blog" },
          },
        },
        { metadata: { name: "elsewhere-blog-data", labels: { "recette.workload": "blog", "recette.recipe": "blog" } } },
      ]);
      expect(await kubeSite(cluster).volumes("recette-prod", ["blog"])).toEqual([
        { name: "recette-prod-blog-data", logical: "blog-data", workload: "blog", recipe: "blog" },
      ]);
      expect(calls()).toEqual([
        argv(
          "--kubeconfig /tmp/kc --namespace recette-prod get persistentvolumeclaims " +
            "--selector recette.stack=recette-prod,recette.keep=true --output json",
        ),
      ]);
    },
  );

  it(
    "says who mounts a claim: the stack's Deployment by its " +
      "selector, a foreign pod without one; finished pods do not count",
    async () => {
      answer("deployments", [
        {
          metadata: { name: "recette-prod-blog" },
          spec: { replicas: 1, selector: { matchLabels: { "app.kubernetes.io/instance": "recette-prod-blog" } } },
        },
      ]);
      const claim = (name: string) => ({ volumes: [{ name: "d", persistentVolumeClaim: { claimName: name } }] });
      answer("pods", [
        {
          metadata: { name: "recette-prod-blog-7d9-x", labels: { "app.kubernetes.io/instance": "recette-prod-blog" } },
          spec: claim("recette-prod-blog-data"),
          status: { phase: "Running" },
        },
        {
          metadata: { name: "someone-else", labels: {} },
          spec: claim("recette-prod-blog-data"),
          status: { phase: "Running" },
        },
        {
          metadata: { name: "old-job", labels: {} },
          spec: claim("recette-prod-blog-data"),
          status: { phase: "Succeeded" },
        },
        {
          metadata: { name: "traefik", labels: {} },
          spec: claim("recette-prod-traefik-acme"),
          status: { phase: "Running" },
        },
      ]);
      expect(await kubeSite(cluster).volumeUsers("recette-prod-blog-data")).toEqual([
        { container: "recette-prod-blog-7d9-x", service: "recette-prod-blog" },
        { container: "someone-else" },
      ]);
      expect(await kubeSite(cluster).workloadServices("recette-prod", "blog")).toEqual([
        { name: "recette-prod-blog", replicas: 1 },
      ]);
      expect(calls().pop()).toEqual(
        argv(
          "--kubeconfig /tmp/kc --namespace recette-prod get deployments --selector " +
            "recette.stack=recette-prod,recette.workload=blog --output json",
        ),
      );
    },
  );

  it("runs the helper as a root pod with no API token, a deadline, the claims read-only for a backup", () => {
    const pod = helperPod(cluster, {
      name: "recette-prod-backup-0a1b2c3d",
      image: "rg.fr-par.scw.cloud/ns/debian-base:bookworm",
      labels: { "recette.stack": "recette-prod", "recette.helper": "backup" },
      mounts: [{ volume: "recette-prod-blog-data", target: "/v/blog-data", readOnly: true }],
    });
    expect(pod).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "recette-prod-backup-0a1b2c3d",
        namespace: "recette-prod",
        labels: { "recette.stack": "recette-prod", "recette.helper": "backup" },
      },
      spec: {
        restartPolicy: "Never",
        activeDeadlineSeconds: 3 * 3600,
        terminationGracePeriodSeconds: 0,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsUser: 0, runAsGroup: 0 },
        containers: [
          {
            name: "helper",
            image: "rg.fr-par.scw.cloud/ns/debian-base:bookworm",
            imagePullPolicy: "IfNotPresent",
            command: ["sleep", "10800"],
            volumeMounts: [{ name: "v0", mountPath: "/v/blog-data", readOnly: true }],
          },
        ],
        volumes: [{ name: "v0", persistentVolumeClaim: { claimName: "recette-prod-blog-data", readOnly: true } }],
      },
    });
  });

  it("execs in the helper with the argument list as is, stdin only when there is input", async () => {
    fs.rmSync(log, { force: true });
    const site = kubeSite(cluster);
    const h = { site, name: "recette-prod-restore-1" };
    await site.exec(h, ["bash", "-c", 'echo "$1"', "bash", "a b; rm -rf /"]);
    await site.exec(h, ["tar", "--extract"], { input: "x" });
    // each value one argument, whatever it holds
    expect(calls()).toEqual([
      [
        ...argv("--kubeconfig /tmp/kc --namespace recette-prod exec recette-prod-restore-1 --container helper --"),
        "bash",
        "-c",
        'echo "$1"',
        "bash",
        "a b; rm -rf /",
      ],
      argv(
        "--kubeconfig /tmp/kc --namespace recette-prod exec --stdin " +
          "recette-prod-restore-1 --container helper -- tar --extract",
      ),
    ]);
  });

  it("finds kubectl: $RECETTE_KUBECTL, then PATH, then the local cluster's build", () => {
    const root = path.join(__dirname, "..", "..");
    expect(findKubectl(root, { RECETTE_KUBECTL: "/opt/k/kubectl", PATH: dir })).toBe("/opt/k/kubectl");
    expect(findKubectl(root, { PATH: `/nonexistent:${dir}` })).toBe(path.join(dir, "kubectl"));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "recette-cache-"));
    const version = /^K8S_VERSION=(.+)$/m.exec(
      fs.readFileSync(path.join(root, "scripts", "kubernetes", "versions.env"), "utf8"),
    )![1]!;
    const built = path.join(cache, "kubernetes", `kubernetes-${version}`, "kubectl");
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.writeFileSync(built, "", { mode: 0o755 });
    expect(findKubectl(root, { PATH: "/nonexistent", RECETTE_CACHE: cache })).toBe(built);
    fs.rmSync(cache, { recursive: true, force: true });
  });
});
