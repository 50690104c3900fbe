import * as docker from "@pulumi/docker";
import { describe, expect, it } from "vitest";
import { installRecorder } from "../../engine/render/mocks";
import { byType, one } from "../../test/registrations";
import { hostNodes } from "../hosts";
import * as swarm from "../swarm";
import { Pebble, pebbleWorkload, renderWaitHealthy } from "./index";

describe("Pebble on a Swarm target under mocks", () => {
  it("is healthy only once its directory port answers, and a ready step waits for that after the service", async () => {
    const { registrations, settle } = installRecorder("recette", "test");
    const provider = new docker.Provider("docker", { host: "unix:///var/run/docker.sock" });
    const target = new swarm.Target("swarm", {
      naming: { project: "recette", stack: "test", recipe: "local" },
      provider,
      mesh: false,
    });
    new Pebble("pebble", { target, image: "recette/pebble:2.4" });
    await settle();
    expect(pebbleWorkload({ target, image: "recette/pebble:2.4" }).health?.command).toEqual([
      "bash",
      "-c",
      "exec 3<>/dev/tcp/127.0.0.1/14000",
    ]);
    const ready = one(registrations, "command:local:Command", "pebble-ready");
    expect(ready.inputs.create).toBe(renderWaitHealthy("recette-test-pebble"));
    expect(ready.inputs.triggers).toEqual(["recette/pebble:2.4"]);
    expect(one(registrations, "command:local:Command", "pebble-ca").inputs.create).toBe(
      "docker run --rm --entrypoint cat recette/pebble:2.4 /etc/pebble/ca.pem",
    );
  });

  it(
    "on hosts reached over SSH, the ready step asks the manager " +
      "(Swarm knows where the task runs), not this machine",
    async () => {
      const { registrations, settle } = installRecorder("recette", "test");
      const provider = new docker.Provider("docker", { host: "ssh://root@10.0.0.2" });
      const target = new swarm.Target("swarm", {
        naming: { project: "recette", stack: "test", recipe: "lab" },
        provider,
        mesh: false,
      });
      const [manager] = hostNodes({
        hosts: [{ name: "m1", address: "10.0.0.2", user: "root", port: 22, role: "manager" }],
        privateKey: "KEY",
        labels: {},
      });
      new Pebble("pebble", { target, image: "r/pebble:2.4", manager: manager! });
      await settle();
      expect(byType(registrations, "command:local:Command").map((r) => r.name)).toEqual(["pebble-ca"]);
      const ready = one(registrations, "command:remote:Command", "pebble-ready");
      expect(ready.inputs.create).toBe(renderWaitHealthy("recette-test-pebble"));
      // The manager's connection, carrying its key: recorded as a secret as a whole.
      expect(ready.inputs.connection).toBe("[secret]");
    },
  );

  it("the wait names the service and fails after 90 tries of 2 s", () => {
    expect(renderWaitHealthy("recette-test-pebble").split("\n")).toEqual([
      "for _ in $(seq 1 90); do",
      "  if docker service ps --filter desired-state=running --format '{{.CurrentState}}' " +
        "recette-test-pebble 2>/dev/null | grep -q '^Running'; then exit 0; fi",
      "  sleep 2",
      "done",
      "echo 'recette: recette-test-pebble is not healthy after 180 s (see: docker service ps recette-test-pebble)' >&2",
      "exit 1",
    ]);
  });
});
