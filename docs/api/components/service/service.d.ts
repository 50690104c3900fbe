import * as pulumi from "@pulumi/pulumi";
import { type Workload, type WorkloadTarget } from "../workload";
export interface ServiceArgs {
    target: WorkloadTarget;
    /** Everything but `name`, `image` is optional and defaults as in workloadDefaults(). */
    workload: Partial<Workload> & Pick<Workload, "name" | "image">;
}
/** Any container as a Workload: the recipe's generic `service` entry, usable by any team. */
export declare class Service extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions);
}
