import * as pulumi from "@pulumi/pulumi";
import { type Workload, type WorkloadTarget } from "../workload";
import { type ArgProblem } from "../problems";
export interface OpensmtpdArgs {
    target: WorkloadTarget;
    image: string;
    /** App name (the blog's `mail` refers to it). Defaults to relay. */
    name?: string;
    recipient: pulumi.Input<string>;
    delivery: "smarthost" | "direct" | "mailbox";
    smarthost?: {
        host: string;
        port: number;
        tls: "starttls" | "smtps";
        user: pulumi.Input<string>;
        password: pulumi.Input<string>;
        /**
         * PEM of the CA that signed the smarthost's certificate, when it is not a public CA (the relay verifies it either
         * way).
         */
        caCertificate?: pulumi.Input<string>;
    };
    /**
     * Host name the relay presents (banner, HELO to the smarthost or MX). Defaults to its service name on the stack
     * network.
     */
    hostname?: string;
    /** Publish port 25 on the nodes at this port. Not published by default. */
    publish?: number;
    replicas?: number;
    placement?: Workload["placement"];
}
/** Every problem with the arguments (the same check recipe validation runs, in components/opensmtpd/validate.ts). */
export declare const validateOpensmtpdArgs: (a: OpensmtpdArgs) => ArgProblem[];
/**
 * The OpenSMTPD Workload. Its volumes, secrets and files are named in OPENSMTPD_OBJECTS (objects.ts), whose
 * `when` conditions are the tests made here (components/objects.test.ts and engine/model/rules/names.test.ts
 * build every option).
 */
export declare const opensmtpdWorkload: (a: OpensmtpdArgs) => Workload;
/** OpenSMTPD relaying the blog's contact-form mail, never an open relay. */
export declare class Opensmtpd extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    /** Host name other workloads of the stack use to send mail. */
    readonly host: string;
    constructor(name: string, args: OpensmtpdArgs, opts?: pulumi.ComponentResourceOptions);
}
