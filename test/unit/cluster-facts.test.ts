/**
 * The orchestrators' ports and address ranges are stated once, in components/cluster-facts.ts. The
 * first block pins what the engine's rules refuse, as literals (what they were before the facts moved);
 * the second proves that the security group, the scripts and the rules all read the same facts.
 */
import { describe, expect, it } from "vitest";
import {
  K3S_API,
  NODE_PORTS,
  NODE_RANGES,
  type OrchestratorKind,
  PEER_PORTS,
  portKey,
  SSH,
  SWARM_MANAGEMENT,
  SWARM_VXLAN,
} from "../../components/cluster-facts";
import { renderAgentInstall } from "../../components/k3s/scripts";
import { renderPreflightScript } from "../../components/preflight/script";
import { renderInboundRules } from "../../components/scaleway/security-group";
import { renderJoin } from "../../components/swarm/scripts";
import { CLUSTER_RANGES, RESERVED_PORTS } from "../../engine/model/rules";
import { problemsOf } from "../helpers";

const KINDS: OrchestratorKind[] = ["swarm", "k3s"];

/** A recipe on this machine whose one service publishes `port` (e.g. "udp/4789"). */
const publishing = (orchestrator: OrchestratorKind, port: string) => {
  const [protocol, published] = port.split("/");
  return `name: t
nodes: { provider: local, memory: 4Gi }
orchestrator: { kind: ${orchestrator}${orchestrator === "swarm" ? ", routingMesh: fallback" : ""} }
apps:
  - service: { name: web, image: nginx, ports: [{ published: ${published}, target: 8080, protocol: ${protocol} }] }
`;
};

/** What a k3s recipe on Scaleway needs besides: nodes k3s fits on, and its API open to one address. */
const K3S_NODES = "  type: DEV1-M\n  apiAllowFrom: [203.0.113.7/32]\n";

/** A Scaleway recipe whose private network is `cidr`. */
const privateNetwork = (orchestrator: OrchestratorKind, cidr: string) => `name: t
nodes:
  provider: scaleway
  ssh: { publicKey: { config: sshPublicKey } }
  privateNetwork: ${cidr}
${orchestrator === "k3s" ? K3S_NODES : ""}orchestrator: { kind: ${orchestrator} }
`;

/** The messages without their file, line and column. */
const messages = (text: string) => problemsOf(text).map((p) => p.replace(/^recipes\/x\.yaml:\d+:\d+ /, ""));
const ELSEWHERE = "(pick a private range outside it, e.g. 172.16.16.0/24)";

describe("the engine's tables of orchestrator facts (what the rules refuse)", () => {
  it("are the ports and ranges they always were", () => {
    expect(RESERVED_PORTS).toEqual({
      swarm: {
        "tcp/22": "SSH",
        "tcp/2377": "Swarm's cluster management",
        "tcp/7946": "Swarm's node gossip",
        "udp/7946": "Swarm's node gossip",
        "udp/4789": "Swarm's overlay (VXLAN)",
      },
      k3s: {
        "tcp/22": "SSH",
        "tcp/6443": "the Kubernetes API",
        "tcp/10250": "the kubelet",
        "udp/8472": "flannel's VXLAN",
        "tcp/2379": "etcd",
        "tcp/2380": "etcd",
      },
    });
    expect(CLUSTER_RANGES).toEqual({
      swarm: {
        "10.128.0.0/10": "recette's per-stack overlay subnets",
        "10.0.0.0/24": "Swarm's ingress network",
        "172.17.0.0/16": "Docker's bridge",
        "172.18.0.0/16": "Swarm's docker_gwbridge",
      },
      k3s: { "10.42.0.0/16": "the k3s pod network", "10.43.0.0/16": "the k3s service network" },
    });
  });

  it("word their refusals as they always did", () => {
    expect(messages(publishing("swarm", "udp/4789"))).toEqual([
      "apps[0].service.ports[0].published: port udp/4789 is Swarm's overlay (VXLAN) on the nodes " +
        "(pick another published port)",
    ]);
    expect(messages(publishing("k3s", "tcp/2380"))).toEqual([
      "apps[0].service.ports[0].published: port tcp/2380 is etcd on the nodes (pick another published port)",
    ]);
    expect(messages(privateNetwork("swarm", "10.0.0.0/8"))).toEqual([
      `nodes.privateNetwork: 10.0.0.0/8 overlaps 10.128.0.0/10, recette's per-stack overlay subnets ${ELSEWHERE}`,
      `nodes.privateNetwork: 10.0.0.0/8 overlaps 10.0.0.0/24, Swarm's ingress network ${ELSEWHERE}`,
    ]);
    expect(messages(privateNetwork("k3s", "10.43.0.0/24"))).toEqual([
      `nodes.privateNetwork: 10.43.0.0/24 overlaps 10.43.0.0/16, the k3s service network ${ELSEWHERE}`,
    ]);
  });
});

