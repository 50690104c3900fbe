/**
 * `recette backup` and `recette restore` on this machine's Docker engine, without Pulumi: volumes of
 * their own, labelled as stacks named rbtest and rbtest2 would label them (blog data owned by
 * www-data with a file name holding spaces and a symlink, Traefik's acme.json 0600), then backup,
 * changed data, restore and a byte-for-byte comparison; corrupt and foreign archives refused with the
 * data intact; a volume in use refused; --stop scales a real Swarm service to 0 and back.
 * Needs recette/debian-base:bookworm (scripts/build-images). Creates only recette-rbtest* objects.
 *
 *   npx vitest run --config test/e2e/vitest.config.mts test/e2e/backup.e2e.test.ts
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, sh } from "./helpers";

const IMAGE = "recette/debian-base:bookworm";
const STACKS = ["rbtest", "rbtest2"];
const SERVICE = "recette-rbtest-blog";
const USER = "recette-rbtest-user";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rbtest-backup-"));

const docker = (...args: string[]) => sh("docker", args);
const must = (...args: string[]) => {
  const r = docker(...args);
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${r.output}`);
  return r.stdout;
};
const recette = (...args: string[]) => sh(path.join(ROOT, "bin", "recette"), args);

const volumesOf = (stack: string) => [`recette-${stack}-blog-data`, `recette-${stack}-traefik-acme`];

/** Runs a script in a throw-away container with the stack's volumes at /d (blog) and /a (acme). */
const inVolumes = (stack: string, script: string, ...args: string[]) => {
  const [blog, acme] = volumesOf(stack);
  return must(
    "run",
    "--rm",
    "--network",
    "none",
    "-v",
    `${blog}:/d`,
    "-v",
    `${acme}:/a`,
    IMAGE,
    "bash",
    "-c",
    script,
    "bash",
    ...args,
  );
};

/**
 * Everything a restore must give back: every entry's type, mode, owner, size, link target, and each file's bytes
 * (sha256).
 */
const snapshot = (stack: string) =>
  inVolumes(
    stack,
    "set -e; for v in /d /a; do cd $v; find . -printf '%y %m %U:%G %s %p -> %l\\n' | " +
      "LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; done",
  );

const cleanUp = () => {
  docker("service", "rm", SERVICE);
  docker("rm", "--force", USER);
  // A removed service's task lets go of its volume a moment later: wait for it (bounded), or the volume stays.
  const deadline = Date.now() + 60_000;
  while (
    docker("ps", "--all", "--quiet", "--filter", `volume=${volumesOf("rbtest")[0]}`).stdout.trim() &&
    Date.now() < deadline
  )
    sh("sleep", ["1"]);
  for (const s of STACKS) for (const v of volumesOf(s)) docker("volume", "rm", "--force", v);
};

const createStackVolumes = (stack: string, blogText: string) => {
  const [blog, acme] = volumesOf(stack);
  const labels = [
    "--label",
    `recette.stack=recette-${stack}`,
    "--label",
    `recette.recipe=${stack === "rbtest2" ? "other" : "rbtest"}`,
    "--label",
    "recette.keep=true",
  ];
  must("volume", "create", ...labels, "--label", "recette.workload=blog", blog!);
  must("volume", "create", ...labels, "--label", "recette.workload=traefik", acme!);
  inVolumes(
    stack,
    `set -e
    mkdir -p /d/articles /d/configuration
    printf '%s' "$1" > "/d/articles/0001.home.001.my first post.xml"
    printf '<users/>' > /d/configuration/users.xml
    head -c 70000 /dev/urandom > /d/medias.bin
    ln -s "articles/0001.home.001.my first post.xml" /d/latest
    chown -R 33:33 /d
    chmod 0640 /d/configuration/users.xml
    printf '{"le":{"Account":{"PrivateKey":"%s"}}}' "$1" > /a/acme.json
    chmod 0600 /a/acme.json`,
    blogText,
  );
};

beforeAll(() => {
  cleanUp();
  createStackVolumes("rbtest", "the original post");
  createStackVolumes("rbtest2", "another stack's post");
});

