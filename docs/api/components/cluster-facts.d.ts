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
export declare const portKey: (p: Pick<NodePort, "protocol" | "port">) => string;
/** SSH, which every step on a node runs through (a host of `provider: hosts` may move it: its `port`). */
export declare const SSH: NodePort;
/** Managers listen here; a node joins the swarm at `<manager>:2377`. */
export declare const SWARM_MANAGEMENT: NodePort;
/** Node discovery, over TCP and UDP. */
export declare const SWARM_GOSSIP_TCP: NodePort;
export declare const SWARM_GOSSIP_UDP: NodePort;
/** The overlay networks' traffic between nodes: VXLAN on its IANA port. */
export declare const SWARM_VXLAN: NodePort;
/** Every Swarm port; the nodes reach each other on all of them (the security group's order). */
export declare const SWARM_PORTS: readonly NodePort[];
/**
 * The pool each stack's overlay subnet is cut from: one /24 per stack, picked from the stack's name
 * (components/naming.ts stackSubnet), so two stacks on one swarm get different subnets.
 */
export declare const STACK_SUBNETS: AddressRange;
/** The routing mesh's network, Swarm's default. */
export declare const SWARM_INGRESS: AddressRange;
/** docker0, Docker's default bridge. */
export declare const DOCKER_BRIDGE: AddressRange;
/** The bridge joining a node's containers to its overlays (Docker takes the range after docker0's). */
export declare const DOCKER_GWBRIDGE: AddressRange;
/** Every range Swarm uses on a node. */
export declare const SWARM_RANGES: readonly AddressRange[];
/** The Kubernetes API on the servers; agents join at `https://<server>:6443`, kubectl and Pulumi use it. */
export declare const K3S_API: NodePort;
/** Pod traffic between nodes: flannel's VXLAN backend. */
export declare const FLANNEL_VXLAN: NodePort;
/** Every node's kubelet (logs, exec, metrics). */
export declare const KUBELET: NodePort;
/** Embedded etcd on the servers (datastore: etcd): its clients, and the other servers. */
export declare const ETCD_CLIENT: NodePort;
export declare const ETCD_PEER: NodePort;
/**
 * The k3s ports the security group opens to the private network, in its order. Embedded etcd's ports
 * are not among them: the security group does not open them (they are still reserved, K3S_PORTS).
 */
export declare const K3S_PEER_PORTS: readonly NodePort[];
/** Every k3s port. */
export declare const K3S_PORTS: readonly NodePort[];
/** Pod addresses, k3s's default (`--cluster-cidr`). */
export declare const K3S_POD_NETWORK: AddressRange;
/** Service addresses, k3s's default (`--service-cidr`). */
export declare const K3S_SERVICE_NETWORK: AddressRange;
/** The cluster DNS, at its conventional address in the service network (k3s's `--cluster-dns`). */
export declare const K3S_CLUSTER_DNS = "10.43.0.10";
/** Every range k3s uses on a node. */
export declare const K3S_RANGES: readonly AddressRange[];
/** Every port a node listens on: a service published there would break SSH or the cluster. */
export declare const NODE_PORTS: Record<OrchestratorKind, readonly NodePort[]>;
/** The ports the nodes reach each other on, opened to the private network by the security group. */
export declare const PEER_PORTS: Record<OrchestratorKind, readonly NodePort[]>;
/** Every range the orchestrator uses on a node: the private network must not overlap them. */
export declare const NODE_RANGES: Record<OrchestratorKind, readonly AddressRange[]>;
/**
 * The local Kubernetes cluster node's address (`nodes.provider: local`), where its LoadBalancer Services
 * (Traefik's 80 and 443) listen: not the loopback address the node reports (scripts/kubernetes/cluster.sh,
 * $RECETTE_K8S_NODE_IP).
 */
export declare const localClusterAddress: (env?: NodeJS.ProcessEnv) => string;
