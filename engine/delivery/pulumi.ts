import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../root";

/**
 * The policy pack every preview and drift check runs: the project's own `policy/` when it has one (this
 * repository's, in TypeScript), else the compiled pack recette ships (`dist/policy` of the installed
 * package).
 */
export const policyPackDir = (root: string): string | undefined =>
  [path.join(root, "policy"), path.join(PACKAGE_ROOT, "dist", "policy")].find((d) =>
    fs.existsSync(path.join(d, "PulumiPolicy.yaml")),
  );
