import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultHelperImage } from "../../engine/cli/volumes";
import { LOCAL_MINIMAL, ROOT, tempRecipe } from "../helpers";

const recette = (...args: string[]) =>
  spawnSync(path.join(ROOT, "bin", "recette"), args, { cwd: ROOT, encoding: "utf8" });

describe("recette CLI", () => {
  it("validate exits 0 on a good recipe", () => {
    const r = recette("validate", "recipes/blog.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("recipes/blog.yaml: valid recipe blog (swarm on scaleway, 3 apps)\n");
  });

  it("validate exits 1 with every error on stderr", () => {
    const file = tempRecipe(`${LOCAL_MINIMAL}colour: blue\napps:\n  - service: { name: Web, image: nginx }\n`);
    const r = recette("validate", file);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      `${file}:4:1 colour: unknown key "colour" (allowed here: name, description, nodes, orchestrator, edge, apps)`,
      `${file}:6:22 apps[0].service.name: "Web" is not a valid name (lower-case ` +
        "letters, digits and -, starting with a letter, at most 32 characters; e.g. relay)",
      `${file}: 2 errors`,
    ]);
  });

  it("validate exits 1 on a missing file and 2 on bad usage", () => {
    expect(recette("validate", "recipes/nope.yaml").status).toBe(1);
    expect(recette("validate").status).toBe(2);
    expect(recette("frobnicate").status).toBe(2);
  });

  it("render writes the declared resources and artifacts", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-render-"));
    const r = recette("render", "recipes/local.yaml", "--stack", "local", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as {
      type: string;
      name: string;
    }[];
    const services = resources
      .filter((x) => x.type === "docker:index/service:Service")
      .map((x) => x.name)
      .sort();
    expect(services).toEqual(["blog", "pebble", "relay", "traefik"]);
    for (const f of ["swarm/traefik.json", "files/traefik/traefik.yml", "files/relay/smtpd.conf"])
      expect(fs.existsSync(path.join(out, f))).toBe(true);
  });

  it("render lists each joined node's Membership with its inputs, not its provider's serialized code", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-render-"));
    const r = recette("render", "recipes/blog.yaml", "--stack", "dev", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
    }[];
    const members = resources.filter((x) => x.type === "pulumi-nodejs:dynamic/swarm:Membership");
    expect(members.map((m) => m.name)).toEqual(["swarm-worker-1-member", "swarm-worker-2-member"]);
    for (const m of members) {
      expect(m.inputs).toMatchObject({ state: "active", sshPort: 22 });
      expect(m.inputs).not.toHaveProperty("__provider");
    }
    expect(fs.readFileSync(path.join(out, "resources.json"), "utf8")).not.toContain("__provider");
  });

  it("explain prints the capacity table and kernel needs", () => {
    const r = recette("explain", "recipes/blog.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("manager-1  manager  2048 MiB  71 MiB  84 MiB");
    expect(r.stdout).toContain("IPVS: required (routing mesh");
  });

  it(
    "explain uses the figures measured here: per orchestrator for " +
      "recette's images, the local Kubernetes node for k3s on this machine",
    () => {
      const k3s = recette("explain", "recipes/blog-k3s.yaml");
      expect(k3s.status, k3s.stderr).toBe(0);
      // the agent: kubelet + kube-proxy + containerd measured on the local node; the pods' working sets
      expect(k3s.stdout).toMatch(
        /worker-1 +worker +4096 MiB +71 MiB +211 MiB +traefik 42, blog 36, relay 13, whoami 32 /,
      );
      expect(k3s.stdout).toContain("estimates (not measured): whoami.");
      const swarm = recette("explain", "recipes/blog.yaml");
      expect(swarm.stdout).toMatch(/worker-1 +worker +2048 MiB +71 MiB +84 MiB +blog 15, whoami 32 /);
      const local = recette("explain", "recipes/local-k3s.yaml");
      expect(local.stdout).toMatch(
        /local +manager +\d+ MiB +71 MiB +711 MiB +traefik 42, pebble 9, blog 36, relay 13 /,
      );
      expect(local.stdout).toContain("k3s on this machine is the local Kubernetes node (upstream v1.34, not k3s)");
    },
  );

  it("images lists every pulled image with its registry name, as components/images.ts names them", () => {
    const r = recette("images", "--registry", "10.253.1.1:5000");
    expect(r.status, r.stderr).toBe(0);
    const v: Record<string, string> = Object.fromEntries(
      fs
        .readFileSync(path.join(ROOT, "images", "versions.env"), "utf8")
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const tag = (image: string) => image.slice(image.indexOf(":") + 1);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(
      // the Debian base too: recette backup / restore run it on the node that holds the volumes
      ["TRAEFIK_IMAGE", "PEBBLE_IMAGE", "PLUXML_IMAGE", "OPENSMTPD_IMAGE", "BASE_IMAGE"].map((k) => {
        const local = v[k] ?? "";
        return `${local} 10.253.1.1:5000/${local.slice("recette/".length, local.indexOf(":"))}:${tag(local)}`;
      }),
    );
  });

  it(
    "backup's helper image is the stack registry's Debian base " +
      "when the stack has a registry, this machine's otherwise",
    () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "recette-helper-"));
      try {
        fs.mkdirSync(path.join(root, "stacks"));
        fs.writeFileSync(
          path.join(root, "stacks", "Pulumi.lab.yaml"),
          "config:\n  recette:recipe: recipes/lab.yaml\n  recette:imageRegistry: 192.0.2.1:5000\n",
        );
        fs.writeFileSync(
          path.join(root, "stacks", "Pulumi.local.yaml"),
          "config:\n  recette:recipe: recipes/local.yaml\n",
        );
        expect(defaultHelperImage("lab", root)).toBe("192.0.2.1:5000/debian-base:bookworm");
        expect(defaultHelperImage("local", root)).toBe("recette/debian-base:bookworm");
        expect(defaultHelperImage("absent", root)).toBe("recette/debian-base:bookworm");
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it("images --pluxml lists one PluXml line per release asked for, in place of the pinned one", () => {
    const r = recette("images", "--registry", "10.253.1.1:5000", "--pluxml", "5.8.20,5.8.21,5.8.20");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("recette/pluxml:"))).toEqual([
      "recette/pluxml:5.8.20 10.253.1.1:5000/pluxml:5.8.20",
      "recette/pluxml:5.8.21 10.253.1.1:5000/pluxml:5.8.21",
    ]);
    const bad = recette("images", "--registry", "10.253.1.1:5000", "--pluxml", "5.8.20,a b");
    expect([bad.status, bad.stderr]).toEqual([
      2,
      'recette images: --pluxml "a b" is not a version (e.g. 5.8.20,5.8.21)\n',
    ]);
  });

  it("images refuses a missing or malformed registry (exit 2)", () => {
    expect(recette("images").status).toBe(2);
    const r = recette("images", "--registry", "not a registry");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'recette images: --registry "not a registry" is not a registry ' +
        "(expected e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000)\n",
    );
  });

  it("schema --check passes: the checked-in JSON Schema and docs are current", () => {
    expect(() => execFileSync(path.join(ROOT, "bin", "recette"), ["schema", "--check"], { cwd: ROOT })).not.toThrow();
  });
  it("help lists backup and restore; both answer usage errors with exit 2 before touching Docker", () => {
    const help = recette("help");
    expect(help.stdout).toMatch(/^ {2}backup +write a \.tar\.gz of a running stack's blog data/m);
    expect(help.stdout).toMatch(/^ {2}restore +put a backup back into a stack's volumes/m);
    const r = recette("backup", "--stack", "local");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "recette backup: <file.tar.gz> is missing: the archive to write\n" +
        "usage: recette backup <file.tar.gz> --stack <name> [options]   (recette backup --help for more)\n",
    );
    // The stack files present at this moment (an e2e suite running beside may have added its own).
    const stacks = () =>
      fs
        .readdirSync(path.join(ROOT, "stacks"))
        .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
        .sort();
    const before = stacks();
    expect(before).toEqual(expect.arrayContaining(["dev", "local", "local-k3s", "prod", "staging"]));
    const bad = recette("restore", "--stack", "dev_", "x.tar.gz");
    expect(bad.status).toBe(2);
    expect(
      [before, stacks()].map(
        (list) =>
          'recette restore: --stack "dev_" is not a recette stack name (lower-case letters, digits and ' +
          "-, at most 40 characters, e.g. prod or dev-eu: recette derives Docker and Kubernetes names " +
          `from it, where case and other characters do not count) (stacks here: ${list.join(", ")})\n`,
      ),
    ).toContain(bad.stderr);
  });
});
