import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { driftOf } from "../../engine/delivery/drift";
import { parseEventLog } from "../../engine/delivery/events";
import { ROOT } from "../helpers";

const recorded = () =>
  parseEventLog(
    fs.readFileSync(path.join(ROOT, "test/unit/fixtures/engine-events/local-refresh-hand-edit.jsonl"), "utf8"),
  );

describe("drift, from a recorded refresh of the local stack after a hand edit", () => {
  it("names the edited service and the one property changed by hand, and nothing else", () => {
    expect(driftOf(recorded()).map((d) => [d.name, d.type, d.kind, d.paths])).toEqual([
      ["blog", "docker:index/service:Service", "changed", ["taskSpec.containerSpec.env.HAND_FIX"]],
    ]);
  });

  it("a second resource changed by hand is named too, each with its own property paths (the check can fail)", () => {
    const events = recorded();
    const relay = events.find((e) => e.resOutputsEvent?.metadata.urn.endsWith("docker:index/service:Service::relay"))!
      .resOutputsEvent!.metadata;
    relay.op = "update";
    relay.detailedDiff = { "taskSpec.networksAdvanceds": { diffKind: "update", inputDiff: false } };
    expect(
      driftOf(events)
        .map((d) => [d.name, d.paths])
        .sort(),
    ).toEqual([
      ["blog", ["taskSpec.containerSpec.env.HAND_FIX"]],
      ["relay", ["taskSpec.networksAdvanceds"]],
    ]);
  });

  it("a resource deleted by hand is named as deleted", () => {
    const events = recorded();
    const blog = events.find((e) => e.resOutputsEvent?.metadata.urn.endsWith("docker:index/service:Service::blog"))!;
    blog.resOutputsEvent!.metadata.op = "delete";
    expect(driftOf(events).map((d) => [d.name, d.kind])).toEqual([["blog", "deleted"]]);
  });
});