describe("one source for the orchestrators' ports and ranges (components/cluster-facts.ts)", () => {
  const PRIVATE = "172.16.16.0/24";

  it.each(KINDS)(
    "%s: the security group opens SSH, the web and exactly the peer ports to the private network",
    (kind) => {
      const apiFrom = ["203.0.113.7/32"];
      const rules = renderInboundRules(kind, "198.51.100.0/24", PRIVATE, apiFrom);
      const opened = (ipRange: string) =>
        rules
          .filter((r) => r.ipRange === ipRange)
          .map((r) => portKey({ protocol: r.protocol === "TCP" ? "tcp" : "udp", port: r.port }));
      expect(opened(PRIVATE)).toEqual(PEER_PORTS[kind].map(portKey));
      expect(opened("198.51.100.0/24")).toEqual([portKey(SSH)]);
      expect(opened("0.0.0.0/0")).toEqual(["tcp/80", "tcp/443"]);
      expect(opened("203.0.113.7/32")).toEqual(kind === "k3s" ? [portKey(K3S_API)] : []);
    },
  );

  it.each(KINDS)("%s: every port the security group opens between nodes is reserved on the nodes", (kind) => {
    const reserved = NODE_PORTS[kind].map(portKey);
    for (const p of PEER_PORTS[kind]) expect(reserved).toContain(portKey(p));
    expect(Object.keys(RESERVED_PORTS[kind]).sort()).toEqual([...reserved].sort());
  });

  const reservedPorts = KINDS.flatMap((kind) => NODE_PORTS[kind].map((p) => [kind, portKey(p), p.what] as const));
  it.each(reservedPorts)("%s: a service published on %s is refused: it is %s", (kind, key, what) => {
    expect(messages(publishing(kind, key))).toEqual([
      `apps[0].service.ports[0].published: port ${key} is ${what} on the nodes (pick another published port)`,
    ]);
  });

  const ranges = KINDS.flatMap((kind) => NODE_RANGES[kind].map((r) => [kind, r.cidr, r.what] as const));
  it.each(ranges)("%s: a private network on %s is refused: it is %s", (kind, cidr, what) => {
    expect(messages(privateNetwork(kind, cidr)).filter((m) => m.includes(" overlaps "))).toEqual([
      `nodes.privateNetwork: ${cidr} overlaps ${cidr}, ${what} ${ELSEWHERE}`,
    ]);
  });

  it("the join and install steps and the preflight use the same ports", () => {
    expect(renderJoin("10.0.0.2")).toContain(`-- 10.0.0.2:${SWARM_MANAGEMENT.port}`);
    expect(renderAgentInstall("v1.32.1+k3s1", "10.0.0.2")).toContain(`K3S_URL=https://10.0.0.2:${K3S_API.port}`);
    const preflight = renderPreflightScript({
      node: "n",
      orchestrator: "swarm",
      routingMesh: "fallback",
      requiredMiB: 1,
    });
    expect(preflight).toContain(`type vxlan id 4242 dstport ${SWARM_VXLAN.port} dev lo`);
  });
});
