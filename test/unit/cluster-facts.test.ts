import { describe, expect, it } from "vitest";
import { CLUSTER_RANGES, RESERVED_PORTS } from "../../engine/model/rules";
import { problemsOf } from "../helpers";

/** A recipe on this machine whose one service publishes `port` (e.g. "udp/4789"). */
const publishing = (orchestrator: "swarm" | "k3s", port: string) => {
  const [protocol, published] = port.split("/");
  return `name: t
nodes: { provider: local, memory: 4Gi }
orchestrator: { kind: ${orchestrator}${orchestrator === "swarm" ? ", routingMesh: fallback" : ""} }
apps:
  - service: { name: web, image: nginx, ports: [{ published: ${published}, target: 8080, protocol: ${protocol} }] }
`;
};

/** A Scaleway recipe whose private network is `cidr`. */
const privateNetwork = (orchestrator: "swarm" | "k3s", cidr: string) => `name: t
nodes:
  provider: scaleway
  ssh: { publicKey: { config: sshPublicKey } }
  privateNetwork: ${cidr}
${orchestrator === "k3s" ? "  type: DEV1-M\n  apiAllowFrom: [203.0.113.7/32]\n" : ""}orchestrator: { kind: ${orchestrator} }
`;

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

  /** The messages without their file, line and column. */
  const messages = (text: string) => problemsOf(text).map((p) => p.replace(/^recipes\/x\.yaml:\d+:\d+ /, ""));
  const ELSEWHERE = "(pick a private range outside it, e.g. 172.16.16.0/24)";

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
