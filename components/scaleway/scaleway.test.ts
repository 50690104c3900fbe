import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { installRecorder } from "../../engine/render/mocks";
import type { Naming } from "../naming";
import {
  Fleet,
  KERNELS,
  kernelKeys,
  renderBootstrapScript,
  renderCloudInit,
  renderInboundRules,
  validateFleetArgs,
  validateKernel,
  type FleetArgs,
} from "./index";
import { byType, resolve } from "../../test/registrations";

const naming: Naming = { project: "recette", stack: "test", recipe: "blog" };

const RETIRED =
  '"x86_64 mainline 4.14.23 rev1" is a retired Scaleway bootscript: Known good for Swarm in 2018 ' +
  "(published ports answered), but Scaleway retired bootscripts: use `default` (bootType local)";

describe("validateKernel", () => {
  it("the table below covers the whole catalogue", () => {
    expect(kernelKeys()).toEqual([
      "default",
      "debian-bullseye",
      "x86_64 mainline 4.14.23 rev1",
      "x86_64 4.10.8 std #1",
      "x86_64 4.10.8 docker #1",
    ]);
  });

  it.each<[string, "swarm" | "k3s", string | undefined]>([
    ["default", "swarm", undefined],
    ["default", "k3s", undefined],
    ["debian-bullseye", "swarm", undefined],
    ["debian-bullseye", "k3s", undefined],
    ["x86_64 mainline 4.14.23 rev1", "swarm", RETIRED],
    ["x86_64 mainline 4.14.23 rev1", "k3s", RETIRED],
    [
      "x86_64 4.10.8 std #1",
      "swarm",
      '"x86_64 4.10.8 std #1" is known bad for Swarm: Swarm services converge but ' +
        "published ports refuse connections: the kernel has no IPVS, so the routing " +
        "mesh cannot work (use kernel: default, which boots the image's own kernel)",
    ],
    [
      "x86_64 4.10.8 std #1",
      "k3s",
      '"x86_64 4.10.8 std #1" is a retired Scaleway bootscript: Swarm services converge but ' +
        "published ports refuse connections: the kernel has no IPVS, so the routing mesh cannot work",
    ],
    [
      "x86_64 4.10.8 docker #1",
      "swarm",
      '"x86_64 4.10.8 docker #1" is known bad for Swarm: Despite its name, ' +
        "published Swarm ports refuse connections on it: no IPVS for the " +
        "routing mesh (use kernel: default, which boots the image's own kernel)",
    ],
    [
      "x86_64 4.10.8 docker #1",
      "k3s",
      '"x86_64 4.10.8 docker #1" is a retired Scaleway bootscript: Despite its name, ' +
        "published Swarm ports refuse connections on it: no IPVS for the routing mesh",
    ],
    [
      "x86_64 5.0 custom",
      "swarm",
      '"x86_64 5.0 custom" is not in the kernel catalogue (known: default, debian-bullseye, x86_64 ' +
        "mainline 4.14.23 rev1, x86_64 4.10.8 std #1, x86_64 4.10.8 docker #1; see docs/kernels.md)",
    ],
  ])("%s for %s → %s", (key, orchestrator, message) => {
    expect(validateKernel(key, orchestrator)).toBe(message);
  });

  it("the Fleet refuses exactly the kernels recipe validation refuses, with the same message", async () => {
    const { settle } = installRecorder("recette", "test");
    for (const { key } of KERNELS)
      for (const orchestrator of ["swarm", "k3s"] as const) {
        const message = validateKernel(key, orchestrator);
        const build = () =>
          new Fleet(
            `fleet-${orchestrator}-${KERNELS.findIndex((k) => k.key === key)}`,
            fleetArgs({ kernel: key, orchestrator }),
          );
        if (message === undefined) expect(build, `${key} on ${orchestrator}`).not.toThrow();
        else
          expect(build, `${key} on ${orchestrator}`).toThrow(
            new Error(
              `recette:scaleway:Fleet fleet-${orchestrator}-${KERNELS.findIndex((k) => k.key === key)}: ${message}`,
            ),
          );
      }
    await settle();
  });
});

