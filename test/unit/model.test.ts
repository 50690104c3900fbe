import { describe, expect, it } from "vitest";
import { formatProblem, parseRecipe } from "../../engine/load";
import { buildModel, isUnresolved, resolveModel } from "../../engine/model";
import { parseHost } from "../../engine/schema/formats";

const RECIPE = `name: t
nodes: { provider: local, memory: 4Gi }
orchestrator: { kind: swarm, routingMesh: fallback }
edge: { traefik: { acme: { email: { config: acmeEmail }, ca: pebble } } }
apps:
  - opensmtpd: { deliverTo: { config: contact }, delivery: mailbox }
  - pluxml:
      host: blog.local.test
      mail: relay
      admin: { name: A, login: admin, email: { config: contact }, password: { secret: blogAdminPassword } }
`;

describe("the model: recipe and stack values as one typed picture", () => {
  const loaded = parseRecipe(RECIPE, "recipes/t.yaml");

  it("gives every app its kind, name and index; references stand as placeholders without a stack", () => {
    const m = loaded.model;
    expect(m.apps.map((a) => [a.kind, a.name, a.index])).toEqual([
      ["opensmtpd", "relay", 0],
      ["pluxml", "blog", 1],
    ]);
    expect(m.edge?.traefik.acme.email).toBe("{ config: acmeEmail }");
    expect(isUnresolved(m.edge?.traefik.acme.email ?? "")).toBe(true);
    expect(m.domain).toBe("local.test");
    expect(m.routedHosts).toEqual([
      { name: "blog.local.test", labels: ["blog", "local", "test"], parent: "local.test" },
    ]);
    expect(m.planned).toEqual([{ name: "local", role: "manager", memoryMiB: 4096, labels: {} }]);
  });

  it("resolves every config reference to the stack's string and keeps secrets as references", () => {
    const values: Record<string, string> = {
      acmeEmail: "ops@example.org",
      contact: "me@example.org",
      blogAdminPassword: "x",
    };
    const { model, problems } = resolveModel(
      loaded,
      {
        project: "recette",
        stack: "s",
        file: "stacks/Pulumi.s.yaml",
        get: (k) => values[k],
        isSecret: (k) => k === "blogAdminPassword",
      },
      "recipes/t.yaml",
    );
    expect(problems).toEqual([]);
    expect(model?.edge?.traefik.acme.email).toBe("ops@example.org");
    const blog = model?.apps.find((a) => a.kind === "pluxml");
    expect(blog?.kind === "pluxml" && blog.spec.admin).toEqual({
      name: "A",
      login: "admin",
      email: "me@example.org",
      password: { secret: "blogAdminPassword" },
    });
  });

  it("buildModel of the same recipe twice is the same picture (built once, no hidden state)", () => {
    expect(buildModel(loaded.recipe)).toEqual(loaded.model);
  });
});

describe("the Pulumi program's check (preview, up) refuses what render only warns about", () => {
  const loaded = parseRecipe(RECIPE, "recipes/t.yaml");
  const values = (set: Record<string, string>) => ({
    project: "recette",
    stack: "s",
    file: "stacks/Pulumi.s.yaml",
    get: (k: string) => set[k],
    isSecret: () => false,
    keys: () => Object.keys(set),
  });

  it("an unset secret is an error by default, a warning for render", () => {
    const set = { acmeEmail: "ops@example.org", contact: "me@example.org" };
    const program = resolveModel(loaded, values(set), "recipes/t.yaml");
    const message =
      'apps[1].pluxml.admin.password: stack s does not set secret "blogAdminPassword" ' +
      "(run: recette config set --secret blogAdminPassword -s s)";
    expect(program.model).toBeUndefined();
    expect(program.problems.map(formatProblem)).toEqual([`recipes/t.yaml:10:77 ${message}`]);
    const render = resolveModel(loaded, values(set), "recipes/t.yaml", { missingSecrets: "warning" });
    expect(render.problems).toEqual([]);
    expect(render.warnings.map(formatProblem)).toEqual([`recipes/t.yaml:10:77 warning: ${message}`]);
  });

  it("a key nothing reads is a warning for the program when asked, with its likely meaning", () => {
    const set = { acmeEmail: "ops@example.org", contact: "me@example.org", blogAdminPassword: "x", acmeEmial: "y" };
    const r = resolveModel(loaded, values(set), "recipes/t.yaml", { unknownKeys: "warning" });
    expect(r.problems).toEqual([]);
    expect(r.warnings.map(formatProblem)).toEqual([
      "stacks/Pulumi.s.yaml warning: recette:acmeEmial: neither the recipe nor recette reads this key; did you mean " +
        "acmeEmail? (rename it: recette config rm acmeEmial -s s; recette config set acmeEmail <value> -s s)",
    ]);
  });
});

describe("host names are parsed once, in the one place host grammar lives", () => {
  it("takes a name apart and refuses what is not a DNS host name, with the fix", () => {
    expect(parseHost("a.b")).toEqual({ name: "a.b", labels: ["a", "b"], parent: "b" });
    expect(() => parseHost("192.0.2.10")).toThrow(
      '"192.0.2.10" is an IP address, not a host name (routes and certificates need a DNS name such as ' +
        "blog.example.org pointing at the nodes)",
    );
    expect(() => parseHost("blog.123")).toThrow(
      '"blog.123" ends in the all-numeric label "123", which no top-level domain is (expected e.g. blog.example.org)',
    );
    expect(() => parseHost("Blog_x")).toThrow('"Blog_x" is not a hostname (expected e.g. blog.example.org)');
  });
});
