import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProject, findProjectRoot, ProjectError, readProject, validateProjectName } from "../../engine/project";
import { PACKAGE_ROOT } from "../../engine/root";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../engine/program";
import { installRecorder, readStackConfig, renderStack } from "../../engine/render";
import { productionOf, stackFile, stackShortName, validateStackName } from "../../engine/stack/name";
import { ROOT } from "../helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recette-project-"));

describe("the package and the project", () => {
  it("the package root is this checkout (package.json), found from the engine's own folder", () => {
    expect(PACKAGE_ROOT).toBe(ROOT);
  });

  it("the project is the nearest Pulumi.yaml upwards; its name comes from there", () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    fs.mkdirSync(path.join(root, "recipes", "deep"), { recursive: true });
    expect(findProjectRoot(path.join(root, "recipes", "deep"))).toBe(root);
    expect(findProject(path.join(root, "recipes"))).toEqual({ root, name: "shop" });
    expect(findProject(ROOT)).toEqual({ root: ROOT, name: "recette" });
  });

  it("outside any project, says where it looked and how to make one", () => {
    const dir = tmp();
    // /tmp has no Pulumi.yaml above it on this machine; a test that found one would prove nothing.
    expect(findProjectRoot(dir)).toBeUndefined();
    expect(() => findProject(dir)).toThrow(
      new ProjectError(
        `no Pulumi.yaml in ${dir} or any folder above it ` +
          "(fix: cd into your project, or create one with recette init <folder>)",
      ),
    );
  });

  it("refuses a Pulumi.yaml without a name, or with one that cannot prefix Docker and Kubernetes names", () => {
    const root = tmp();
    const file = path.join(root, "Pulumi.yaml");
    fs.writeFileSync(file, "runtime: nodejs\n");
    expect(() => readProject(root)).toThrow(`${file}: name: is missing (fix: name: <your project>, e.g. name: blog)`);
    fs.writeFileSync(file, "name: My_Shop\n");
    expect(() => readProject(root)).toThrow(`${file}: name: "My_Shop" is not a recette project name`);
  });

  it.each([
    ["blog", true],
    ["acme-web", true],
    ["a", true],
    ["a".repeat(22), true],
    ["a".repeat(23), false],
    ["Blog", false],
    ["my_blog", false],
    ["-blog", false],
    ["blog-", false],
    ["1blog", false],
  ])("project name %s accepted: %s", (name, ok) => {
    expect(validateProjectName(name) === undefined).toBe(ok);
  });
});

