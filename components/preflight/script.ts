import { SWARM_VXLAN } from "../cluster-facts";
import { shellAssign, shellQuote, visible } from "../escape";

/**
 * Adds a throwaway VXLAN device (on the port Swarm's overlay uses), never brought up: whether the kernel
 * can make one is all the check asks.
 */
const VXLAN_PROBE = `ip link add recette-vxchk type vxlan id 4242 dstport ${SWARM_VXLAN.port} dev lo`;

/** What a node must offer before the orchestrator is bootstrapped. */
export interface PreflightChecks {
  node: string;
  orchestrator: "swarm" | "k3s";
  /** `required`: a node without IPVS fails the deployment; `fallback`: host publishing + dnsrr. */
  routingMesh: "required" | "fallback";
  /** MiB the capacity model needs on this node (OS excluded); less available fails the step. */
  requiredMiB: number;
  /** Docker Engine version pin, e.g. 20.10 (Swarm only). */
  dockerVersion?: string;
  /** The stack's overlay is encrypted (IPsec ESP between nodes): a node without ESP fails. Defaults to false. */
  encryptedOverlay?: boolean;
}

export interface PreflightReport {
  node: string;
  ipvs: boolean;
  vxlan: boolean;
  cgroup: string;
  memoryMiB: number;
  docker: string;
}

/** The message that names the node, the missing feature, the kernel fix and the recipe option. */
export const noIpvsMessage = (node: string) =>
  `recette: node ${node}: the kernel has no IPVS (ip_vs), so Swarm's routing mesh cannot work: ` +
  `services would converge but published ports would refuse connections (the kernel lesson). ` +
  `Fix: boot a kernel with ip_vs (nodes.kernel: default on Scaleway; see docs/kernels.md), ` +
  `or accept the fallback with orchestrator.routingMesh: fallback (host-mode publishing and dnsrr endpoints).`;

/** The message for an encrypted overlay on a kernel without IPsec ESP. */
export const noEspMessage = (node: string) =>
  `recette: node ${node}: ` +
  "the kernel has no IPsec ESP (esp4), so an encrypted overlay cannot carry traffic between nodes: " +
  `Docker creates it anyway and requests across hosts time out. ` +
  `Fix: boot a kernel with esp4 (CONFIG_INET_ESP; see docs/kernels.md), ` +
  `or set orchestrator.encryptOverlay: false where the nodes' private network is trusted.`;

/**
 * The ESP probe: adds and removes an IPsec state of Docker's kind (AES-GCM, transport mode) between two
 * documentation addresses (RFC 5737), which no traffic uses. The kernel refuses it without ESP.
 */
export const renderEspProbe = (): string[] => [
  "esp=false",
  "if has_module esp4 || ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x7265 mode " +
    "transport aead 'rfc4106(gcm(aes))' 0x0000000000000000000000000000000000000000 64 2>/dev/null; then",
  "  ip xfrm state del src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x7265 2>/dev/null || true",
  "  esp=true",
  "fi",
];

/**
 * A bash script that inspects the node and prints one JSON line (PreflightReport), or fails with
 * the reason. It changes nothing on the node except loading kernel modules that exist (and, for an
 * encrypted overlay, an IPsec state it adds and removes at once: renderEspProbe).
 */
