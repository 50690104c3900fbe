/**
 * k3s install steps. Each is idempotent: it installs only when the running k3s is not the pinned
 * version, so a re-run changes nothing and a changed pin upgrades in place.
 */
export const K3S_INSTALL_URL = "https://get.k3s.io";

const iface = 'iface=$(ip -o -4 addr show | awk -v ip="$NODE_IP" \'{split($4, a, "/"); if (a[1] == ip) print $2}\' | head -n1)';

const installed = (version: string, unit: "k3s" | "k3s-agent") =>
  `if command -v k3s >/dev/null 2>&1 && k3s --version | grep -qF "${version}" && systemctl is-active --quiet ${unit}; then exit 0; fi`;

export interface ServerInstall {
  version: string;
  /** First server: initialise the cluster (--cluster-init for embedded etcd). */
  first: boolean;
  datastore: "sqlite" | "etcd";
  /** Private address of the first server, for joining servers. */
  joinAddress?: string;
}

/** Installs or upgrades a k3s server. Needs $K3S_TOKEN, $NODE_IP, $PUBLIC_IP in the environment. */
export const renderServerInstall = (s: ServerInstall): string =>
  [
    installed(s.version, "k3s"),
    iface,
    '[ -n "$iface" ] || { echo "no interface carries $NODE_IP" >&2; exit 1; }',
    `curl -sfL ${K3S_INSTALL_URL} | INSTALL_K3S_VERSION="${s.version}" sh -s - server \\`,
    "  --disable traefik \\",
    '  --tls-san "$PUBLIC_IP" \\',
    '  --node-ip "$NODE_IP" \\',
    '  --flannel-iface "$iface" \\',
    "  --write-kubeconfig-mode 0600 \\",
    ...(s.first ? (s.datastore === "etcd" ? ["  --cluster-init \\"] : []) : [`  --server "https://${s.joinAddress}:6443" \\`]),
    '  --token "$K3S_TOKEN"',
  ].join("\n");

/** Installs or upgrades a k3s agent. Needs $K3S_TOKEN and $NODE_IP. */
export const renderAgentInstall = (version: string, serverAddress: string): string =>
  [
    installed(version, "k3s-agent"),
    iface,
    '[ -n "$iface" ] || { echo "no interface carries $NODE_IP" >&2; exit 1; }',
    `curl -sfL ${K3S_INSTALL_URL} | INSTALL_K3S_VERSION="${version}" K3S_URL="https://${serverAddress}:6443" sh -s - agent \\`,
    '  --node-ip "$NODE_IP" \\',
    '  --flannel-iface "$iface" \\',
    '  --token "$K3S_TOKEN"',
  ].join("\n");

/** Prints the kubeconfig pointed at the server's public address. */
export const renderKubeconfig = (): string => 'sed "s#https://127.0.0.1:6443#https://$PUBLIC_IP:6443#" /etc/rancher/k3s/k3s.yaml';

export const renderUninstall = (role: "server" | "agent"): string =>
  role === "server" ? "[ ! -x /usr/local/bin/k3s-uninstall.sh ] || /usr/local/bin/k3s-uninstall.sh" : "[ ! -x /usr/local/bin/k3s-agent-uninstall.sh ] || /usr/local/bin/k3s-agent-uninstall.sh";
