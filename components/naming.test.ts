import { describe, expect, it } from "vitest";
import { cidrRange } from "../engine/schema/formats";
import { STACK_SUBNETS } from "./cluster-facts";
import { contentName, physicalName, stackLabels, stackPrefix, stackSubnet, type Naming } from "./naming";

const dev: Naming = { project: "recette", stack: "dev", recipe: "blog" };
const at = (stack: string): Naming => ({ ...dev, stack });

/** A /24 inside the pool of stack subnets (10.128.0.0/10: 10.128.0.0 to 10.191.255.255). */
const inPool = (cidr: string) => {
  const [from, to] = cidrRange(STACK_SUBNETS.cidr);
  const [start, end] = cidrRange(cidr);
  return cidr.endsWith("/24") && start >= from && end <= to;
};

describe("physicalName", () => {
  it.each([
    [dev, "blog", "recette-dev-blog"],
    [dev, "net", "recette-dev-net"],
    [at("prod"), "relay-spool", "recette-prod-relay-spool"],
    [{ project: "Re Cette", stack: "Dev_1", recipe: "b" }, "My.App", "re-cette-dev-1-my-app"],
    [dev, "--edge--", "recette-dev-edge"],
  ])("%o + %s is %s", (naming, logical, expected) => {
    expect(physicalName(naming, logical)).toBe(expected);
  });

  it("keeps a name of exactly 63 characters as it is", () => {
    const logical = "a".repeat(63 - "recette-dev-".length);
    expect(physicalName(dev, logical)).toBe(`recette-dev-${logical}`);
    expect(physicalName(dev, logical)).toHaveLength(63);
  });

  it("truncates a long name to 63 characters with an 8-hex hash suffix", () => {
    const long = physicalName(dev, "x".repeat(80));
    expect(long).toBe("recette-dev-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-cb932517");
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^recette-dev-x+-[0-9a-f]{8}$/);
  });

  it("keeps truncated names that share their first 54 characters distinct", () => {
    const prefix = "shared-".repeat(10);
    const names = ["a", "b", "c", "blog-data", "blog-data2"].map((s) => physicalName(dev, `${prefix}${s}`));
    expect(names.slice(0, 2)).toEqual([
      "recette-dev-shared-shared-shared-shared-shared-shared-b796a049",
      "recette-dev-shared-shared-shared-shared-shared-shared-0122e5c7",
    ]);
    expect(new Set(names).size).toBe(5);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    }
  });

  it("never leaves a double hyphen before the hash when the cut falls on a hyphen", () => {
    // 54 characters kept: recette-dev- (12) + 41 a's + "-" would end the slice with a hyphen.
    const n = physicalName(dev, `${"a".repeat(41)}-${"b".repeat(30)}`);
    expect(n).toBe(`recette-dev-${"a".repeat(41)}-0837c899`);
  });

  it("honours a smaller maxLength", () => {
    // 11 characters kept (20 - 9), then "-" and the hash.
    expect(physicalName(dev, "blog-with-a-long-name", 20)).toBe("recette-dev-00cf7996");
  });

  it("differs between two stacks for the same logical name", () => {
    expect(physicalName(at("dev"), "blog")).not.toBe(physicalName(at("staging"), "blog"));
  });
});

describe("stackPrefix and stackLabels", () => {
  it("labels carry the prefix and the recipe", () => {
    expect(stackPrefix(dev)).toBe("recette-dev");
    expect(stackLabels(dev)).toEqual({ "recette.stack": "recette-dev", "recette.recipe": "blog" });
  });
});

describe("contentName", () => {
  it("changes its hash suffix with the content, and only with it", () => {
    const a = contentName(dev, "traefik-yml", "A");
    expect(a).toBe("recette-dev-traefik-yml-559aead082");
    expect(contentName(dev, "traefik-yml", "A")).toBe(a);
    expect(contentName(dev, "traefik-yml", "B")).not.toBe(a);
  });
});

describe("stackSubnet", () => {
  it.each([
    ["dev", "10.155.71.0/24"],
    ["staging", "10.189.25.0/24"],
    ["prod", "10.175.38.0/24"],
    ["local", "10.158.143.0/24"],
  ])("stack %s gets %s", (stack, subnet) => {
    expect(stackSubnet(at(stack))).toBe(subnet);
  });

  it("is a /24 of the pool of stack subnets for many stacks", () => {
    for (let i = 0; i < 500; i++) expect(inPool(stackSubnet(at(`s${i}`)))).toBe(true);
  });

  it("differs between the project's stacks", () => {
    const subnets = ["dev", "staging", "prod", "local", "test"].map((s) => stackSubnet(at(s)));
    expect(new Set(subnets).size).toBe(subnets.length);
  });

  it("depends on project and stack, not on the recipe", () => {
    expect(stackSubnet({ ...dev, recipe: "other" })).toBe(stackSubnet(dev));
    expect(stackSubnet({ ...dev, project: "other" })).not.toBe(stackSubnet(dev));
  });
});
