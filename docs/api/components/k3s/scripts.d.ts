export declare const K3S_INSTALL_URL = "https://get.k3s.io";
/** Node annotation listing the label keys recette set, so it removes only its own labels. */
export declare const LABELS_ANNOTATION = "recette.labels";
/** The node's labels, checked against Kubernetes' grammar, sorted by key. */
/** Why each of a node's labels cannot become a Kubernetes node label (none: every one can), in key order. */
export declare const nodeLabelProblems: (labels: Record<string, string>) => string[];
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
/** Installs or upgrades a k3s server. Needs $K3S_TOKEN, $NODE_IP, $PUBLIC_IP in the environment. */
export declare const renderServerInstall: (s: ServerInstall) => string;
/** Installs or upgrades a k3s agent. Needs $K3S_TOKEN and $NODE_IP. */
export declare const renderAgentInstall: (version: string, serverAddress: string, labels?: Record<string, string>) => string;
/**
 * Prints the kubeconfig pointed at the server's public address. $PUBLIC_IP must be an address or a
 * host name: anything else could add lines to the kubeconfig. The substitution is literal (awk's
 * index/substr), so no character of the address is a regex or a replacement pattern.
 */
export declare const renderKubeconfig: () => string;
/**
 * Run on the first server: set one node's labels exactly. The node is the one whose InternalIP is
 * $NODE_IP (its --node-ip). Only labels listed in the node's `recette.labels` annotation are ever
 * removed, so Kubernetes' and k3s's own labels (and anyone else's) stay.
 */
export declare const renderNodeLabels: (labels: Record<string, string>) => string;
export declare const renderUninstall: (role: "server" | "agent") => string;