describe("renderInboundRules", () => {
  const publicRules = (ssh: string) => [
    { action: "accept", protocol: "TCP", port: 22, ipRange: ssh },
    { action: "accept", protocol: "TCP", port: 80, ipRange: "0.0.0.0/0" },
    { action: "accept", protocol: "TCP", port: 443, ipRange: "0.0.0.0/0" },
  ];

  it("opens 22/80/443 and the Swarm ports only from the private network", () => {
    expect(renderInboundRules("swarm", "203.0.113.0/24", "172.16.16.0/24")).toEqual([
      ...publicRules("203.0.113.0/24"),
      { action: "accept", protocol: "TCP", port: 2377, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "TCP", port: 7946, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "UDP", port: 7946, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "UDP", port: 4789, ipRange: "172.16.16.0/24" },
    ]);
  });

  it("keeps the k3s API off public addresses by default: the k3s ports only from the private network", () => {
    expect(renderInboundRules("k3s", "0.0.0.0/0", "172.16.16.0/24")).toEqual([
      ...publicRules("0.0.0.0/0"),
      { action: "accept", protocol: "TCP", port: 6443, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "UDP", port: 8472, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "TCP", port: 10250, ipRange: "172.16.16.0/24" },
    ]);
  });

  it("opens the k3s API only to the listed CIDRs, never the SSH range", () => {
    expect(renderInboundRules("k3s", "0.0.0.0/0", "172.16.16.0/24", ["198.51.100.7/32", "203.0.113.0/24"])).toEqual([
      ...publicRules("0.0.0.0/0"),
      { action: "accept", protocol: "TCP", port: 6443, ipRange: "198.51.100.7/32" },
      { action: "accept", protocol: "TCP", port: 6443, ipRange: "203.0.113.0/24" },
      { action: "accept", protocol: "TCP", port: 6443, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "UDP", port: 8472, ipRange: "172.16.16.0/24" },
      { action: "accept", protocol: "TCP", port: 10250, ipRange: "172.16.16.0/24" },
    ]);
  });
});

