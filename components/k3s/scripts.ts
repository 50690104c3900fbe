/**
 * k3s install steps. Each is idempotent: it installs only when the running k3s is not the pinned
 * version, so a re-run changes nothing and a changed pin upgrades in place. Every value from the
 * recipe or a provider is one quoted argument (components/escape.ts); addresses the steps learn at
 * run time come in through the environment ($NODE_IP, $PUBLIC_IP) and are never pasted into code.
 */
import { K3S_API } from "../cluster-facts";
import { refusalReason, shellAssign, shellCommand, shellQuote, shellVar, shellWords, type ShellWord } from "../escape";
import { kubernetesLabelKeyProblem, kubernetesLabelValueProblem } from "../formats";

export const K3S_INSTALL_URL = "https://get.k3s.io";

/** The URL of a server's Kubernetes API, where agents and servers join. */
const apiUrl = (address: string) => `https://${address}:${K3S_API.port}`;

/** Node annotation listing the label keys recette set, so it removes only its own labels. */
export const LABELS_ANNOTATION = "recette.labels";

// ENVIRON, not `awk -v`: -v would interpret backslashes in the value.
const iface =
  'iface=$(ip -o -4 addr show | awk \'{split($4, a, "/"); if (a[1] == ENVIRON["NODE_IP"]) print $2}\' | head -n1)';

const installed = (version: string, unit: "k3s" | "k3s-agent") =>
  `if command -v k3s >/dev/null 2>&1 && k3s --version | ${shellCommand(["grep", "-qF", "--", version])} && ` +
  `systemctl is-active --quiet ${unit}; then exit 0; fi`;

/** The node's labels, checked against Kubernetes' grammar, sorted by key. */
/** Why each of a node's labels cannot become a Kubernetes node label (none: every one can), in key order. */
export const nodeLabelProblems = (labels: Record<string, string>): string[] =>
  Object.keys(labels)
    .sort()
    .flatMap((key) => {
      const value = labels[key]!;
      const keyProblem = kubernetesLabelKeyProblem(key);
      if (keyProblem) return [refusalReason("a Kubernetes node label", "label key", key, keyProblem)];
      const valueProblem = kubernetesLabelValueProblem(value);
      if (valueProblem) return [refusalReason("a Kubernetes node label", `value of label ${key}`, value, valueProblem)];
      return [];
    });

const checkedLabels = (labels: Record<string, string>): [string, string][] => {
  const [problem] = nodeLabelProblems(labels);
  if (problem) throw new Error(`recette: ${problem}`);
  return Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key]!]);
};

export interface ServerInstall {
  version: string;
  /** First server: initialise the cluster (--cluster-init for embedded etcd). */
  first: boolean;
  datastore: "sqlite" | "etcd";
  /** Private address of the first server, for joining servers. */
  joinAddress?: string;
  /** The node's labels from the recipe. Defaults to none. */
  labels?: Record<string, string>;
}

const continued = (lines: (string | ShellWord)[][]) => lines.map((words) => `  ${shellWords(words)}`).join(" \\\n");

const IFACE_CHECK = '[ -n "$iface" ] || { echo "no interface carries $NODE_IP" >&2; exit 1; }';

/** Installs or upgrades a k3s server. Needs $K3S_TOKEN, $NODE_IP, $PUBLIC_IP in the environment. */
export const renderServerInstall = (s: ServerInstall): string =>
  [
    installed(s.version, "k3s"),
    iface,
    IFACE_CHECK,
    `curl -sfL ${K3S_INSTALL_URL} | ${shellAssign("INSTALL_K3S_VERSION", s.version)} sh -s - server \\`,
    continued([
      ["--disable", "traefik"],
      ["--tls-san", shellVar("PUBLIC_IP")],
      ["--node-ip", shellVar("NODE_IP")],
      ["--flannel-iface", shellVar("iface")],
      ["--write-kubeconfig-mode", "0600"],
      ...(s.first
        ? s.datastore === "etcd"
          ? [["--cluster-init"]]
          : []
        : [["--server", `https://${s.joinAddress}:${K3S_API.port}`]]),
      ...checkedLabels(s.labels ?? {}).map(([k, v]) => ["--node-label", `${k}=${v}`]),
      ["--token", shellVar("K3S_TOKEN")],
    ]),
  ].join("\n");

