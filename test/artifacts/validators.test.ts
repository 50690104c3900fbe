import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderAgentInstall, renderKubeconfig, renderNodeLabels, renderServerInstall } from "../../components/k3s";
import { renderStep } from "../../components/node";
import { renderPreflightScript } from "../../components/preflight";
import { renderBootstrapScript } from "../../components/scaleway";
import {
  renderDrainAndRemove,
  renderInit,
  renderJoin,
  renderLabels,
  renderLeave,
} from "../../components/swarm/scripts";
import { renderStack, type Artifact } from "../../engine/render";
import { ROOT } from "../helpers";
import { withTraefik } from "./traefik-binary";

// Real validators on real rendered output: cloud-init's own schema, shellcheck, smtpd -n.
// `npm test` installs them first (scripts/ensure-validators).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recette-artifacts-"));
const write = (name: string, content: string) => {
  const file = path.join(tmp, name.replace(/\//g, "_"));
  fs.writeFileSync(file, content);
  return file;
};
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });

let swarm: Artifact[];
let k3s: Artifact[];
let local: Artifact[];
beforeAll(async () => {
  swarm = (await renderStack({ root: ROOT, stack: "dev" })).artifacts;
  k3s = (await renderStack({ root: ROOT, stack: "staging", recipe: path.join(ROOT, "recipes/blog-k3s.yaml") }))
    .artifacts;
  local = (await renderStack({ root: ROOT, stack: "local" })).artifacts;
});

const pick = (artifacts: Artifact[], prefix: string) => artifacts.filter((a) => a.path.startsWith(prefix));

