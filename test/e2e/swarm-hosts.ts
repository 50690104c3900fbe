import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createNetnsHosts, destroyNetnsHosts, type NetnsHostsSpec } from "../hosts/netns-hosts";

/**
 * Real hosts for a multi-node Swarm: network namespaces on one bridge (10.252.1.0/24, the bridge
 * .1), each with its own sshd and its own dockerd (test/hosts/netns-hosts.ts, shared with the lab).
 * Only these addresses are used.
 */
export interface SwarmHost {
  name: string;
  address: string;
  socket: string;
}

const spec = (count: number, stateDir: string): NetnsHostsSpec => ({
  hosts: Array.from({ length: count }, (_, i) => ({ ns: `recette-e2e-s${i + 1}`, address: `10.252.1.${i + 2}` })),
  bridge: "recette-br",
  bridgeAddress: "10.252.1.1",
  veth: "recette-s",
  stateDir,
  ruleComment: "recette-e2e-swarm",
});

export const startSwarmHosts = async (
  count: number,
): Promise<{ hosts: SwarmHost[]; privateKey: string; stop(): Promise<void> }> => {
  const s = spec(count, fs.mkdtempSync(path.join(os.tmpdir(), "recette-swarm-")));
  // Leftovers of an interrupted run (found by name: namespaces, their processes, bridge, rule).
  await destroyNetnsHosts({ ...s, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), "recette-swarm-old-")) });
  const made = await createNetnsHosts(s);
  return {
    hosts: made.hosts.map((h, i) => ({ name: `s${i + 1}`, address: h.address, socket: h.socket })),
    privateKey: fs.readFileSync(made.keyFile, "utf8"),
    stop: () => destroyNetnsHosts(s),
  };
};
