/**
 * smtpd.conf for a relay that only accepts mail from the stack's own network, only for the
 * configured recipient: never an open relay.
 */
export interface SmtpdConfigArgs {
    /** CIDRs allowed to send (the stack's overlay network or pod network). */
    senders: string[];
    /** The one address mail is accepted for. */
    recipient: string;
    delivery: "smarthost" | "direct" | "mailbox";
    smarthost?: {
        host: string;
        port: number;
        tls: "starttls" | "smtps";
    };
    /** Host name the relay presents in its banner and in HELO to the smarthost or the MX. */
    hostname: string;
}
export declare const CREDENTIALS_FILE = "/run/secrets/smtpd-credentials";
/**
 * The smarthost's CA, when it is not a public one: the image's entrypoint adds it to the trust store smtpd verifies
 * with.
 */
export declare const SMARTHOST_CA_FILE = "/etc/smtpd/smarthost-ca.pem";
/**
 * Why a smarthost's CA certificates cannot go to the relay (undefined: they can), with the fix: the relay
 * gets PEM CERTIFICATE blocks only, each a certificate Node's X.509 parser reads, nothing between them.
 */
export declare const caCertificateProblem: (pem: string) => string | undefined;
/** The smarthost CA certificate as smtpd reads it: its PEM blocks, or a refusal naming the problem and the fix. */
export declare const checkCaCertificate: (pem: string) => string;
export declare const MAILBOX_USER = "mailsink";
export declare const renderSmtpdConf: (a: SmtpdConfigArgs) => string;
/**
 * The credentials table line smtpd reads for `auth <secrets>` (label relay). The table is line based
 * (`label user:password`, trailing blanks trimmed): what would change the line's meaning is refused.
 * The password is never part of an error message.
 */
export declare const renderCredentials: (user: string, password: string) => string;