describe("stack names", () => {
  it.each([
    ["prod", "prod", "stacks/Pulumi.prod.yaml"],
    ["acme/prod", "prod", "stacks/Pulumi.prod.yaml"],
    ["acme/blog/dev-eu", "dev-eu", "stacks/Pulumi.dev-eu.yaml"],
  ])("%s is accepted: the stack %s, its file %s", (stack, short, file) => {
    expect(validateStackName(stack)).toBeUndefined();
    expect(stackShortName(stack)).toBe(short);
    expect(stackFile(stack)).toBe(file);
  });

  it("refuses more than org/project/stack, an empty part, and a bad last part with the stack grammar", () => {
    const qualified =
      "is not a stack name recette accepts " +
      "(a stack, or one qualified as <org>/<stack> or <org>/<project>/<stack>, e.g. acme/prod)";
    expect(validateStackName("a/b/c/prod")).toBe(`"a/b/c/prod" ${qualified}`);
    expect(validateStackName("/prod")).toBe(`"/prod" ${qualified}`);
    expect(validateStackName("acme/Prod")).toMatch(/^"Prod" is not a recette stack name \(lower-case letters/);
  });
});

describe("production is said in the stack file", () => {
  const from = (values: Record<string, string>) => (key: string) => values[key];

  it("recette:production or <project>:production, true or false; unset is not production", () => {
    expect(productionOf("shop", "live", from({ "recette:production": "true" }))).toEqual({ production: true });
    expect(productionOf("shop", "live", from({ "shop:production": "true" }))).toEqual({ production: true });
    expect(productionOf("shop", "prod", from({ "shop:production": "false" }))).toEqual({ production: false });
    expect(productionOf("shop", "prod", from({}))).toEqual({ production: false });
  });

  it("refuses a value that is not a boolean, and two keys that disagree, naming the key and the fix", () => {
    expect(productionOf("shop", "acme/live", from({ "shop:production": "yes" }))).toEqual({
      problem: {
        path: "shop:production",
        message: '"yes" is not true or false (fix: recette config set shop:production true -s acme/live, or false)',
      },
    });
    expect(productionOf("shop", "live", from({ "shop:production": "true", "recette:production": "false" }))).toEqual({
      problem: { path: "shop:production", message: "disagrees with recette:production (fix: keep one of them)" },
    });
  });
});

describe("the program on a project of its own", () => {
  /** A project `name` whose stack `file` is the checkout's prod stack file, edited by `edit`. */
  const project = (name: string, file: string, edit: (text: string) => string): string => {
    const root = tmp();
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
    fs.mkdirSync(path.join(root, "stacks"));
    const text = fs
      .readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8")
      .replace("recette:recipe: recipes/blog.yaml", `recette:recipe: ${path.join(ROOT, "recipes", "blog.yaml")}`)
      .replaceAll("recette:", `${name}:`);
    fs.writeFileSync(path.join(root, "stacks", file), edit(text));
    return root;
  };
  const ca = (artifacts: { path: string; content: string }[]) =>
    /caServer: (\S+)/.exec(artifacts.find((a) => a.path === "files/traefik/traefik.yml")!.content)?.[1];

  it("production comes from the stack file, not its name; " +
    "names from the project and the stack's last part", async () => {
    const live = project("shop", "Pulumi.live.yaml", (t) => t);
    const rendered = await renderStack({ root: live, stack: "acme/live" });
    expect(ca(rendered.artifacts)).toBe("https://acme-v02.api.letsencrypt.org/directory");
    const services = rendered.registrations
      .filter((r) => r.type === "docker:index/service:Service")
      .map((r) => r.inputs.name);
    expect(services.sort()).toEqual(["shop-live-blog", "shop-live-relay", "shop-live-traefik", "shop-live-whoami"]);
    const prod = project("shop", "Pulumi.prod.yaml", (t) => t.replace("  shop:production: true\n", ""));
    expect(ca((await renderStack({ root: prod, stack: "prod" })).artifacts)).toBe(
      "https://acme-staging-v02.api.letsencrypt.org/directory",
    );
  }, 120_000);

  it("the program (pulumi up without recette) reports the stack's settings with every other problem at once", () => {
    const root = project("shop", "Pulumi.live.yaml", (t) =>
      t
        .replace("shop:production: true", "shop:production: maybe")
        .replace(/ {2}shop:imageRegistry: .*\n/, "")
        .replace(/ {2}shop:acmeEmail: .*\n/, ""),
    );
    installRecorder("shop", "live");
    const { config, secretKeys } = readStackConfig(root, "live", "shop");
    pulumi.runtime.setAllConfig(config, secretKeys);
    let message = "";
    try {
      runProgram({ root });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split("\n");
    expect(lines[0]).toBe("the stack's configuration does not fit the recipe:");
    expect(lines.some((l) => l.includes('stack live does not set config "acmeEmail"'))).toBe(true);
    expect(lines).toContain(
      'stacks/Pulumi.live.yaml shop:production: "maybe" is not true or false ' +
        "(fix: recette config set shop:production true -s live, or false)",
    );
    expect(lines.some((l) => l.includes("nodes.provider: scaleway pulls recette's images from a registry"))).toBe(true);
  });

  it("refuses a production value that is not a boolean, naming the stack file and the fix", async () => {
    const root = project("shop", "Pulumi.live.yaml", (t) => t.replace("shop:production: true", "shop:production: yes"));
    await expect(renderStack({ root, stack: "live" })).rejects.toThrow(
      'stacks/Pulumi.live.yaml:9:3 shop:production: "yes" is not true or false ' +
        "(fix: recette config set shop:production true -s live, or false)",
    );
  }, 60_000);
});
