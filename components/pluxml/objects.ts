import type { ComponentObjects } from "../workload-names";

/**
 * The objects a PluXml workload owns, named here once: pluxmlWorkload takes the names from this
 * declaration and recipe validation (engine/model/rules/names.ts) claims the same ones, so a volume
 * added here is checked against every other name of the stack. No Pulumi in this module.
 */
export const PLUXML_OBJECTS = {
  name: "blog",
  volumes: { data: { name: "data", what: "data volume" } },
  secrets: { adminPassword: { name: "admin-password", what: "admin password" } },
  files: {},
} satisfies ComponentObjects;
