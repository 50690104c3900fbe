import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, loadRecipe, RecipeError } from "../../engine/load";
import { checkRenderTarget, OutputRefused, RENDER_MARKER, renderStack, writeArtifacts } from "../../engine/render";
import { productionOf, validateStackName } from "../../engine/stack/name";
import { ROOT } from "../helpers";
import { CASES, caseOutput, casesOf, expectedOf } from "./cases";

// The hostile-input suite (issue #11): one describe per family. Recipe cases are files under
// cases/<family>/ with the exact expected output beside them (<case>.expected; stack values in
// <case>.stack.yaml). Families that are about files and arguments are cases in code.

const CLI = path.join(ROOT, "bin", "recette");
const cli = (args: string[], opts: { cwd?: string; timeout?: number } = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    cwd: opts.cwd ?? ROOT,
    timeout: opts.timeout ?? 60_000,
  });
const tmpdir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `recette-hostile-${prefix}-`));

/** Every file under a directory with its content, to prove nothing changed. */
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.name === "node_modules" || e.name === ".git" || e.name === ".recette") continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[p] = fs.readFileSync(path.join(dir, p), "utf8");
    }
  };
  walk("");
  return out;
};

const caseTable = (family: string) => casesOf(family).map((f) => [path.basename(f), f] as const);