describe("renderCloudInit", () => {
  type WriteFile = { path: string; permissions: string; content: string };
  const doc = (orchestrator: "swarm" | "k3s", dockerVersion?: string) => {
    const text = renderCloudInit({
      orchestrator,
      hostname: "recette-test-manager-1",
      ...(dockerVersion ? { dockerVersion } : {}),
    });
    return { text, doc: parse(text) as { write_files: WriteFile[] } & Record<string, unknown> };
  };
  const file = (d: { write_files: WriteFile[] }, path: string) => d.write_files.find((f) => f.path === path);

  it.each(["swarm", "k3s"] as const)("%s: a #cloud-config document that parses as YAML", (orchestrator) => {
    const { text, doc: d } = doc(orchestrator);
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(d).toMatchObject({
      hostname: "recette-test-manager-1",
      package_update: true,
      package_upgrade: false,
      packages: ["unattended-upgrades", "apt-listchanges", "iproute2", "kmod"],
      ssh_pwauth: false,
      runcmd: [["/usr/local/sbin/recette-bootstrap"]],
    });
  });

  it.each(["swarm", "k3s"] as const)(
    "%s: SSH takes keys only, modules load at boot, forwarding is on",
    (orchestrator) => {
      const { doc: d } = doc(orchestrator);
      expect(file(d, "/etc/ssh/sshd_config.d/90-recette.conf")).toEqual({
        path: "/etc/ssh/sshd_config.d/90-recette.conf",
        permissions: "0644",
        content: "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n",
      });
      expect(file(d, "/etc/modules-load.d/recette.conf")).toEqual({
        path: "/etc/modules-load.d/recette.conf",
        permissions: "0644",
        content: "ip_vs\nip_vs_rr\nip_vs_wrr\nip_vs_sh\nvxlan\noverlay\nbr_netfilter\n",
      });
      expect(file(d, "/etc/sysctl.d/90-recette.conf")?.content).toBe(
        "net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n",
      );
      expect(file(d, "/usr/local/sbin/recette-bootstrap")).toEqual({
        path: "/usr/local/sbin/recette-bootstrap",
        permissions: "0755",
        content: renderBootstrapScript({ orchestrator, hostname: "recette-test-manager-1" }),
      });
    },
  );

  it("swarm: pins and holds Debian's docker.io at the requested version, with log rotation", () => {
    const { doc: d } = doc("swarm");
    const script = file(d, "/usr/local/sbin/recette-bootstrap")!.content;
    expect(script).toContain(
      "docker_pin=20.10\n" +
        'version=$(apt-cache madison docker.io | docker_pin="$docker_pin" ' +
        "awk 'index($3, ENVIRON[\"docker_pin\"]) == 1 {print $3; exit}')",
    );
    expect(script).toContain('apt-get install -y --no-install-recommends "docker.io=$version"');
    expect(script).toContain("apt-mark hold docker.io");
    expect(JSON.parse(file(d, "/etc/docker/daemon.json")!.content)).toEqual({
      "log-driver": "json-file",
      "log-opts": { "max-size": "10m", "max-file": "3" },
    });
    const pinned = file(doc("swarm", "24.0").doc, "/usr/local/sbin/recette-bootstrap")!.content;
    expect(pinned).toContain("docker_pin=24.0\n");
    expect(pinned).toContain("echo 'recette: docker.io 24.0 is not in the archive' >&2; exit 1");
  });

  // The version lines of the script, run by bash against a stand-in `apt-cache madison`.
  const pick = (pin: string) => {
    const script = renderBootstrapScript({ orchestrator: "swarm", dockerVersion: pin, hostname: "h" });
    const lines = script.split("\n");
    const from = lines.findIndex((l) => l.startsWith("docker_pin="));
    const madison =
      "apt-cache() { printf ' docker.io | %s | http://deb.debian.org/debian " +
      "bookworm/main amd64 Packages\\n' 20.10.24+dfsg1-1 24.0.7-1; }";
    const body = [madison, ...lines.slice(from, from + 3), 'printf "%s" "$version"'].join("\n");
    return spawnSync("bash", ["-euo", "pipefail", "-c", body], { encoding: "utf8" });
  };
  it.each([
    ["20.10", 0, "20.10.24+dfsg1-1", ""],
    ["24.0", 0, "24.0.7-1", ""],
    // A prefix, not a regex: '.' matches only a dot, and nothing of the pin is awk or shell code.
    ["2.", 1, "", "recette: docker.io 2. is not in the archive\n"],
    ['20/ {system("echo pwned")} /', 1, "", 'recette: docker.io 20/ {system("echo pwned")} / is not in the archive\n'],
    ["$(echo pwned)", 1, "", "recette: docker.io $(echo pwned) is not in the archive\n"],
  ])("the pin %j selects by literal prefix → exit %i, %j", (pin, status, stdout, stderr) => {
    const r = pick(pin);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status, stdout, stderr });
  });

  it("k3s: no docker.io and no daemon.json", () => {
    const { text, doc: d } = doc("k3s");
    expect(text).not.toContain("docker.io");
    expect(file(d, "/etc/docker/daemon.json")).toBeUndefined();
    expect(file(d, "/usr/local/sbin/recette-bootstrap")!.content).toContain(
      "apt-get install -y --no-install-recommends curl ca-certificates iptables",
    );
    expect(d.write_files.map((f) => f.path)).toEqual([
      "/etc/ssh/sshd_config.d/90-recette.conf",
      "/etc/apt/apt.conf.d/20auto-upgrades",
      "/etc/modules-load.d/recette.conf",
      "/etc/sysctl.d/90-recette.conf",
      "/usr/local/sbin/recette-bootstrap",
    ]);
  });
});

const fleetArgs = (over: Partial<FleetArgs> = {}): FleetArgs => ({
  naming,
  zone: "fr-par-1",
  type: "DEV1-S",
  managers: 1,
  workers: 2,
  orchestrator: "swarm",
  rootVolumeGb: 20,
  privateCidr: "172.16.16.0/24",
  sshPublicKey: "ssh-ed25519 AAAAC3Nz recette",
  sshPrivateKey: pulumi.secret("mock-private-key"),
  labels: { "worker-1": { disk: "ssd" } },
  ...over,
});

describe("validateFleetArgs", () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ["default", undefined],
    ["debian-bullseye", undefined],
    [
      "nope",
      '"nope" is not in the kernel catalogue (known: default, debian-bullseye, x86_64 mainline ' +
        "4.14.23 rev1, x86_64 4.10.8 std #1, x86_64 4.10.8 docker #1; see docs/kernels.md)",
    ],
    [
      "x86_64 mainline 4.14.23 rev1",
      '"x86_64 mainline 4.14.23 rev1" is a retired Scaleway bootscript: Known good for Swarm in 2018 ' +
        "(published ports answered), but Scaleway retired bootscripts: use `default` (bootType local)",
    ],
    [
      "x86_64 4.10.8 std #1",
      '"x86_64 4.10.8 std #1" is known bad for Swarm: Swarm services converge but ' +
        "published ports refuse connections: the kernel has no IPVS, so the routing " +
        "mesh cannot work (use kernel: default, which boots the image's own kernel)",
    ],
  ])("kernel %s → %s", (kernel, message) => {
    expect(validateFleetArgs(fleetArgs(kernel === undefined ? {} : { kernel }))).toBe(message);
  });
});

