/**
 * The objects a PluXml workload owns, named here once: pluxmlWorkload takes the names from this
 * declaration and recipe validation (engine/model/rules/names.ts) claims the same ones, so a volume
 * added here is checked against every other name of the stack. No Pulumi in this module.
 */
export declare const PLUXML_OBJECTS: {
    name: string;
    volumes: {
        data: {
            name: string;
            what: string;
        };
    };
    secrets: {
        adminPassword: {
            name: string;
            what: string;
        };
    };
    files: {};
};