describe("1. render never removes what it did not create", () => {
  const artifacts = [
    { path: "resources.json", content: "[]\n" },
    { path: "files/relay/smtpd.conf", content: "# conf\n" },
  ];

  it("refuses an existing file and leaves it as it was", () => {
    const dir = tmpdir("file");
    const file = path.join(dir, "notes.txt");
    fs.writeFileSync(file, "mine\n");
    expect(() => writeArtifacts(file, artifacts)).toThrow(
      new OutputRefused(
        `${file}: exists and is not a directory; nothing was ` +
          "changed (give --out a new or empty directory, e.g. out/dev)",
      ),
    );
    expect(fs.readFileSync(file, "utf8")).toBe("mine\n");
  });

  it("refuses a folder of the user's and leaves it as it was", () => {
    const dir = tmpdir("user");
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "a.txt"), "a\n");
    expect(() => writeArtifacts(dir, artifacts)).toThrow(
      `${dir}: is not empty and was not made by recette render (no ${RENDER_MARKER} file); nothing was changed`,
    );
    expect(snapshot(dir)).toEqual({ "sub/a.txt": "a\n" });
  });

  it.each([
    ["the recipes folder", path.join(ROOT, "recipes")],
    ["the repository root", ROOT],
  ])("refuses %s through the CLI (exit 1) and changes nothing in it", (_what, dir) => {
    const before = snapshot(dir);
    const r = cli(["render", "--stack", "local", "--out", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `recette render: ${dir}: is not empty and was not made by recette render (no ${RENDER_MARKER} ` +
        "file); nothing was changed (give --out a new or empty directory, e.g. out/dev)\n",
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses / in a sandbox (a private mount namespace where every mount is read-only)", () => {
    // If the refusal ever broke, the sandbox keeps the machine safe: nothing under / is writable there.
    const script = [
      "set -e",
      "mount --make-rprivate /",
      'for m in $(findmnt -rn -o TARGET | sort -r); do mount -o remount,bind,ro "$m" 2>/dev/null || true; done',
      // A writable scratch place for the tools (tsx's cache) that hides nothing the CLI needs (the clone may live in
      // /tmp).
      "mount -t tmpfs tmpfs /mnt",
      "export TMPDIR=/mnt",
      `exec "$0" "$@"`,
    ].join("\n");
    const listing = fs.readdirSync("/").sort();
    const r = spawnSync(
      "unshare",
      ["--mount", "bash", "-c", script, process.execPath, CLI, "render", "--stack", "local", "--out", "/"],
      {
        encoding: "utf8",
        cwd: ROOT,
        timeout: 60_000,
      },
    );
    expect(r.stderr).toBe(
      "recette render: /: is the root of the filesystem; nothing was " +
        "changed (give --out a new or empty directory, e.g. out/dev)\n",
    );
    expect(r.status).toBe(1);
    expect(fs.readdirSync("/").sort()).toEqual(listing);
  });

  it("refuses a symbolic link, even to a directory it made", () => {
    const dir = tmpdir("link");
    writeArtifacts(path.join(dir, "real"), artifacts);
    fs.symlinkSync(path.join(dir, "real"), path.join(dir, "link"));
    expect(() => checkRenderTarget(path.join(dir, "link"))).toThrow(
      `${path.join(dir, "link")}: is a symbolic link; nothing was changed`,
    );
  });

  it("replaces its own previous render, but not once a foreign file sits in it", () => {
    const out = path.join(tmpdir("own"), "out");
    writeArtifacts(out, artifacts);
    writeArtifacts(out, [{ path: "resources.json", content: "[1]\n" }]);
    expect(snapshot(out)).toEqual({
      "resources.json": "[1]\n",
      [RENDER_MARKER]: `${JSON.stringify({ recette: "render", files: ["resources.json"] }, null, 2)}\n`,
    });
    fs.writeFileSync(path.join(out, "notes.md"), "mine\n");
    expect(() => writeArtifacts(out, artifacts)).toThrow(
      `${out}: holds files recette render did not write (notes.md); nothing was changed`,
    );
    expect(fs.readFileSync(path.join(out, "notes.md"), "utf8")).toBe("mine\n");
  });

  it("writes atomically: a render that fails half-way leaves the previous one whole and no temporary directory", () => {
    const parent = tmpdir("atomic");
    const out = path.join(parent, "out");
    writeArtifacts(out, artifacts);
    const before = snapshot(out);
    // The second file cannot be written (the same path twice): the failure comes after the first write.
    expect(() =>
      writeArtifacts(out, [
        { path: "a", content: "1" },
        { path: "a", content: "2" },
      ]),
    ).toThrow(/EEXIST/);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["out"]);
  });

  it("refuses artifact paths that would leave the output directory", () => {
    const out = path.join(tmpdir("escape"), "out");
    expect(() => writeArtifacts(out, [{ path: "../x", content: "" }])).toThrow(
      'refusing to write "../x": not a plain relative path',
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("2. shell injection: every free-text field has a strict grammar", () => {
  it.each(caseTable("2-shell"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));
});

describe("3. config-file injection: stack values pass the literal's validation", () => {
  it.each(caseTable("3-config"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  it("a good stack gives smtpd.conf exactly one match rule, for the one recipient", async () => {
    const { artifacts } = await renderStack({ root: ROOT, stack: "dev" });
    const conf = artifacts.find((a) => a.path === "files/relay/smtpd.conf")!.content;
    expect(conf.split("\n").filter((l) => l.startsWith("match "))).toEqual([
      'match from src <stack_networks> for rcpt-to <contact> action "relay"',
    ]);
    expect(conf).toContain('table contact { "contact@example.org" }');
  });
});

describe("4. secrets: a key the stack holds as secret is refused where a plain value is read", () => {
  it.each(caseTable("4-secrets"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  it(
    "the real program refuses it too: render fails instead " + "of writing a [secret] placeholder into smtpd.conf",
    async () => {
      const root = tmpdir("secret-root");
      fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: recette\n");
      fs.mkdirSync(path.join(root, "stacks"));
      const recipe = path.join(root, "relay.yaml");
      fs.writeFileSync(
        recipe,
        "name: t\nnodes: { provider: local }\norchestrator: { kind: swarm, routingMesh: fallback }\n" +
          "apps:\n  - opensmtpd: { name: relay, deliverTo: { config: smtpPassword }, delivery: mailbox }\n",
      );
      fs.writeFileSync(
        path.join(root, "stacks", "Pulumi.hostile.yaml"),
        `config:\n  recette:recipe: ${recipe}\n  recette:smtpPassword: { secure: v1:AAAA }\n`,
      );
      await expect(renderStack({ root, stack: "hostile" })).rejects.toThrow(
        "stacks/Pulumi.hostile.yaml:3:3 smtpPassword: is a secret, but " +
          "relay.yaml:5:42 apps[0].opensmtpd.deliverTo reads it as a plain value",
      );
    },
  );
});

describe("5. resources and special files", () => {
  it.each(caseTable("5-resources"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  const refusal = (file: string) => {
    try {
      loadRecipe(file);
    } catch (e) {
      if (e instanceof RecipeError) return e.message;
    }
    return "accepted";
  };

  it("refuses a FIFO at once (it would block forever) with exit 1", () => {
    const fifo = path.join(tmpdir("fifo"), "recipe.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = cli(["validate", fifo], { timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${fifo}:1:1 a FIFO, not a recipe file (give the path of a .yaml file)\n${fifo}: 1 error\n`);
  });

  it.each([
    ["/dev/zero", "/dev/zero:1:1 a device, not a recipe file (give the path of a .yaml file)"],
    ["/dev/null", "/dev/null:1:1 a device, not a recipe file (give the path of a .yaml file)"],
    ["/tmp", "/tmp:1:1 a directory, not a recipe file (give the path of a .yaml file)"],
  ])("refuses %s before reading it", (file, message) => expect(refusal(file)).toBe(message));

  it("refuses a recipe over 1 MiB without parsing it", () => {
    const file = path.join(tmpdir("big"), "recipe.yaml");
    fs.writeFileSync(file, `name: t\ndescription: "${"x".repeat(2 * 1024 * 1024)}"\n`);
    expect(refusal(file)).toBe(
      `${file}:1:1 ${fs.statSync(file).size} bytes is too large for a recipe (at most 1048576 bytes)`,
    );
  });

  it("prints user text with control characters escaped: a key's terminal escapes never reach stderr raw", () => {
    const file = path.join(tmpdir("esc"), "recipe.yaml");
    fs.writeFileSync(
      file,
      "name: t\nnodes: { provider: local }\norchestrator: { kind: swarm, routingMesh: fallback }\n" +
        '"colour\\e[2J\\rrecipes/ok.yaml: valid": 1\n',
    );
    const r = cli(["validate", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(r.stderr.split("\n")[0]).toBe(
      `${file}:4:1 colour\\x1b[2J\\rrecipes/ok.yaml: valid: the key contains the ` +
        "control character U+001B (only printable text, tabs and newlines are allowed)",
    );
  });
});

describe("6. stacks: only Pulumi-style simple names, read from stacks/ only, case never folded", () => {
  it.each([
    ["/../../x", 2],
    ["../stacks/Pulumi.local", 2],
    ["DEV", 2],
    ["Prod", 2],
    ["dev_1", 2],
    ["dev.1", 2],
    ["", 2],
  ])("render --stack %j exits %d before reading any file", (stack, code) => {
    const r = cli(["render", "--stack", stack, "--out", path.join(tmpdir("stack"), "out")]);
    expect(r.status).toBe(code);
    expect(r.stdout).toBe("");
  });

  it("names the grammar in the message", () => {
    expect(validateStackName("Prod")).toBe(
      '"Prod" is not a recette stack name (lower-case letters, digits and -, ' +
        "at most 40 characters, e.g. prod or dev-eu: recette derives Docker and " +
        "Kubernetes names from it, where case and other characters do not count)",
    );
    expect(validateStackName("dev-eu")).toBeUndefined();
  });

  it(
    "the program refuses a stack whose name differs from " + "another only by case (DEV would share dev's objects)",
    async () => {
      const root = tmpdir("stack-root");
      fs.mkdirSync(path.join(root, "stacks"));
      fs.copyFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), path.join(root, "stacks", "Pulumi.DEV.yaml"));
      await expect(renderStack({ root, stack: "DEV" })).rejects.toThrow('--stack "DEV" is not a recette stack name');
    },
  );

  it("no stack name makes a stack production: only its stack file does (recette:production: true)", () => {
    const unset = () => undefined;
    expect(["prod", "production", "prod-eu"].map((s) => productionOf("recette", s, unset))).toEqual([
      { production: false },
      { production: false },
      { production: false },
    ]);
    expect(productionOf("recette", "live", (k) => (k === "recette:production" ? "true" : undefined))).toEqual({
      production: true,
    });
  });
});

describe("7. names: two objects never share a physical name", () => {
  it.each(caseTable("7-names"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));
});

/** Renders a recipe text with a stack of its own, in a scratch repository (the real program under mocks). */
const renderRecipe = async (recipe: string, config: Record<string, string> = {}) => {
  const root = tmpdir("render-root");
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: recette\n");
  fs.mkdirSync(path.join(root, "stacks"));
  const file = path.join(root, "recipe.yaml");
  fs.writeFileSync(file, recipe);
  const lines = Object.entries({ recipe: file, imageRegistry: "registry.example.org/recette", ...config }).map(
    ([k, v]) => `  recette:${k}: ${JSON.stringify(v)}`,
  );
  fs.writeFileSync(path.join(root, "stacks", "Pulumi.t.yaml"), `config:\n${lines.join("\n")}\n`);
  return renderStack({ root, stack: "t" });
};

describe("8. validate catches what render would fail on; nothing is silently ignored", () => {
  it.each(caseTable("8-validate"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  it("opensmtpd.domain reaches smtpd.conf: the relay's banner and its HELO", async () => {
    const { artifacts } = await renderRecipe(
      "name: t\nnodes: { provider: local }\norchestrator: { kind: swarm, routingMesh: fallback }\napps:\n" +
        "  - opensmtpd: { name: relay, deliverTo: a@example.org, delivery: direct, domain: mail.example.org }\n",
    );
    const conf = artifacts.find((a) => a.path === "files/relay/smtpd.conf")!.content.split("\n");
    expect(conf).toContain('listen on 0.0.0.0 port 25 hostname "mail.example.org"');
    expect(conf).toContain('action "relay" relay helo "mail.example.org"');
  });

  it("nodes.labels are applied on k3s nodes (placement labels would otherwise never schedule)", async () => {
    const { registrations } = await renderRecipe(
      [
        "name: t",
        "nodes:",
        "  provider: scaleway",
        "  type: DEV1-M",
        "  workers: 1",
        "  ssh: { publicKey: { config: key } }",
        "  apiAllowFrom: [203.0.113.7/32]",
        "  labels: { worker-1: { disk: ssd } }",
        "orchestrator: { kind: k3s }",
        "",
      ].join("\n"),
      { key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@example.org" },
    );
    const agent = registrations.find((r) => r.name === "k3s-worker-1-agent")!;
    expect(agent.inputs.create).toContain("--node-label disk=ssd");
    const labels = registrations.find((r) => r.name === "k3s-worker-1-labels")!;
    expect(labels.inputs.triggers).toEqual([JSON.stringify({ disk: "ssd" })]);
  });
});

describe("9. the k3s API is not open to the internet by default", () => {
  it.each(caseTable("9-k3s-api"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  it("the rendered security group opens 6443 only to apiAllowFrom and the private network", async () => {
    const { registrations } = await renderStack({
      root: ROOT,
      stack: "staging",
      recipe: path.join(ROOT, "recipes/blog-k3s.yaml"),
    });
    const sg = registrations.find((r) => r.type === "scaleway:instance/securityGroup:SecurityGroup")!;
    const rules = sg.inputs.inboundRules as { port: number; ipRange: string }[];
    expect(rules.filter((r) => r.port === 6443).map((r) => r.ipRange)).toEqual(["203.0.113.7/32", "172.16.16.0/24"]);
  });
});

describe("10. tests that cannot fail: the Traefik binary checks fail in CI when the binary is missing", () => {
  it(
    "runs the validator tests with CI=true, an empty cache and no Traefik image: they fail, " +
      "naming the missing binary",
    () => {
      const r = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules/vitest/vitest.mjs"),
          "run",
          "test/artifacts/validators.test.ts",
          "-t",
          "Traefik",
        ],
        {
          encoding: "utf8",
          cwd: ROOT,
          timeout: 300_000,
          // no Docker engine either: the binary is otherwise taken out of the Traefik image
          // (test/artifacts/traefik-binary.ts)
          env: {
            ...process.env,
            CI: "true",
            RECETTE_CACHE: tmpdir("empty-cache"),
            DOCKER_HOST: "unix:///nonexistent/docker.sock",
          },
        },
      );
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/CI must run the Traefik checks: no binary at /);
    },
  );
});

describe("11. every problem in one pass, in our own words", () => {
  it.each(caseTable("11-one-pass"))("%s", (_name, file) => expect(caseOutput(file)).toEqual(expectedOf(file)));

  it("render of the prod stack warns about every secret it does not set, with the command that sets it", async () => {
    const { warnings } = await renderStack({ root: ROOT, stack: "prod" });
    const unset = (pos: string, at: string, key: string) =>
      `recipes/blog.yaml:${pos} warning: ${at}: stack prod does not set secret "${key}" ` +
      `(run: recette config set --secret ${key} -s prod)`;
    expect(warnings.map(formatProblem)).toEqual([
      unset("13:5", "nodes.ssh.privateKey", "sshPrivateKey"),
      unset("31:88", "apps[0].pluxml.admin.password", "blogAdminPassword"),
      unset("42:19", "apps[1].opensmtpd.smarthost.password", "smtpPassword"),
    ]);
  });

  it("no expected output carries zod's wording", () => {
    const zod =
      /Invalid input|Invalid option|Too small|Too big|Unrecognized key|expected (record|object|array|boolean)\b/;
    const files = fs.readdirSync(CASES, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".expected"));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(fs.readFileSync(path.join(CASES, f), "utf8"), f).not.toMatch(zod);
  });
});
