/**
 * Resource types that hold data: replacing or deleting one loses what it holds. The preview summary
 * flags their replacements in bold and the policy pack refuses them; both read this one list.
 */
export const STATEFUL_TYPES: readonly string[] = [
  "docker:index/volume:Volume",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:core/v1:PersistentVolume",
  "scaleway:index/instanceVolume:InstanceVolume",
  "scaleway:instance/volume:Volume",
  "scaleway:index/blockVolume:BlockVolume",
  "scaleway:block/volume:Volume",
];

export const isStatefulType = (type: string): boolean => STATEFUL_TYPES.includes(type);