/** Installs or upgrades a k3s agent. Needs $K3S_TOKEN and $NODE_IP. */
export const renderAgentInstall = (
  version: string,
  serverAddress: string,
  labels: Record<string, string> = {},
): string =>
  [
    installed(version, "k3s-agent"),
    iface,
    IFACE_CHECK,
    `curl -sfL ${K3S_INSTALL_URL} | ${shellAssign("INSTALL_K3S_VERSION", version)} ` +
      `${shellAssign("K3S_URL", apiUrl(serverAddress))} sh -s - agent \\`,
    continued([
      ["--node-ip", shellVar("NODE_IP")],
      ["--flannel-iface", shellVar("iface")],
      ...checkedLabels(labels).map(([k, v]) => ["--node-label", `${k}=${v}`]),
      ["--token", shellVar("K3S_TOKEN")],
    ]),
  ].join("\n");

/**
 * Prints the kubeconfig pointed at the server's public address. $PUBLIC_IP must be an address or a
 * host name: anything else could add lines to the kubeconfig. The substitution is literal (awk's
 * index/substr), so no character of the address is a regex or a replacement pattern.
 */
export const renderKubeconfig = (): string =>
  [
    'case "$PUBLIC_IP" in',
    "  ''|-*|*[!0-9A-Za-z.:-]*) echo \"recette: PUBLIC_IP is not an address or a host name\" >&2; exit 1 ;;",
    "esac",
    `awk 'BEGIN { from = "${apiUrl("127.0.0.1")}"; ip = ENVIRON["PUBLIC_IP"]; if (index(ip, ":")) ip = "[" ip "]"; ` +
      `to = "https://" ip ":${K3S_API.port}" }`,
    "  { i = index($0, from); if (i) $0 = substr($0, 1, i - 1) to substr($0, i + length(from)); print }' " +
      "/etc/rancher/k3s/k3s.yaml",
  ].join("\n");

/**
 * Run on the first server: set one node's labels exactly. The node is the one whose InternalIP is
 * $NODE_IP (its --node-ip). Only labels listed in the node's `recette.labels` annotation are ever
 * removed, so Kubernetes' and k3s's own labels (and anyone else's) stay.
 */
export const renderNodeLabels = (labels: Record<string, string>): string => {
  const pairs = checkedLabels(labels);
  const keys = pairs.map(([k]) => k);
  const kubectl = (...args: (string | ShellWord)[]) => `${shellCommand(["k3s", "kubectl", ...args])} >/dev/null`;
  const remove = kubectl("label", "node", shellVar("node"), shellVar("k", "-"));
  const annotation = shellQuote(`{.metadata.annotations.${LABELS_ANNOTATION.replace(/\./g, "\\.")}}`);
  return [
    'node=""',
    "for _ in $(seq 1 60); do",
    '  node=$(k3s kubectl get nodes -o jsonpath=\'{range .items[*]}{.metadata.name}{" "}' +
      '{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}\' |',
    // The API may not answer yet, or the node not be registered yet: both are retried.
    "    awk '{ for (i = 2; i <= NF; i++) if ($i == ENVIRON[\"NODE_IP\"]) { print $1; exit } }') || true",
    '  [ -n "$node" ] && break',
    "  sleep 2",
    "done",
    '[ -n "$node" ] || { echo "recette: no Kubernetes node has the address $NODE_IP" >&2; exit 1; }',
    `previous=$(k3s kubectl get node "$node" -o jsonpath=${annotation})`,
    "while IFS= read -r k; do",
    keys.length
      ? `  case "$k" in ''|${keys.map((k) => shellQuote(k)).join("|")}) ;; *) ${remove} ;; esac`
      : `  [ -z "$k" ] || ${remove}`,
    "done <<< \"${previous//,/$'\\n'}\"",
    ...(pairs.length
      ? [kubectl("label", "node", shellVar("node"), "--overwrite", ...pairs.map(([k, v]) => `${k}=${v}`))]
      : []),
    kubectl("annotate", "node", shellVar("node"), "--overwrite", `${LABELS_ANNOTATION}=${keys.join(",")}`),
  ].join("\n");
};

export const renderUninstall = (role: "server" | "agent"): string =>
  role === "server"
    ? "[ ! -x /usr/local/bin/k3s-uninstall.sh ] || /usr/local/bin/k3s-uninstall.sh"
    : "[ ! -x /usr/local/bin/k3s-agent-uninstall.sh ] || /usr/local/bin/k3s-agent-uninstall.sh";