afterAll(() => {
  cleanUp();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("recette backup / restore on the local engine", () => {
  const archive = path.join(dir, "rbtest.tar.gz");
  let original = "";

  it("backs up the running stack's volumes into a new 0600 archive, manifest first, acme.json still 0600", () => {
    original = snapshot("rbtest");
    const r = recette("backup", "--stack", "rbtest", archive);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        [
          "^wrote \\S+rbtest\\.tar\\.gz: stack rbtest \\(recipe rbtest\\), blog-data \\(3 ",
          "files, 68\\.4 KiB\\), traefik-acme \\(1 file, 53 B\\); sha256 [0-9a-f]{64}\\n$",
        ].join(""),
      ),
    );
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    const listing = sh("tar", ["-tvzf", archive]).stdout.split("\n");
    expect(listing[0]).toMatch(/ manifest\.json$/);
    expect(listing.find((l) => l.endsWith(" volumes/traefik-acme/acme.json"))).toMatch(/^-rw------- 0\/0 /);
    expect(listing.find((l) => l.endsWith("my first post.xml"))).toMatch(/^-rw-r--r-- 33\/33 /);
    expect(fs.readdirSync(dir)).toEqual(["rbtest.tar.gz"]);
  });

  it("never overwrites an existing file without --force", () => {
    const before = fs.readFileSync(archive);
    const r = recette("backup", "--stack", "rbtest", archive);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `recette backup: ${archive} exists: pass --force to replace it (the new ` +
        "backup is written beside it and renamed over it only when complete)\n",
    );
    expect(fs.readFileSync(archive).equals(before)).toBe(true);
  });

  it("restores changed data byte for byte, modes and owners included", () => {
    inVolumes(
      "rbtest",
      'set -e; printf changed > "/d/articles/0001.home.001.my first post.xml"; rm ' +
        "/d/medias.bin; echo new > /d/new.txt; chmod 0644 /a/acme.json; rm /d/latest",
    );
    expect(snapshot("rbtest")).not.toBe(original);
    const r = recette("restore", "--stack", "rbtest", archive);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        [
          "^restored \\S+rbtest\\.tar\\.gz into stack rbtest: blog-data \\(3 files, 68\\.4 KiB\\), ",
          "traefik-acme \\(1 file, 53 B\\) \\(backup of stack rbtest made [0-9T:.-]+Z\\)\\n$",
        ].join(""),
      ),
    );
    expect(r.stderr).toBe("recette restore: staged and verified 4 files in 2 volume(s)\n");
    expect(snapshot("rbtest")).toBe(original);
    // no work directory is left behind
    expect(inVolumes("rbtest", "ls -A /d /a")).toBe(
      "/a:\nacme.json\n\n/d:\narticles\nconfiguration\nlatest\nmedias.bin\n",
    );
  });

  it("refuses a corrupt archive and leaves the current data intact", () => {
    // Same length, other bytes: the tar stays well-formed, only the checksum can tell.
    const tarball = zlib.gunzipSync(fs.readFileSync(archive));
    const at = tarball.indexOf("the original post");
    expect(at).toBeGreaterThan(0);
    tarball.write("THE ORIGINAL POST", at);
    const corrupt = path.join(dir, "corrupt.tar.gz");
    fs.writeFileSync(corrupt, zlib.gzipSync(tarball));
    const before = snapshot("rbtest");
    const r = recette("restore", "--stack", "rbtest", corrupt);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        [
          '^recette restore: "volumes\\/blog-data\\/articles\\/0001\\.home\\.001\\.my first post\\.xml": ',
          "sha256 [0-9a-f]{64} where the manifest lists [0-9a-f]{64} \\(the archive is corrupt\\)\\n$",
        ].join(""),
      ),
    );
    expect(snapshot("rbtest")).toBe(before);

    const truncated = path.join(dir, "truncated.tar.gz");
    fs.writeFileSync(truncated, fs.readFileSync(archive).subarray(0, 300));
    const t = recette("restore", "--stack", "rbtest", truncated);
    expect(t.status).toBe(1);
    expect(t.stderr).toBe("recette restore: not a gzip archive or a damaged one (unexpected end of file)\n");
    expect(snapshot("rbtest")).toBe(before);
  });

  it("refuses another stack's archive unless --from-stack names it", () => {
    const foreign = path.join(dir, "rbtest2.tar.gz");
    expect(recette("backup", "--stack", "rbtest2", foreign).status).toBe(0);
    const before = snapshot("rbtest");
    const r = recette("restore", "--stack", "rbtest", foreign);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "recette restore: the archive comes from stack rbtest2, not rbtest (to " +
        "restore another stack's data here, say so: --from-stack rbtest2)\n",
    );
    const wrong = recette("restore", "--stack", "rbtest", "--from-stack", "prod", foreign);
    expect(wrong.stderr).toBe(
      "recette restore: --from-stack prod does not match the archive, which comes from stack rbtest2\n",
    );
    expect(snapshot("rbtest")).toBe(before);

    const ok = recette("restore", "--stack", "rbtest", "--from-stack", "rbtest2", foreign);
    expect(ok.status, ok.stderr).toBe(0);
    expect(snapshot("rbtest")).toBe(snapshot("rbtest2"));
    expect(recette("restore", "--stack", "rbtest", archive).status).toBe(0);
    expect(snapshot("rbtest")).toBe(original);
  });

  it("refuses a volume in use by a container that is not the stack's service", () => {
    must(
      "run",
      "--detach",
      "--name",
      USER,
      "--network",
      "none",
      "-v",
      `${volumesOf("rbtest")[0]}:/d`,
      "--entrypoint",
      "sleep",
      IMAGE,
      "600",
    );
    const r = recette("restore", "--stack", "rbtest", "--stop", archive);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "recette restore: volume recette-rbtest-blog-data is in use by container " +
        `${USER}, which is not a service of stack rbtest: stop it, then restore\n`,
    );
    must("rm", "--force", USER);
  });

  it("backs up while the blog's service runs; restores only with --stop, which scales it to 0 and back", () => {
    must(
      "service",
      "create",
      "--detach=false",
      "--quiet",
      "--name",
      SERVICE,
      "--label",
      "recette.stack=recette-rbtest",
      "--label",
      "recette.workload=blog",
      "--mount",
      `type=volume,source=${volumesOf("rbtest")[0]},target=/d`,
      "--entrypoint",
      "sleep",
      IMAGE,
      "3600",
    );
    const live = path.join(dir, "live.tar.gz");
    const b = recette("backup", "--stack", "rbtest", live);
    expect(b.status, b.stderr).toBe(0);

    const refused = recette("restore", "--stack", "rbtest", archive);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `recette restore: volume recette-rbtest-blog-data is in use by service ${SERVICE}: pass --stop to scale ` +
        "it to 0 for the swap and back afterwards (the data is staged and verified first, while it runs)\n",
    );

    inVolumes("rbtest", `printf changed > "/d/articles/0001.home.001.my first post.xml"`);
    const r = recette("restore", "--stack", "rbtest", "--stop", archive);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "recette restore: staged and verified 4 files in 2 volume(s)\n" +
        `recette restore: scaling ${SERVICE} from 1 to 0\nrecette restore: scaling ${SERVICE} back to 1\n`,
    );
    expect(snapshot("rbtest")).toBe(original);
    expect(must("service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}}", SERVICE).trim()).toBe("1");
  });

  it("validates the stack name; a k3s stack is reached through its cluster (--kubeconfig), never --host", () => {
    const bad = recette("backup", "--stack", "Prod", path.join(dir, "x.tar.gz"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^recette backup: --stack "Prod" is not a recette stack name/);
    const stackFile = path.join(ROOT, "stacks", "Pulumi.rbtest-k3s.yaml");
    fs.writeFileSync(stackFile, "config:\n  recette:recipe: recipes/blog-k3s.yaml\n");
    try {
      const host = recette("restore", "--stack", "rbtest-k3s", "--host", "ssh://root@192.0.2.1", archive);
      expect(host.status).toBe(2);
      expect(host.stderr).toBe(
        "recette restore: stack rbtest-k3s runs on k3s: its claims are " +
          "reached through the cluster (--kubeconfig), not --host or --manager\n",
      );
      // a kubeconfig that reaches no cluster: kubectl's own answer, and nothing done
      const missing = path.join(dir, "no-such-kubeconfig");
      const r = recette("backup", "--stack", "rbtest-k3s", "--kubeconfig", missing, path.join(dir, "k3s.tar.gz"));
      expect(r.status).toBe(1);
      expect(fs.existsSync(path.join(dir, "k3s.tar.gz"))).toBe(false);
      expect(r.stderr).toMatch(
        new RegExp(
          "^recette backup: kubectl get persistentvolumeclaims on namespace recette-rbtest-k3s " +
            `of the cluster in ${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} failed`,
        ),
      );
      // and --kubeconfig on a Swarm stack is a usage error
      const swarm = recette("backup", "--stack", "rbtest", "--kubeconfig", missing, path.join(dir, "y.tar.gz"));
      expect(swarm.status).toBe(2);
      expect(swarm.stderr).toBe(
        "recette backup: --kubeconfig is for k3s stacks; stack rbtest runs on Swarm (--host, --manager)\n",
      );
    } finally {
      fs.rmSync(stackFile);
    }
  });
});
