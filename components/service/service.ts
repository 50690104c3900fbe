import * as pulumi from "@pulumi/pulumi";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";

export interface ServiceArgs {
  target: WorkloadTarget;
  /** Everything but `name`, `image` is optional and defaults as in workloadDefaults(). */
  workload: Partial<Workload> & Pick<Workload, "name" | "image">;
}

/** Any container as a Workload: the recipe's generic `service` entry, usable by any team. */
export class Service extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:service:Service", name, {}, opts);
    const workload: Workload = { ...workloadDefaults(), ...args.workload };
    this.serviceName = args.target.deploy(workload, this).name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
