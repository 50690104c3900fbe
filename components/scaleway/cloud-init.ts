import { stringify } from "yaml";
import { shellAssign, shellCommand } from "../escape";

export interface CloudInitArgs {
  orchestrator: "swarm" | "k3s";
  /** Docker Engine version pin (Swarm), e.g. 20.10: Debian's docker.io at that version. */
  dockerVersion?: string;
  hostname: string;
}

/** Kernel modules the orchestrators need loaded at boot (IPVS for the routing mesh, VXLAN for overlays). */
export const KERNEL_MODULES = ["ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "vxlan", "overlay", "br_netfilter"];

/** The node bootstrap script cloud-init runs once; shellcheck checks it in the tests. */
export const renderBootstrapScript = (a: CloudInitArgs): string => {
  const lines = [
    "#!/bin/bash",
    "# recette node bootstrap (cloud-init runcmd). Idempotent: safe to run again.",
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    'while read -r module; do modprobe "$module" || echo "recette: module ' +
      '$module unavailable" >&2; done < /etc/modules-load.d/recette.conf',
    "sysctl --system >/dev/null",
    "systemctl reload ssh || systemctl restart ssh",
    "systemctl enable --now unattended-upgrades",
  ];
  if (a.orchestrator === "swarm") {
    const pin = a.dockerVersion ?? "20.10";
    // The pin is data: a literal prefix compared by awk (index, not a regex), read from the environment.
    lines.push(
      "apt-get update",
      shellAssign("docker_pin", pin),
      'version=$(apt-cache madison docker.io | docker_pin="$docker_pin" ' +
        "awk 'index($3, ENVIRON[\"docker_pin\"]) == 1 {print $3; exit}')",
      'if [ -z "$version" ]; then ' +
        `${shellCommand(["echo", `recette: docker.io ${pin} is not in the archive`])} >&2; exit 1; fi`,
      'apt-get install -y --no-install-recommends "docker.io=$version"',
      "apt-mark hold docker.io",
      "systemctl enable --now docker",
    );
  } else {
    lines.push("apt-get update", "apt-get install -y --no-install-recommends curl ca-certificates iptables");
  }
  return `${lines.join("\n")}\n`;
};

/** Docker's daemon.json on Swarm nodes: container logs rotated at 3 files of 10 MB. */
const DOCKER_DAEMON_JSON = { "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } };

/** The #cloud-config document for a Scaleway node. */
export const renderCloudInit = (a: CloudInitArgs): string => {
  const doc = {
    hostname: a.hostname,
    package_update: true,
    package_upgrade: false,
    packages: ["unattended-upgrades", "apt-listchanges", "iproute2", "kmod"],
    ssh_pwauth: false,
    disable_root: false,
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/90-recette.conf",
        permissions: "0644",
        content: "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n",
      },
      {
        path: "/etc/apt/apt.conf.d/20auto-upgrades",
        permissions: "0644",
        content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
      },
      { path: "/etc/modules-load.d/recette.conf", permissions: "0644", content: `${KERNEL_MODULES.join("\n")}\n` },
      {
        path: "/etc/sysctl.d/90-recette.conf",
        permissions: "0644",
        content: "net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n",
      },
      ...(a.orchestrator === "swarm"
        ? [
            {
              path: "/etc/docker/daemon.json",
              permissions: "0644",
              content: `${JSON.stringify(DOCKER_DAEMON_JSON, null, 2)}\n`,
            },
          ]
        : []),
      { path: "/usr/local/sbin/recette-bootstrap", permissions: "0755", content: renderBootstrapScript(a) },
    ],
    runcmd: [["/usr/local/sbin/recette-bootstrap"]],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
};
