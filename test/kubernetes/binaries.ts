import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../helpers";

/**
 * The Kubernetes binaries scripts/ensure-kubernetes builds, where its cache keeps them
 * (${RECETTE_CACHE:-~/.cache/recette}/kubernetes/kubernetes-<K8S_VERSION>, the pin in
 * scripts/kubernetes/versions.env), or why they are not there.
 */
export const K8S_VERSION = (() => {
  const text = fs.readFileSync(path.join(ROOT, "scripts/kubernetes/versions.env"), "utf8");
  const m = /^K8S_VERSION=(\S+)$/m.exec(text);
  if (!m) throw new Error("scripts/kubernetes/versions.env has no K8S_VERSION line");
  return m[1]!;
})();

export const kubernetesBinDir = () =>
  path.join(
    process.env.RECETTE_CACHE || path.join(os.homedir(), ".cache/recette"),
    "kubernetes",
    `kubernetes-${K8S_VERSION}`,
  );

/** The path of each binary asked for, or the list of those missing. */
export const findKubernetesBinaries = <T extends string>(
  names: T[],
): { bins: Record<T, string>; missing: string[] } => {
  const dir = kubernetesBinDir();
  const bins = Object.fromEntries(names.map((n) => [n, path.join(dir, n)])) as Record<T, string>;
  const missing = names.filter((n) => !fs.existsSync(bins[n])).map((n) => bins[n]);
  return { bins, missing };
};

/** etcd comes from Debian's etcd-server (scripts/ensure-kubernetes installs it). */
export const etcdBinary = (): string | undefined =>
  ["/usr/bin/etcd", "/usr/local/bin/etcd"].find((p) => fs.existsSync(p));
