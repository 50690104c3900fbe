import * as pulumi from "@pulumi/pulumi";
import { type Workload, type WorkloadTarget } from "../workload";
export interface PluxmlArgs {
    target: WorkloadTarget;
    image: string;
    /** App name. Defaults to blog. */
    name?: string;
    /** Host name the blog answers on (routed by Traefik, HTTPS). */
    host: string;
    /** The port the edge serves HTTPS on, for the blog's URL. Defaults to 443. */
    httpsPort?: number;
    /** What PluXml's install form asks; the container installs the blog from it on its first start. */
    install: PluxmlInstall;
    /** The relay's host on the stack network; PHP mail() (PluXml's mails) goes there. Mail is off when undefined. */
    relayHost?: string;
    /** Size of data/ in MiB. Defaults to 1024. */
    dataSizeMiB?: number;
    replicas?: number;
    update?: Workload["update"];
    placement?: Workload["placement"];
    resources?: Workload["resources"];
}
/**
 * PluXml's install form, filled from the recipe. The image installs the blog from these values on its
 * first start into an empty data/ volume and never again: later changes are made in the admin.
 */
export interface PluxmlInstall {
    /** Site title. Defaults to PluXml. */
    title?: pulumi.Input<string>;
    /** PluXml language code (a directory of core/lang/: de en es fr it nl oc pl pt ro ru). Defaults to en. */
    locale?: string;
    /** One of PluXml's time zones (core/lib/class.plx.timezones.php). Defaults to Europe/Paris. */
    timezone?: string;
    /** The administrator's display name. */
    adminName: pulumi.Input<string>;
    /** The administrator's login. */
    adminLogin: pulumi.Input<string>;
    /** The administrator's e-mail address (lost-password mails). */
    adminEmail: pulumi.Input<string>;
    /** The administrator's password: made a Pulumi secret, mounted as the file ADMIN_PASSWORD_PATH. */
    adminPassword: pulumi.Input<string>;
    /** PluXml's sample article, page and comment. Defaults to true. */
    sampleContent?: boolean;
}
export declare const DATA_PATH = "/var/www/html/data";
/** Where the admin password is mounted (Docker secret, Kubernetes Secret); the image reads it there. */
export declare const ADMIN_PASSWORD_PATH = "/run/secrets/admin-password";
/** The install settings as the image reads them (pluxml-entrypoint); the password is a file, never a variable. */
export declare const installEnv: (install: PluxmlInstall) => Record<string, pulumi.Input<string>>;
/**
 * The PluXml Workload: Apache + PHP on port 80, data/ on a kept volume, installed from `install`, mail() wired
 * to the relay. Its volumes and secrets are named in PLUXML_OBJECTS (objects.ts).
 */
export declare const pluxmlWorkload: (a: PluxmlArgs) => Workload;
/** The PluXml blog, the same on Swarm and k3s. */
export declare class Pluxml extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    readonly url: string;
    constructor(name: string, args: PluxmlArgs, opts?: pulumi.ComponentResourceOptions);
}
