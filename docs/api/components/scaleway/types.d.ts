/**
 * Scaleway commercial types recette knows, with the memory that feeds the capacity model.
 * Figures are Scaleway's published sizes (GiB of RAM, vCPUs).
 */
export interface NodeType {
    type: string;
    vcpus: number;
    memoryMiB: number;
}
export declare const NODE_TYPES: readonly NodeType[];
export declare const findNodeType: (type: string) => NodeType | undefined;