describe("cloud-init", () => {
  it("every rendered node passes `cloud-init schema` (Swarm and k3s)", () => {
    const nodes = [...pick(swarm, "nodes/"), ...pick(k3s, "nodes/")];
    expect(nodes.map((a) => a.path)).toEqual([
      "nodes/manager-1/cloud-init.yaml",
      "nodes/worker-1/cloud-init.yaml",
      "nodes/worker-2/cloud-init.yaml",
      "nodes/manager-1/cloud-init.yaml",
      "nodes/worker-1/cloud-init.yaml",
    ]);
    for (const a of nodes) {
      const r = run("cloud-init", ["schema", "--config-file", write(`${a.path}-${Math.random()}`, a.content)]);
      expect(r.status, `${a.path}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain("Valid cloud-config");
    }
  });

  it("a broken cloud-config is refused by the same validator (the check can fail)", () => {
    const r = run("cloud-init", [
      "schema",
      "--config-file",
      write("bad.yaml", "#cloud-config\npackages: 12\nssh_pwauth: maybe\n"),
    ]);
    expect(r.status).not.toBe(0);
  });

  it("the shell parts pass shellcheck", () => {
    for (const a of pick(swarm, "nodes/").concat(pick(k3s, "nodes/"))) {
      const doc = parse(a.content.replace(/^#cloud-config\n/, "")) as {
        write_files: { path: string; content: string }[];
      };
      const script = doc.write_files.find((f) => f.path === "/usr/local/sbin/recette-bootstrap");
      expect(script, a.path).toBeDefined();
      const r = run("shellcheck", ["--shell=bash", write(`${a.path}.sh`, script!.content)]);
      expect(r.status, r.stdout).toBe(0);
    }
  });
});

describe("shellcheck on every generated script", () => {
  // Each step is checked twice: its own script, and the wrapper that runs it with a timeout.
  const wrap = (s: string) => `#!/bin/bash\nset -euo pipefail\n${s}\n#---\n${renderStep("node-1", "step", s, 60)}\n`;
  it.each([
    [
      "preflight swarm/required",
      renderPreflightScript({
        node: "n",
        orchestrator: "swarm",
        routingMesh: "required",
        requiredMiB: 300,
        dockerVersion: "20.10",
      }),
    ],
    [
      "preflight k3s",
      renderPreflightScript({ node: "n", orchestrator: "k3s", routingMesh: "fallback", requiredMiB: 700 }),
    ],
    ["swarm init", wrap(renderInit("10.0.0.1", true))],
    ["swarm join", wrap(renderJoin("10.0.0.1"))],
    ["swarm leave", wrap(renderLeave())],
    ["swarm labels", wrap(renderLabels({ disk: "ssd", zone: "a" }))],
    ["swarm drain", wrap(renderDrainAndRemove())],
    ["k3s first server", wrap(renderServerInstall({ version: "v1.32.1+k3s1", first: true, datastore: "etcd" }))],
    [
      "k3s joining server",
      wrap(renderServerInstall({ version: "v1.32.1+k3s1", first: false, datastore: "etcd", joinAddress: "10.0.0.1" })),
    ],
    ["k3s agent", wrap(renderAgentInstall("v1.32.1+k3s1", "10.0.0.1"))],
    ["k3s kubeconfig", wrap(renderKubeconfig())],
    ["k3s node labels", wrap(renderNodeLabels({ disk: "ssd", "example.org/zone": "a" }))],
    ["k3s node labels (none)", wrap(renderNodeLabels({}))],
    ["k3s labelled agent", wrap(renderAgentInstall("v1.32.1+k3s1", "10.0.0.1", { disk: "ssd" }))],
    ["swarm labels (none)", wrap(renderLabels({}))],
    ["bootstrap swarm", renderBootstrapScript({ orchestrator: "swarm", dockerVersion: "20.10", hostname: "h" })],
  ])("%s", (name, script) => {
    const r = run("shellcheck", ["--shell=bash", write(`${name}.sh`, script)]);
    expect(r.status, r.stdout).toBe(0);
  });

  it("the repository's own scripts", () => {
    // Shell scripts: files without an extension, and *.sh (not the Go sources under scripts/offline/pulumi-standins,
    // whose standins.sh is checked through scripts/offline/pulumi.sh, which sources it).
    const scripts = ["scripts", "scripts/offline", ".ci", "test/e2e"].flatMap((d) =>
      fs
        .readdirSync(path.join(ROOT, d))
        .filter((f) => !f.includes(".") || f.endsWith(".sh"))
        .map((f) => path.join(ROOT, d, f))
        .filter((f) => fs.statSync(f).isFile()),
    );
    expect(scripts.length).toBeGreaterThan(2);
    const r = run("shellcheck", ["--shell=bash", "-x", ...scripts]);
    expect(r.status, r.stdout).toBe(0);
  });

  it("the images' scripts (each in the shell its first line names)", () => {
    const dirs = fs
      .readdirSync(path.join(ROOT, "images"))
      .map((d) => path.join(ROOT, "images", d))
      .filter((d) => fs.statSync(d).isDirectory());
    const scripts = dirs.flatMap((d) =>
      fs
        .readdirSync(d)
        .map((f) => path.join(d, f))
        .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f, "utf8").startsWith("#!/bin/")),
    );
    expect(scripts.map((f) => path.relative(ROOT, f))).toContain("images/pluxml/pluxml-serve");
    const r = run("shellcheck", scripts);
    expect(r.status, r.stdout).toBe(0);
  });
});

describe("smtpd -n", () => {
  const check = (conf: string) => {
    // The smarthost's credentials are a Docker secret at run time: point the check at a stand-in file.
    const cred = write("credentials", "relay user:password\n");
    fs.chmodSync(cred, 0o600);
    return run("smtpd", [
      "-n",
      "-f",
      write(`smtpd-${Math.random()}.conf`, conf.replace("/run/secrets/smtpd-credentials", cred)),
    ]);
  };
  it.each([
    ["smarthost (blog on Scaleway)", () => swarm],
    ["smarthost (blog on k3s)", () => k3s],
    ["mailbox (local)", () => local],
  ])("accepts the rendered smtpd.conf: %s", (_name, artifacts) => {
    const conf = artifacts().find((a) => a.path === "files/relay/smtpd.conf");
    expect(conf).toBeDefined();
    const r = check(conf!.content);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("configuration OK");
  });

  it("refuses a broken configuration (the check can fail)", () => {
    expect(check("match from any for any action nowhere\n").status).not.toBe(0);
  });
});

describe("Traefik static configuration", () => {
  // Traefik has no dry-run: start it for a few seconds on loopback ports and read what it says.
  const start = (binary: string, content: string) => {
    const file = write(`traefik-${Math.random()}.yml`, content);
    const r = spawnSync("timeout", ["5", binary, `--configFile=${file}`], { encoding: "utf8" });
    return `${r.stdout}${r.stderr}`;
  };
  const loopback = () => {
    const conf = local.find((a) => a.path === "files/traefik/traefik.yml")!.content;
    const dynamic = write("dynamic.yml", local.find((a) => a.path === "files/traefik/dynamic.yml")!.content);
    return conf
      .replace("/etc/traefik/dynamic.yml", dynamic)
      .replace(/address: :(80|443)/g, (_m, p: string) => `address: 127.0.0.1:${Number(p) + 20000}`)
      .replace("/data/acme.json", path.join(tmp, "acme.json"));
  };

  withTraefik("is loaded by the real Traefik binary: both entry points start, no configuration error", (binary) => {
    const log = start(binary, loopback());
    expect(log).toMatch(/Traefik version v3/);
    expect(log).not.toMatch(
      new RegExp(
        [
          "command traefik error",
          "field not found",
          "cannot unmarshal",
          "aliasHeadersStrategy is not configured.*entryPointName=web",
        ].join("|"),
      ),
    );
    expect(log).toMatch(/Starting provider \*file\.Provider/);
  });

  withTraefik("the same binary refuses an unknown key (the check can fail)", (binary) => {
    expect(start(binary, loopback().replace("  web:\n", "  web:\n    bogusOption: 1\n"))).toMatch(
      /command traefik error: field not found, node: bogusOption/,
    );
  });
});

it("the shellcheck binary exists (npm test installs it)", () => {
  expect(() => execFileSync("shellcheck", ["--version"])).not.toThrow();
});
