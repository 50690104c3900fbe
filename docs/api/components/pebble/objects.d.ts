/**
 * The Pebble workload's name and objects (none besides itself), declared here once: pebbleWorkload and
 * recipe validation (engine/model/rules/names.ts) read the same declaration. No Pulumi in this module.
 */
export declare const PEBBLE_OBJECTS: {
    name: string;
    volumes: {};
    secrets: {};
    files: {};
};
