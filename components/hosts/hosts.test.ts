import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { hostNodes, localNode } from ".";
import { resolve } from "../../test/registrations";

const isSecret = (v: unknown): Promise<boolean> =>
  pulumi.Output.isInstance(v) ? pulumi.isSecret(v as pulumi.Output<unknown>) : Promise.resolve(false);

describe("hostNodes", () => {
  const nodes = hostNodes({
    hosts: [
      { name: "alpha", address: "192.0.2.10", privateAddress: "10.0.0.10", user: "admin", port: 2222, role: "manager" },
      { name: "beta", address: "192.0.2.11", user: "root", port: 22, role: "worker" },
    ],
    privateKey: "mock-private-key",
    labels: { beta: { disk: "ssd" } },
  });

  it("describes each host as a node, in recipe order, with its labels", () => {
    expect(nodes.map((n) => [n.name, n.role, n.publicAddress, n.privateAddress, n.labels])).toEqual([
      ["alpha", "manager", "192.0.2.10", "10.0.0.10", {}],
      ["beta", "worker", "192.0.2.11", "192.0.2.11", { disk: "ssd" }],
    ]);
    expect(nodes.every((n) => n.dependsOn.length === 0)).toBe(true);
  });

  it("connects over SSH with bounded retries, the key kept secret", async () => {
    const c = nodes[0]!.connection!;
    expect({
      host: c.host,
      user: c.user,
      port: c.port,
      dialErrorLimit: c.dialErrorLimit,
      perDialTimeout: c.perDialTimeout,
    }).toEqual({
      host: "192.0.2.10",
      user: "admin",
      port: 2222,
      dialErrorLimit: 5,
      perDialTimeout: 10,
    });
    expect(await isSecret(c.privateKey)).toBe(true);
    expect(await resolve(c.privateKey)).toBe("mock-private-key");
  });
});

describe("localNode", () => {
  it("is this machine: no SSH connection, loopback addresses, a manager", () => {
    expect(localNode({ disk: "ssd" })).toEqual({
      name: "local",
      role: "manager",
      labels: { disk: "ssd" },
      connection: undefined,
      privateAddress: "127.0.0.1",
      publicAddress: "127.0.0.1",
      dependsOn: [],
    });
  });
});
