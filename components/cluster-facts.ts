/**
 * The ports and address ranges the orchestrators use on every node, stated once. Everything else reads
 * them from here: the Scaleway security group (which ports the nodes open to each other), the Swarm
 * join and k3s install scripts (where a node finds the cluster), the preflight (the VXLAN check), the
 * relay's default senders, and the recipe rules that refuse a published port or a private network that
 * would collide with the cluster (engine/model/rules: RESERVED_PORTS, CLUSTER_RANGES).
 *
 * Each fact carries the words the rules' messages use for it ("port tcp/2377 is Swarm's cluster
 * management on the nodes"), so changing a description changes those messages.
 */

/** The orchestrators recette runs. */
export type OrchestratorKind = "swarm" | "k3s";

/** A port a node listens on. */
export interface NodePort {
  protocol: "tcp" | "udp";
  port: number;
  /** What listens there, as a message names it: "the kubelet". */
  what: string;
}

/** An address range the orchestrator uses on every node. */
export interface AddressRange {
  cidr: string;
  /** What uses it, as a message names it: "the k3s pod network". */
  what: string;
}

/** `tcp/2377`: how recipes and messages write a port (a service's `protocol/published`). */
export const portKey = (p: Pick<NodePort, "protocol" | "port">): string => `${p.protocol}/${p.port}`;

// Every node, whatever the orchestrator.

/** SSH, which every step on a node runs through (a host of `provider: hosts` may move it: its `port`). */
export const SSH: NodePort = { protocol: "tcp", port: 22, what: "SSH" };

// Docker Swarm (https://docs.docker.com/engine/swarm/swarm-tutorial/#open-protocols-and-ports-between-the-hosts).

/** Managers listen here; a node joins the swarm at `<manager>:2377`. */
export const SWARM_MANAGEMENT: NodePort = { protocol: "tcp", port: 2377, what: "Swarm's cluster management" };
/** Node discovery, over TCP and UDP. */
export const SWARM_GOSSIP_TCP: NodePort = { protocol: "tcp", port: 7946, what: "Swarm's node gossip" };
export const SWARM_GOSSIP_UDP: NodePort = { protocol: "udp", port: 7946, what: "Swarm's node gossip" };
/** The overlay networks' traffic between nodes: VXLAN on its IANA port. */
export const SWARM_VXLAN: NodePort = { protocol: "udp", port: 4789, what: "Swarm's overlay (VXLAN)" };

/** Every Swarm port; the nodes reach each other on all of them (the security group's order). */
export const SWARM_PORTS: readonly NodePort[] = [SWARM_MANAGEMENT, SWARM_GOSSIP_TCP, SWARM_GOSSIP_UDP, SWARM_VXLAN];

/**
 * The pool each stack's overlay subnet is cut from: one /24 per stack, picked from the stack's name
 * (components/naming.ts stackSubnet), so two stacks on one swarm get different subnets.
 */
export const STACK_SUBNETS: AddressRange = { cidr: "10.128.0.0/10", what: "recette's per-stack overlay subnets" };
/** The routing mesh's network, Swarm's default. */
export const SWARM_INGRESS: AddressRange = { cidr: "10.0.0.0/24", what: "Swarm's ingress network" };
/** docker0, Docker's default bridge. */
export const DOCKER_BRIDGE: AddressRange = { cidr: "172.17.0.0/16", what: "Docker's bridge" };
/** The bridge joining a node's containers to its overlays (Docker takes the range after docker0's). */
export const DOCKER_GWBRIDGE: AddressRange = { cidr: "172.18.0.0/16", what: "Swarm's docker_gwbridge" };

/** Every range Swarm uses on a node. */
export const SWARM_RANGES: readonly AddressRange[] = [STACK_SUBNETS, SWARM_INGRESS, DOCKER_BRIDGE, DOCKER_GWBRIDGE];

// k3s (https://docs.k3s.io/installation/requirements#inbound-rules-for-k3s-nodes).

/** The Kubernetes API on the servers; agents join at `https://<server>:6443`, kubectl and Pulumi use it. */
export const K3S_API: NodePort = { protocol: "tcp", port: 6443, what: "the Kubernetes API" };
/** Pod traffic between nodes: flannel's VXLAN backend. */
export const FLANNEL_VXLAN: NodePort = { protocol: "udp", port: 8472, what: "flannel's VXLAN" };
/** Every node's kubelet (logs, exec, metrics). */
export const KUBELET: NodePort = { protocol: "tcp", port: 10250, what: "the kubelet" };
/** Embedded etcd on the servers (datastore: etcd): its clients, and the other servers. */
export const ETCD_CLIENT: NodePort = { protocol: "tcp", port: 2379, what: "etcd" };
export const ETCD_PEER: NodePort = { protocol: "tcp", port: 2380, what: "etcd" };

/**
 * The k3s ports the security group opens to the private network, in its order. Embedded etcd's ports
 * are not among them: the security group does not open them (they are still reserved, K3S_PORTS).
 */
export const K3S_PEER_PORTS: readonly NodePort[] = [K3S_API, FLANNEL_VXLAN, KUBELET];
/** Every k3s port. */
export const K3S_PORTS: readonly NodePort[] = [...K3S_PEER_PORTS, ETCD_CLIENT, ETCD_PEER];

/** Pod addresses, k3s's default (`--cluster-cidr`). */
export const K3S_POD_NETWORK: AddressRange = { cidr: "10.42.0.0/16", what: "the k3s pod network" };
/** Service addresses, k3s's default (`--service-cidr`). */
export const K3S_SERVICE_NETWORK: AddressRange = { cidr: "10.43.0.0/16", what: "the k3s service network" };
/** The cluster DNS, at its conventional address in the service network (k3s's `--cluster-dns`). */
export const K3S_CLUSTER_DNS = "10.43.0.10";

/** Every range k3s uses on a node. */
export const K3S_RANGES: readonly AddressRange[] = [K3S_POD_NETWORK, K3S_SERVICE_NETWORK];

// By orchestrator.

/** Every port a node listens on: a service published there would break SSH or the cluster. */
export const NODE_PORTS: Record<OrchestratorKind, readonly NodePort[]> = {
  swarm: [SSH, ...SWARM_PORTS],
  k3s: [SSH, ...K3S_PORTS],
};

/** The ports the nodes reach each other on, opened to the private network by the security group. */
export const PEER_PORTS: Record<OrchestratorKind, readonly NodePort[]> = {
  swarm: SWARM_PORTS,
  k3s: K3S_PEER_PORTS,
};

/** Every range the orchestrator uses on a node: the private network must not overlap them. */
export const NODE_RANGES: Record<OrchestratorKind, readonly AddressRange[]> = {
  swarm: SWARM_RANGES,
  k3s: K3S_RANGES,
};

/**
 * The local Kubernetes cluster node's address (`nodes.provider: local`), where its LoadBalancer Services
 * (Traefik's 80 and 443) listen: not the loopback address the node reports (scripts/kubernetes/cluster.sh,
 * $RECETTE_K8S_NODE_IP).
 */
export const localClusterAddress = (env: NodeJS.ProcessEnv = process.env): string =>
  env.RECETTE_K8S_NODE_IP || "10.41.0.1";
