/** What decides which objects a relay has: its OpensmtpdArgs, or the recipe's opensmtpd app. */
export interface OpensmtpdSettings {
    delivery: "smarthost" | "direct" | "mailbox";
    smarthost?: {
        caCertificate?: unknown;
    };
}
/**
 * The objects an OpenSMTPD workload owns, named here once: opensmtpdWorkload takes the names from this
 * declaration and recipe validation (engine/model/rules/names.ts) claims the same ones. The conditional
 * ones say when a relay has them (`when`), the same tests opensmtpdWorkload makes. No Pulumi in this module.
 */
export declare const OPENSMTPD_OBJECTS: {
    name: string;
    volumes: {
        spool: {
            name: string;
            what: string;
        };
        mail: {
            name: string;
            what: string;
            when: (s: OpensmtpdSettings) => boolean;
        };
    };
    secrets: {
        credentials: {
            name: string;
            what: string;
            when: (s: OpensmtpdSettings) => boolean;
        };
    };
    files: {
        conf: {
            name: string;
            what: string;
        };
        smarthostCa: {
            name: string;
            what: string;
            when: (s: OpensmtpdSettings) => boolean;
        };
    };
};
