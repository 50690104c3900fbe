/**
 * Scaleway commercial types recette knows, with the memory that feeds the capacity model.
 * Figures are Scaleway's published sizes (GiB of RAM, vCPUs).
 */
export interface NodeType {
  type: string;
  vcpus: number;
  memoryMiB: number;
}

export const NODE_TYPES: readonly NodeType[] = [
  { type: "STARDUST1-S", vcpus: 1, memoryMiB: 1024 },
  { type: "DEV1-S", vcpus: 2, memoryMiB: 2048 },
  { type: "DEV1-M", vcpus: 3, memoryMiB: 4096 },
  { type: "DEV1-L", vcpus: 4, memoryMiB: 8192 },
  { type: "DEV1-XL", vcpus: 4, memoryMiB: 12288 },
  { type: "PLAY2-PICO", vcpus: 1, memoryMiB: 2048 },
  { type: "PLAY2-NANO", vcpus: 2, memoryMiB: 4096 },
  { type: "PLAY2-MICRO", vcpus: 4, memoryMiB: 8192 },
  { type: "PRO2-XXS", vcpus: 2, memoryMiB: 8192 },
  { type: "PRO2-XS", vcpus: 4, memoryMiB: 16384 },
  { type: "GP1-XS", vcpus: 4, memoryMiB: 16384 },
];

export const findNodeType = (type: string): NodeType | undefined => NODE_TYPES.find((t) => t.type === type);
