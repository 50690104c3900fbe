import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installRecorder } from "../../engine/render/mocks";
import type { ClusterNode } from "../node";
import {
  noEspMessage,
  noIpvsMessage,
  parsePreflight,
  Preflight,
  renderEspProbe,
  renderPreflightScript,
  shouldUseMesh,
  type PreflightChecks,
  type PreflightReport,
} from "./index";
import { resolve } from "../../test/registrations";

const report = (ipvs: boolean): PreflightReport => ({
  node: "worker-1",
  ipvs,
  vxlan: true,
  cgroup: "v2",
  memoryMiB: 1967,
  docker: "20.10.24",
});
const LINE = '{"node":"worker-1","ipvs":true,"vxlan":true,"cgroup":"v2","memoryMiB":1967,"docker":"20.10.24"}';

describe("parsePreflight", () => {
  it.each<[string, string | undefined, PreflightReport | undefined]>([
    ["nothing (preview)", undefined, undefined],
    ["an empty answer (mocks)", "", undefined],
    ["only whitespace", "  \n\n", undefined],
    ["text that is not a report", "recette: something else", undefined],
    ["the report line", LINE, report(true)],
    ["the report line with a trailing newline", `${LINE}\n`, report(true)],
    ["module noise, then the report", `recette: module ip_vs_sh unavailable\n${LINE}`, report(true)],
    ["the report followed by text", `${LINE}\ndone`, undefined],
    ["a node without IPVS", LINE.replace('"ipvs":true', '"ipvs":false'), report(false)],
  ])("%s", (_, stdout, expected) => {
    expect(parsePreflight(stdout)).toEqual(expected);
  });
});

describe("shouldUseMesh", () => {
  it.each<[string, PreflightReport | undefined, boolean | undefined, "required" | "fallback", boolean]>([
    ["the node has IPVS, whatever was expected", report(true), false, "fallback", true],
    ["the node lacks IPVS, whatever was expected", report(false), true, "required", false],
    ["no report: the catalogue promises IPVS", undefined, true, "fallback", true],
    ["no report: the catalogue says no IPVS", undefined, false, "required", false],
    ["no report, no catalogue: the recipe requires the mesh", undefined, undefined, "required", true],
    ["no report, no catalogue: the recipe accepts the fallback", undefined, undefined, "fallback", false],
  ])("%s", (_, r, expectedIpvs, routingMesh, mesh) => {
    expect(shouldUseMesh(r, expectedIpvs, routingMesh)).toBe(mesh);
  });
});