export const renderPreflightScript = (c: PreflightChecks): string => {
  if (!Number.isFinite(c.requiredMiB) || c.requiredMiB < 0)
    throw new Error(`recette: node ${visible(c.node)}: required memory ${c.requiredMiB} MiB is not a number of MiB`);
  const required = Math.ceil(c.requiredMiB);
  // The node name and the version pin are data: assigned once as literal words, expanded in messages.
  const node = '"recette: node $node: ';
  const lines = [
    "#!/bin/bash",
    `# recette preflight for node ${visible(c.node)} (${c.orchestrator})`,
    "set -euo pipefail",
    shellAssign("node", c.node),
    'fail() { echo "$1" >&2; exit 1; }',
    "has_module() {",
    '  [ -d "/sys/module/$1" ] && return 0',
    '  command -v modprobe >/dev/null 2>&1 && modprobe "$1" 2>/dev/null && [ -d "/sys/module/$1" ] && return 0',
    "  return 1",
    "}",
    "ipvs=false",
    "if [ -e /proc/net/ip_vs ] || has_module ip_vs; then ipvs=true; fi",
    "vxlan=false",
    "if has_module vxlan; then vxlan=true",
    `elif command -v ip >/dev/null 2>&1 && ${VXLAN_PROBE} 2>/dev/null; then`,
    "  ip link del recette-vxchk; vxlan=true",
    "fi",
    "cgroup=none",
    "if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cgroup=v2; " +
      "elif [ -d /sys/fs/cgroup/memory ]; then cgroup=v1; fi",
    "memory_mib=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))",
    "docker_version=none",
    "if command -v docker >/dev/null 2>&1; then docker_version=$(docker " +
      "version --format '{{.Server.Version}}' 2>/dev/null || echo none); fi",
    `[ "$vxlan" = true ] || fail ${node}the kernel has no VXLAN, which ` +
      `${c.orchestrator === "swarm" ? "Swarm overlay networks" : "flannel"} ` +
      'need (boot a kernel with the vxlan module; see docs/kernels.md)"',
    `[ "$cgroup" != none ] || fail ${node}no cgroup filesystem at /sys/fs/cgroup (containers cannot be limited)"`,
    `[ "$memory_mib" -ge ${required} ] || fail ${node}$memory_mib MiB of RAM, the capacity model needs ` +
      `${required} MiB (use a larger node type or fewer apps; see recette explain)"`,
  ];
  if (c.orchestrator === "swarm") {
    if (c.dockerVersion) lines.push(shellAssign("docker_pin", c.dockerVersion));
    lines.push(
      `[ "$docker_version" != none ] || fail ${node}no Docker Engine answers (install docker.io` +
        `${c.dockerVersion ? " $docker_pin" : ""}; cloud-init does it on Scaleway)"`,
    );
    if (c.routingMesh === "required")
      lines.push(`[ "$ipvs" = true ] || fail ${shellQuote(noIpvsMessage(c.node), "node name")}`);
    if (c.encryptedOverlay)
      lines.push(...renderEspProbe(), `[ "$esp" = true ] || fail ${shellQuote(noEspMessage(c.node), "node name")}`);
  } else {
    lines.push(
      `grep -qw overlay /proc/filesystems || has_module overlay || fail ${node}no overlay filesystem for containerd"`,
    );
  }
  // The node name is a JSON string literal passed as printf's argument: never part of the format.
  lines.push(
    'printf \'{"node":%s,"ipvs":%s,"vxlan":%s,"cgroup":"%s","memoryMiB":%s,"docker":"%s"}\\n\' ' +
      `${shellQuote(JSON.stringify(c.node), "node name")} "$ipvs" "$vxlan" "$cgroup" ` +
      '"$memory_mib" "$docker_version"',
  );
  return `${lines.join("\n")}\n`;
};

/** Reads the script's JSON line; undefined when nothing is known yet (preview, mocks). */
export const parsePreflight = (stdout: string | undefined): PreflightReport | undefined => {
  const line = (stdout ?? "").trim().split("\n").pop();
  if (!line?.startsWith("{")) return undefined;
  return JSON.parse(line) as PreflightReport;
};

/**
 * Whether to use the routing mesh: the node's report when known, else what the kernel catalogue
 * promises (Scaleway), else what the recipe accepts.
 */
export const shouldUseMesh = (
  report: PreflightReport | undefined,
  expectedIpvs: boolean | undefined,
  routingMesh: "required" | "fallback",
): boolean => {
  if (report) return report.ipvs;
  if (expectedIpvs !== undefined) return expectedIpvs;
  return routingMesh === "required";
};
