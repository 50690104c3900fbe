export { CREDENTIALS_FILE, MAILBOX_USER, renderCredentials, renderSmtpdConf, type SmtpdConfigArgs } from "./config";
export { Opensmtpd, opensmtpdWorkload, validateOpensmtpdArgs, type OpensmtpdArgs } from "./opensmtpd";