describe("renderPreflightScript", () => {
  const checks = (over: Partial<PreflightChecks> = {}): PreflightChecks => ({
    node: "worker-1",
    orchestrator: "swarm",
    routingMesh: "required",
    requiredMiB: 900.2,
    ...over,
  });
  const ipvsFailure = `[ "$ipvs" = true ] || fail '${noIpvsMessage("worker-1").replace("'", "'\\''")}'`;

  it.each<[string, Partial<PreflightChecks>, boolean]>([
    ["swarm, mesh required", {}, true],
    ["swarm, fallback accepted", { routingMesh: "fallback" }, false],
    ["k3s, mesh required", { orchestrator: "k3s" }, false],
    ["k3s, fallback", { orchestrator: "k3s", routingMesh: "fallback" }, false],
  ])("%s: fails without IPVS → %s", (_, over, fails) => {
    const script = renderPreflightScript(checks(over));
    expect(script.split("\n").includes(ipvsFailure)).toBe(fails);
    expect(script.includes("the kernel has no IPVS")).toBe(fails);
    // IPVS is always measured and reported, even when it is not required.
    expect(script).toContain("if [ -e /proc/net/ip_vs ] || has_module ip_vs; then ipvs=true; fi");
  });

  it("names the node, the missing feature, the kernel fix and the recipe option in the IPVS message", () => {
    expect(noIpvsMessage("worker-1")).toBe(
      "recette: node worker-1: the kernel has no IPVS (ip_vs), so Swarm's routing mesh cannot work: " +
        "services would converge but published ports would refuse connections (the kernel lesson). " +
        "Fix: boot a kernel with ip_vs (nodes.kernel: default on Scaleway; see docs/kernels.md), " +
        "or accept the fallback with orchestrator.routingMesh: fallback (host-mode publishing and dnsrr endpoints).",
    );
  });

  it.each<[string, Partial<PreflightChecks>, boolean]>([
    ["swarm, encrypted overlay", { encryptedOverlay: true }, true],
    ["swarm, plain overlay", { encryptedOverlay: false }, false],
    ["swarm, default", {}, false],
    ["k3s (no Swarm overlay)", { orchestrator: "k3s", encryptedOverlay: true }, false],
  ])("%s: probes IPsec ESP and fails without it → %s", (_, over, probes) => {
    const script = renderPreflightScript(checks(over));
    expect(script.includes(renderEspProbe().join("\n"))).toBe(probes);
    expect(
      script.split("\n").includes(`[ "$esp" = true ] || fail '${noEspMessage("worker-1").replace("'", "'\\''")}'`),
    ).toBe(probes);
  });

  it(
    "runs for real: an encrypted overlay on this kernel passes exactly " +
      "when the kernel has ESP (in a network namespace of its own)",
    () => {
      const script = renderPreflightScript(checks({ encryptedOverlay: true, routingMesh: "fallback", requiredMiB: 0 }));
      const r = spawnSync("unshare", ["--net", "bash", "-c", script], { encoding: "utf8" });
      // The kernel's own answer, when it publishes its configuration (this machine's does).
      const config = fs.existsSync("/proc/config.gz")
        ? zlib.gunzipSync(fs.readFileSync("/proc/config.gz")).toString("utf8")
        : "";
      const hasEsp = /^CONFIG_INET_ESP=[ym]$/m.test(config);
      expect(config, "no /proc/config.gz: the test cannot know the kernel's answer").not.toBe("");
      if (hasEsp) expect(r.status, r.stderr).toBe(0);
      else
        expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 1, stderr: noEspMessage("worker-1") });
    },
  );

  it("checks Docker only for Swarm and the overlay filesystem only for k3s", () => {
    const s = renderPreflightScript(checks({ dockerVersion: "20.10" }));
    expect(s).toContain(
      "docker_pin=20.10\n" +
        '[ "$docker_version" != none ] || fail "recette: node $node: no ' +
        'Docker Engine answers (install docker.io $docker_pin; cloud-init does it on Scaleway)"',
    );
    expect(s).not.toContain("grep -qw overlay /proc/filesystems");
    const k = renderPreflightScript(checks({ orchestrator: "k3s" }));
    expect(k).not.toContain("no Docker Engine answers");
    expect(k).toContain(
      "grep -qw overlay /proc/filesystems || has_module overlay || " +
        'fail "recette: node $node: no overlay filesystem for containerd"',
    );
  });

  it.each([
    ["swarm", "Swarm overlay networks"],
    ["k3s", "flannel"],
  ] as const)("%s: VXLAN, cgroups and memory (rounded up) are always required", (orchestrator, vxlanUser) => {
    const s = renderPreflightScript(checks({ orchestrator }));
    expect(
      s.startsWith(
        `#!/bin/bash\n# recette preflight for node "worker-1" (${orchestrator})\nset -euo pipefail\nnode=worker-1\n`,
      ),
    ).toBe(true);
    expect(s).toContain(
      '[ "$vxlan" = true ] || fail "recette: node $node: the kernel has no VXLAN, which ' +
        `${vxlanUser} need (boot a kernel with the vxlan module; see docs/kernels.md)"`,
    );
    expect(s).toContain(
      '[ "$cgroup" != none ] || fail "recette: node $node: no cgroup ' +
        'filesystem at /sys/fs/cgroup (containers cannot be limited)"',
    );
    expect(s).toContain(
      '[ "$memory_mib" -ge 901 ] || fail "recette: node $node: ' +
        "$memory_mib MiB of RAM, the capacity model needs 901 MiB",
    );
    expect(s.trimEnd().split("\n").pop()).toBe(
      'printf \'{"node":%s,"ipvs":%s,"vxlan":%s,"cgroup":"%s","memoryMiB":%s,"docker":"%s"}\\n\' ' +
        '\'"worker-1"\' "$ipvs" "$vxlan" "$cgroup" "$memory_mib" "$docker_version"',
    );
  });
});

describe("Preflight under mocks", () => {
  const node: ClusterNode = {
    name: "worker-1",
    role: "worker",
    labels: {},
    connection: { host: "192.0.2.2", user: "root", privateKey: pulumi.secret("KEY") },
    privateAddress: "172.16.16.2",
    publicAddress: "192.0.2.2",
    dependsOn: [],
  };

  it.each<[boolean | undefined, "required" | "fallback", boolean]>([
    [undefined, "required", true],
    [undefined, "fallback", false],
    [false, "required", false],
    [true, "fallback", true],
  ])(
    "registers one preflight step; with no answer, expectedIpvs %s and %s → mesh %s",
    async (expectedIpvs, routingMesh, mesh) => {
      const { registrations, settle } = installRecorder("recette", "test");
      const checks = { orchestrator: "swarm" as const, routingMesh, requiredMiB: 512 };
      const name = `pf-${String(expectedIpvs)}-${routingMesh}`;
      const p = new Preflight(name, {
        node,
        ...checks,
        ...(expectedIpvs === undefined ? {} : { expectedIpvs }),
      });
      await settle();
      const steps = registrations.filter((r) => r.type === "command:remote:Command");
      // named after the Preflight, once `<node>-preflight`
      expect(steps.map((r) => [r.name, r.aliases])).toEqual([[`${name}-check`, ["worker-1-preflight"]]]);
      const script = renderPreflightScript({ ...checks, node: "worker-1" });
      expect(steps[0]!.inputs.triggers).toEqual([script]);
      expect(steps[0]!.inputs.create).toContain("timeout 60 ");
      expect(await resolve(p.report)).toBeUndefined();
      expect(await resolve(p.mesh)).toBe(mesh);
    },
  );
});
