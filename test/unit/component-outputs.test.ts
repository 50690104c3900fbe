/**
 * Every ComponentResource registers all its public outputs (STYLE.md, component hygiene): a property a caller can
 * build on (an Output, a plain value, a record of Outputs) is in its registerOutputs, so the state and
 * `pulumi stack output` of a program using it see what its TypeScript callers see. Checked on every component the
 * checked-in recipes create, Swarm and k3s, local and Scaleway.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderStack } from "../../engine/render";
import { ROOT } from "../helpers";

/** Properties that are not outputs: the SDK's own, a Target's constant `kind`, private arguments. */
const NOT_OUTPUTS = new Set(["urn", "kind", "args"]);

const isOutputLike = (v: unknown): boolean =>
  pulumi.Output.isInstance(v) ||
  typeof v === "string" ||
  typeof v === "number" ||
  typeof v === "boolean" ||
  (v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    !pulumi.Resource.isInstance(v) &&
    Object.values(v).length > 0 &&
    Object.values(v).every((x) => pulumi.Output.isInstance(x)));

/** The public outputs of a component: own properties that are Outputs, plain values or records of Outputs. */
const publicOutputs = (c: pulumi.ComponentResource): string[] =>
  Object.entries(c)
    .filter(([k, v]) => !k.startsWith("__") && !NOT_OUTPUTS.has(k) && isOutputLike(v))
    .map(([k]) => k)
    .sort();

describe("every component registers all its public outputs", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ["local", "recipes/local.yaml"],
    ["local-k3s", "recipes/local-k3s.yaml"],
    ["dev", "recipes/blog.yaml"],
    ["staging", "recipes/blog-k3s.yaml"],
  ])("stack %s, %s", async (stack, recipe) => {
    // registerOutputs is protected: spied on through the shape it has at run time
    const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs(outputs?: object): void };
    const spy = vi.spyOn(prototype, "registerOutputs");
    await renderStack({ root: ROOT, stack, recipe });
    const seen = new Map<string, { expected: string[]; registered: string[] }>();
    // The first call counts: the SDK calls registerOutputs() again, without outputs, once the component is
    // initialised, and that call does nothing when the constructor registered already.
    const done = new Set<unknown>();
    spy.mock.calls.forEach(([outputs], i) => {
      const component = spy.mock.contexts[i] as pulumi.ComponentResource;
      if (done.has(component)) return;
      done.add(component);
      const type = (component as unknown as { __pulumiType: string }).__pulumiType;
      const registered = Object.keys((outputs ?? {}) as object).sort();
      // The Environment's public output is its bag of stack outputs: each one registered.
      const expected =
        type === "recette:index:Environment"
          ? Object.keys((component as unknown as { outputs: object }).outputs).sort()
          : publicOutputs(component);
      seen.set(type, { expected, registered });
      expect(registered, `${type}: registered outputs`).toEqual(expect.arrayContaining(expected));
    });
    // the check saw the stack's components, most with outputs to compare
    expect(seen.size).toBeGreaterThanOrEqual(6);
    expect([...seen.values()].filter((e) => e.expected.length > 0).length).toBeGreaterThanOrEqual(5);
  });

  it("finds the public outputs a component leaves out (the check can fail)", async () => {
    const { installRecorder } = await import("../../engine/render");
    const { settle } = installRecorder("recette", "test");
    class Leaky extends pulumi.ComponentResource {
      readonly host: pulumi.Output<string>;
      readonly ids: Record<string, pulumi.Output<string>>;
      readonly url = "https://x.example";
      readonly child: pulumi.ComponentResource;
      constructor() {
        super("test:index:Leaky", "leaky", {});
        this.host = pulumi.output("h");
        this.ids = { a: pulumi.output("1") };
        this.child = new pulumi.ComponentResource("test:index:Child", "leaky-child", {}, { parent: this });
        this.registerOutputs({ host: this.host });
      }
    }
    expect(publicOutputs(new Leaky())).toEqual(["host", "ids", "url"]);
    await settle();
  });
});
