import * as fs from "node:fs";
import { sh } from "./helpers";

/**
 * What scripts/ensure-kubernetes may change on this machine, read back: compared before the cluster
 * starts and after `--down`. Restricted to what the cluster touches (other suites and engineers change
 * Docker's own rules, interfaces and mounts at the same time): sysctls it sets, iptables chains named
 * KUBE-* / CNI-* and the rules that jump to them, its interfaces, mounts under its directories,
 * kubepods cgroups and the other nodes' cgroup trees and network namespaces, and the host paths kubelet
 * is known to create.
 */
export const SYSCTLS = [
  "net.ipv4.ip_forward",
  "net.bridge.bridge-nf-call-iptables",
  "net.bridge.bridge-nf-call-ip6tables",
  "vm.overcommit_memory",
  "vm.panic_on_oom",
  "kernel.panic",
  "kernel.panic_on_oops",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
  "net.ipv4.conf.all.route_localnet",
  "net.netfilter.nf_conntrack_max",
];

const ours = /(KUBE-|CNI-)/;

export const hostSnapshot = () => {
  const sysctls = Object.fromEntries(SYSCTLS.map((k) => [k, sh("sysctl", ["-n", k]).stdout.trim()]));
  const iptables: string[] = [];
  for (const cmd of ["iptables-save", "ip6tables-save"])
    for (const table of ["filter", "nat", "mangle", "raw"]) {
      for (const line of sh(cmd, ["-t", table]).stdout.split("\n"))
        if (ours.test(line)) iptables.push(`${cmd} ${table} ${line}`);
    }
  const links = sh("ip", ["-o", "link", "show"])
    .stdout.split("\n")
    .map((l) => l.split(":")[1]?.trim().split("@")[0] ?? "")
    .filter((n) => /^(rct-|cni|kube-)/.test(n));
  const mounts = sh("findmnt", ["-rn", "-o", "TARGET"])
    .stdout.split("\n")
    .filter((m) =>
      /^(\/var\/lib\/recette-k8s|\/run\/recette-k8s)(\/|$)|\/kubernetes\/containerd(-node-\d+)?\//.test(m),
    );
  // Every hierarchy's kubepods tree and the other nodes' cgroup roots (recette-node-<i>).
  const cgroups = fs.readdirSync("/sys/fs/cgroup").flatMap((c) => {
    const dir = `/sys/fs/cgroup/${c}`;
    return fs.statSync(dir).isDirectory()
      ? fs
          .readdirSync(dir)
          .filter((d) => d === "kubepods" || d.startsWith("recette-node-"))
          .map((d) => `${c}/${d}`)
      : [];
  });
  // The other nodes' network namespaces (scripts/ensure-kubernetes --nodes).
  const netns = sh("ip", ["netns", "list"])
    .stdout.split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith("rct-"));
  const paths = [
    "/var/lib/kubelet",
    "/var/log/pods",
    "/var/log/containers",
    "/etc/cni",
    "/var/lib/cni",
    "/etc/kubernetes",
    "/var/lib/recette-k8s",
    "/run/recette-k8s",
  ].filter((p) => fs.existsSync(p));
  return { sysctls, iptables, links, mounts, cgroups, netns, paths };
};
