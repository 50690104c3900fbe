import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import type { DeployedWorkload, WorkloadTarget } from "../components/workload";
import type { Registration } from "../engine/render";

/** Registrations of one resource type. */
export const byType = (regs: Registration[], type: string): Registration[] => regs.filter((r) => r.type === type);

/** The single registration of a type and name; fails the test when there are none or several. */
export const one = (regs: Registration[], type: string, name: string): Registration => {
  const found = regs.filter((r) => r.type === type && r.name === name);
  expect(found, `${type}::${name}`).toHaveLength(1);
  return found[0]!;
};

/** The value inside an Output (or a plain value), for assertions. */
export const resolve = <T>(v: T): Promise<pulumi.Unwrap<T>> =>
  new Promise((ok) => pulumi.output(v).apply((x) => ok(x as pulumi.Unwrap<T>)));

/** A target that only answers questions; pure tests never deploy through it. */
export const stubTarget = (providers: Record<string, unknown> = {}): WorkloadTarget => ({
  kind: "swarm",
  deploy: (): DeployedWorkload => {
    throw new Error("not deployed in pure tests");
  },
  traefikProviders: () => providers,
  networkCidrs: () => ["10.188.129.0/24"],
  serviceHost: (logical) => `recette-test-${logical}`,
});