describe("Fleet under mocks", () => {
  const SERVER = "scaleway:instance/server:Server";
  const TAGS = ["recette.stack=recette-test", "recette.recipe=blog"];

  it("creates one security group, one private network, one key, and per node an IP, a server and a NIC", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Fleet("nodes", fleetArgs());
    await settle();
    expect(registrations.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "recette:scaleway:Fleet::nodes",
      "scaleway:iam/sshKey:SshKey::nodes-key",
      "scaleway:instance/ip:Ip::nodes-manager-1-ip",
      "scaleway:instance/ip:Ip::nodes-worker-1-ip",
      "scaleway:instance/ip:Ip::nodes-worker-2-ip",
      "scaleway:instance/privateNic:PrivateNic::nodes-manager-1-nic",
      "scaleway:instance/privateNic:PrivateNic::nodes-worker-1-nic",
      "scaleway:instance/privateNic:PrivateNic::nodes-worker-2-nic",
      "scaleway:instance/securityGroup:SecurityGroup::nodes-sg",
      "scaleway:instance/server:Server::nodes-manager-1",
      "scaleway:instance/server:Server::nodes-worker-1",
      "scaleway:instance/server:Server::nodes-worker-2",
      "scaleway:network/privateNetwork:PrivateNetwork::nodes-pn",
    ]);
    for (const r of registrations.filter((x) => x.custom)) expect(r.parent).toBe("recette:scaleway:Fleet::nodes");
    // Each node's resources keep the name they had before their names derived from the Fleet's.
    expect(
      Object.fromEntries(registrations.filter((r) => r.name.includes("manager-1")).map((r) => [r.name, r.aliases])),
    ).toEqual({
      "nodes-manager-1-ip": ["manager-1-ip"],
      "nodes-manager-1": ["manager-1"],
      "nodes-manager-1-nic": ["manager-1-nic"],
    });
  });

  it("names servers after the stack and boots them locally from the catalogue image with cloud-init", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Fleet("nodes", fleetArgs({ managers: 3, workers: 1 }));
    await settle();
    const servers = byType(registrations, SERVER);
    expect(servers.map((s) => s.inputs.name).sort()).toEqual([
      "recette-test-manager-1",
      "recette-test-manager-2",
      "recette-test-manager-3",
      "recette-test-worker-1",
    ]);
    const manager = servers.find((s) => s.name === "nodes-manager-1")!;
    expect(manager.inputs).toEqual({
      name: "recette-test-manager-1",
      zone: "fr-par-1",
      type: "DEV1-S",
      bootType: "local",
      image: "debian_bookworm",
      ipId: "manager-1-ip-id",
      securityGroupId: "nodes-sg-id",
      rootVolume: { sizeInGb: 20, deleteOnTermination: true },
      userData: { "cloud-init": renderCloudInit({ orchestrator: "swarm", hostname: "recette-test-manager-1" }) },
      tags: [...TAGS, "recette.role=manager"],
    });
    expect(servers.find((s) => s.name === "nodes-worker-1")!.inputs.tags).toEqual([...TAGS, "recette.role=worker"]);
  });

  it("boots the caller's image and the bullseye entry's image", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Fleet("a", fleetArgs({ managers: 1, workers: 0, image: "ubuntu_noble", naming: { ...naming, recipe: "a" } }));
    await settle();
    expect(byType(registrations, SERVER).map((s) => [s.inputs.bootType, s.inputs.image])).toEqual([
      ["local", "ubuntu_noble"],
    ]);
    const second = installRecorder("recette", "test");
    new Fleet("b", fleetArgs({ managers: 1, workers: 0, kernel: "debian-bullseye", orchestrator: "k3s" }));
    await second.settle();
    const server = byType(second.registrations, SERVER)[0]!;
    expect([server.inputs.bootType, server.inputs.image]).toEqual(["local", "debian_bullseye"]);
    expect((server.inputs.userData as Record<string, string>)["cloud-init"]).not.toContain("docker.io");
  });

  it("drops inbound traffic by default and opens only the orchestrator's rules", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Fleet("nodes", fleetArgs({ orchestrator: "k3s", sshAllowFrom: "203.0.113.7/32" }));
    await settle();
    const groups = byType(registrations, "scaleway:instance/securityGroup:SecurityGroup");
    expect(groups).toHaveLength(1);
    expect(groups[0]!.inputs).toEqual({
      name: "recette-test-nodes",
      zone: "fr-par-1",
      inboundDefaultPolicy: "drop",
      outboundDefaultPolicy: "accept",
      stateful: true,
      inboundRules: renderInboundRules("k3s", "203.0.113.7/32", "172.16.16.0/24"),
      tags: TAGS,
    });
  });

  it("puts every node on the one private network through its own NIC", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const fleet = new Fleet("nodes", fleetArgs());
    await settle();
    const networks = byType(registrations, "scaleway:network/privateNetwork:PrivateNetwork");
    expect(networks.map((n) => n.inputs)).toEqual([
      { name: "recette-test-private", region: "fr-par", ipv4Subnet: { subnet: "172.16.16.0/24" }, tags: TAGS },
    ]);
    const nics = byType(registrations, "scaleway:instance/privateNic:PrivateNic");
    expect(nics.map((n) => n.inputs).sort((a, b) => String(a.serverId).localeCompare(String(b.serverId)))).toEqual(
      ["manager-1", "worker-1", "worker-2"].map((node) => ({
        zone: "fr-par-1",
        serverId: `${node}-id`,
        privateNetworkId: "nodes-pn-id",
        tags: TAGS,
      })),
    );
    // The mock NIC answers an IPv4 address, which becomes the node's private address.
    for (const node of fleet.nodes) expect(await resolve(node.privateAddress)).toMatch(/^172\.16\.16\.\d+$/);
  });

  it("creates the private network in the recipe zone's region", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    new Fleet("nodes", fleetArgs({ zone: "nl-ams-1" }));
    await settle();
    expect(byType(registrations, "scaleway:network/privateNetwork:PrivateNetwork")[0]!.inputs.region).toBe("nl-ams");
  });

  it("describes the nodes: names, roles, labels, addresses, and an SSH connection whose key stays secret", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const fleet = new Fleet("nodes", fleetArgs());
    await settle();
    expect(fleet.nodes.map((n) => [n.name, n.role, n.labels])).toEqual([
      ["manager-1", "manager", {}],
      ["worker-1", "worker", { disk: "ssd" }],
      ["worker-2", "worker", {}],
    ]);
    const connection = fleet.nodes[0]!.connection!;
    expect(await pulumi.isSecret(pulumi.output(connection.privateKey))).toBe(true);
    expect(await resolve(connection.privateKey)).toBe("mock-private-key");
    expect(await resolve(connection.host)).toBe(await resolve(fleet.publicIps["manager-1"]!));
    expect(await resolve(connection.host)).toMatch(/^192\.0\.2\.\d+$/);
    expect(connection.user).toBe("root");
    expect(await resolve(fleet.nodes[0]!.publicAddress)).toBe(await resolve(connection.host));
    expect(fleet.nodes[0]!.dependsOn).toHaveLength(2);
    expect(JSON.stringify(registrations)).not.toContain("mock-private-key");
    expect(byType(registrations, "scaleway:iam/sshKey:SshKey")[0]!.inputs).toEqual({
      name: "recette-test-bootstrap",
      publicKey: "ssh-ed25519 AAAAC3Nz recette",
    });
  });

  it("keeps the key secret even when the caller passes it as plain text", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const fleet = new Fleet("plain", fleetArgs({ sshPrivateKey: "PLAIN-KEY", managers: 1, workers: 0 }));
    await settle();
    expect(await pulumi.isSecret(pulumi.output(fleet.nodes[0]!.connection!.privateKey))).toBe(true);
    expect(JSON.stringify(registrations)).not.toContain("PLAIN-KEY");
  });

  it("refuses a bad kernel before creating anything", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    expect(() => new Fleet("bad", fleetArgs({ kernel: "x86_64 4.10.8 docker #1" }))).toThrow(
      new Error(
        'recette:scaleway:Fleet bad: "x86_64 4.10.8 docker #1" is known bad for Swarm: ' +
          "Despite its name, published Swarm ports refuse connections on it: no IPVS for " +
          "the routing mesh (use kernel: default, which boots the image's own kernel)",
      ),
    );
    await settle();
    expect(registrations.map((r) => r.type)).toEqual(["recette:scaleway:Fleet"]);
  });
});
