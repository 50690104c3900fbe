import type { OptionDef } from "../define";

/** Where backup and restore find a stack's volumes. */
export const PLACE_OPTIONS: OptionDef[] = [
  { flags: "-s, --stack <name>", description: "the stack whose volumes to use", required: true },
  { flags: "--host <docker host>", description: "the Docker engine of the node holding the volumes (ssh://user@node)" },
  { flags: "--manager <docker host>", description: "the Swarm manager, when not --host" },
  { flags: "--kubeconfig <file>", description: "for a k3s stack: the cluster's kubeconfig" },
  {
    flags: "--helper-image <image>",
    description: "the image that runs tar next to the volumes (default: recette's Debian base)",
  },
];
