import * as fs from "node:fs";
import * as path from "node:path";

/** The policy pack of this checkout, when there is one: every preview and drift check runs it. */
export const policyPackDir = (root: string): string | undefined =>
  fs.existsSync(path.join(root, "policy", "PulumiPolicy.yaml")) ? path.join(root, "policy") : undefined;
