export { checkCaCertificate, CREDENTIALS_FILE, MAILBOX_USER, renderCredentials, renderSmtpdConf, SMARTHOST_CA_FILE, type SmtpdConfigArgs, } from "./config";
export { Opensmtpd, opensmtpdWorkload, validateOpensmtpdArgs, type OpensmtpdArgs } from "./opensmtpd";
export { OPENSMTPD_OBJECTS, type OpensmtpdSettings } from "./objects";
