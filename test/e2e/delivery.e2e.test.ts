import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { converged, labelled, mustSucceed, pulumi, request, ROOT, sh, waitFor } from "./helpers";

// The delivery loop against the `local` stack itself (ports 80/443): recette preview on a change
// made in a clone, the policy pack run by the engine, recette drift on a hand edit. The suite leaves
// `local` as it found it: up and unchanged if it was running, destroyed (with its new volumes) if not.
const STACK = "local";
const LABEL = `recette-${STACK}`;
const HOST = "blog.local.test";

const services = () => labelled("service", LABEL);
const volumes = () => labelled("volume", LABEL);

/** A clone of this checkout (as a pull request's runner has one), sharing node_modules and the state backend. */
const makeClone = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-delivery-"));
  const files = sh("git", ["ls-files", "-co", "--exclude-standard", "-z"]).stdout.split("\0").filter(Boolean);
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from) || fs.lstatSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@local.test", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  const recette = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(dir, "bin/recette"), ...args], {
      cwd: dir,
      encoding: "utf8",
      env: process.env,
      timeout: 10 * 60_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", output: `${r.stdout}${r.stderr}` };
  };
  const editRecipe = (edit: (r: Record<string, any>) => void) => {
    const file = path.join(dir, "recipes/local.yaml");
    const r = parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
    edit(r);
    fs.writeFileSync(file, stringify(r));
  };
  return {
    dir,
    recette,
    editRecipe,
    reset: () => git("checkout", "-q", "--", "."),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

describe("delivery on the running local stack: preview, policy, drift", () => {
  let wasUp = false;
  let volumesBefore: string[] = [];
  let clone: ReturnType<typeof makeClone>;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "recette-previews-"));
  const summary = () => fs.readFileSync(path.join(out, "local.md"), "utf8");

  beforeAll(async () => {
    wasUp = services().length > 0;
    volumesBefore = volumes();
    if (!wasUp) {
      sh("pulumi", ["stack", "init", STACK, "--non-interactive"]);
      const up = pulumi(STACK, "up", "--yes", "--skip-preview", "--suppress-progress");
      if (up.status !== 0) throw new Error(`pulumi up -s local: ${up.output}`);
    }
    await converged(LABEL);
    await waitFor(
      "HTTPS 200 from the local blog",
      async () => ((await request("https", HOST, 443, "/")).status === 200 ? true : undefined),
      240,
    );
    clone = makeClone();
  });
  afterAll(() => {
    clone?.cleanup();
    if (!wasUp) {
      mustSucceed(
        "pulumi destroy -s local",
        pulumi(STACK, "destroy", "--yes", "--skip-preview", "--suppress-progress"),
      );
      for (const v of volumes().filter((v) => !volumesBefore.includes(v))) sh("docker", ["volume", "rm", v]);
    }
  });

  it(
    "recette preview with no change: the stack is not affected since " +
      'HEAD, and a preview says "No changes" with every policy passed',
    () => {
      const since = clone.recette("preview", "--stack", STACK, "--changed-from", "HEAD", "--out", out);
      expect(since.status, since.output).toBe(0);
      expect(since.stdout).toBe(
        `local: not affected (${path.join(out, "local.md")})\n`.replace(
          path.join(out, "local.md"),
          path.relative(clone.dir, path.join(out, "local.md")),
        ),
      );
      expect(summary()).toContain("Not previewed: nothing this stack deploys changed.");
      const r = clone.recette("preview", "--stack", STACK, "--out", out);
      expect(r.status, r.output).toBe(0);
      expect(r.stdout).toMatch(/^local: no changes \(/);
      expect(summary()).toMatch(/\nNo changes \(\d+ unchanged\)\.\n/);
      expect(summary()).toContain("Packs: `recette` 0.1.0.\n\nEvery policy passed.");
    },
  );

  it(
    "recette preview --changed-from: a new PluXml image tag " +
      "in the recipe is exactly one update, of the blog's image",
    () => {
      clone.editRecipe((r) => (r.apps[0].pluxml.version = "e2e-next"));
      const r = clone.recette("preview", "--stack", STACK, "--changed-from", "HEAD", "--out", out);
      clone.reset();
      // Terraform's -detailed-exitcode: 2 = changes.
      expect(r.status, r.output).toBe(2);
      expect(r.stdout).toMatch(/^local: 0 to create, 1 to update, 0 to replace, 0 to delete \(/);
      const md = summary();
      expect(md).toContain("Previewed: its recipe recipes/local.yaml changed.");
      expect(md).toMatch(
        /\n\| update \| `blog` \| `docker:index\/service:Service` \| [^\n]*`taskSpec\.containerSpec\.image`[^\n]*\|\n/,
      );
      expect(md.match(/^\| (create|update|replace|delete) \|/gm)).toHaveLength(1);
    },
  );

  it(
    "the policy pack runs in the engine: a password in a service's " +
      "environment fails the preview with the policy's message",
    () => {
      clone.editRecipe((r) =>
        r.apps.push({
          service: { name: "leak", image: "recette/debian-base:bookworm", env: { API_TOKEN: "not-a-real-token" } },
        }),
      );
      const r = clone.recette("preview", "--stack", STACK, "--out", out);
      clone.reset();
      expect(r.status, r.output).toBe(1);
      expect(r.stdout).toMatch(/^local: preview failed \(/);
      const md = summary();
      expect(md).toContain("**The preview failed**");
      expect(md).toContain(
        "- **mandatory** `no-secrets-in-plain-env` on `leak`: leak sets API\\_TOKEN in its environment in plain text",
      );
      expect(md).not.toContain("not-a-real-token");
      // The same pack, called the way the issue names it.
      const direct = spawnSync("pulumi", ["preview", "-s", STACK, "--non-interactive", "--policy-pack", "policy"], {
        cwd: clone.dir,
        encoding: "utf8",
      });
      expect(direct.status, direct.stderr).toBe(0);
      expect(direct.stdout).toMatch(/Policies:\n\s+✅ recette@v0\.1\.0/);
    },
  );

  it("recette drift names a hand edit, pulumi up --refresh puts it back, and drift is clean again", async () => {
    const clean = clone.recette("drift", "--stack", STACK);
    expect(clean.status, clean.output).toBe(0);
    expect(clean.stdout).toBe("local: no drift (the resources match the last deployment, which matches the recipe)\n");
    expect(sh("docker", ["service", "update", "--detach", "--env-add", "HAND_FIX=1", `${LABEL}-blog`]).status).toBe(0);
    const drift = clone.recette("drift", "--stack", STACK);
    expect(drift.status, drift.output).toBe(2);
    expect(drift.stdout).toBe(
      "drift: blog (docker:index/service:Service) changed outside Pulumi: taskSpec.containerSpec.env.HAND_FIX\n",
    );
    expect(drift.stderr).toContain(
      "recette drift: 1 resource of stack local changed by hand: recette up -s local puts it back",
    );
    const up = pulumi(STACK, "up", "--refresh", "--yes", "--skip-preview", "--suppress-progress");
    expect(up.status, up.output).toBe(0);
    expect(up.output).toMatch(/~ 1 updated/);
    expect(
      sh("docker", ["service", "inspect", `${LABEL}-blog`, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"])
        .stdout,
    ).not.toContain("HAND_FIX");
    const again = clone.recette("drift", "--stack", STACK);
    expect(again.status, again.output).toBe(0);
    await converged(LABEL);
    await waitFor(
      "HTTPS 200 after the repair",
      async () => ((await request("https", HOST, 443, "/")).status === 200 ? true : undefined),
      180,
    );
  });

  it(
    "examples/team-app, a separate project reading the stack's outputs, answers HTTPS 200 on " +
      "its own host behind the shared Traefik; destroying it leaves the shared stack untouched",
    async () => {
      const dir = path.join(ROOT, "examples/team-app");
      const team = (...args: string[]) => {
        const r = spawnSync("pulumi", [...args, "-s", "local", "--non-interactive"], {
          cwd: dir,
          encoding: "utf8",
          env: process.env,
          timeout: 10 * 60_000,
        });
        return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout ?? "" };
      };
      const servicesBefore = services().sort();
      const init = team("stack", "init");
      expect(init.status, init.output).toBe(0);
      let failure: unknown;
      try {
        const up = team("up", "--yes", "--skip-preview", "--suppress-progress");
        expect(up.status, up.output).toBe(0);
        expect(team("stack", "output", "url").stdout.trim()).toBe("https://hello.local.test/ping");
        const answer = await waitFor(
          "HTTPS 200 from the team's service",
          async () => {
            const a = await request("https", "hello.local.test", 443, "/ping");
            return a.status === 200 ? a : undefined;
          },
          180,
        );
        expect(answer.body).toBe("OK");
        // The team's service is its own: not counted among the shared stack's services.
        expect(services().sort()).toEqual(servicesBefore);
        expect(
          sh("docker", [
            "service",
            "inspect",
            "team-app-local-hello",
            "--format",
            '{{index .Spec.Labels "recette.stack"}} {{index .Spec.Labels "recette.edge"}}',
          ]).stdout.trim(),
        ).toBe("team-app-local recette-local");
      } catch (e) {
        failure = e;
      }
      // Always cleaned up; the first failure is the one reported.
      const down = team("destroy", "--yes", "--skip-preview", "--suppress-progress");
      team("stack", "rm", "--yes", "--preserve-config");
      if (failure) throw failure;
      expect(down.status, down.output).toBe(0);
      expect(sh("docker", ["service", "ls", "-q", "--filter", "name=team-app-local-hello"]).stdout.trim()).toBe("");
      expect(services().sort()).toEqual(servicesBefore);
      const drift = clone.recette("drift", "--stack", STACK);
      expect(drift.status, drift.output).toBe(0);
      expect((await request("https", HOST, 443, "/")).status).toBe(200);
      expect((await request("https", "hello.local.test", 443, "/ping")).status).toBe(404);
    },
  );
});
