import type { ComponentObjects } from "../workload-names";

/** What decides which objects a relay has: its OpensmtpdArgs, or the recipe's opensmtpd app. */
export interface OpensmtpdSettings {
  delivery: "smarthost" | "direct" | "mailbox";
  smarthost?: { caCertificate?: unknown };
}

/**
 * The objects an OpenSMTPD workload owns, named here once: opensmtpdWorkload takes the names from this
 * declaration and recipe validation (engine/model/rules/names.ts) claims the same ones. The conditional
 * ones say when a relay has them (`when`), the same tests opensmtpdWorkload makes. No Pulumi in this module.
 */
export const OPENSMTPD_OBJECTS = {
  name: "relay",
  volumes: {
    spool: { name: "spool", what: "spool volume" },
    mail: { name: "mail", what: "mailbox volume", when: (s) => s.delivery === "mailbox" },
  },
  secrets: {
    credentials: { name: "smtpd-credentials", what: "credentials", when: (s) => s.smarthost !== undefined },
  },
  files: {
    conf: { name: "smtpd.conf", what: "smtpd.conf" },
    smarthostCa: {
      name: "smarthost-ca.pem",
      what: "smarthost CA certificate",
      when: (s) => Boolean(s.smarthost?.caCertificate),
    },
  },
} satisfies ComponentObjects<OpensmtpdSettings>;
