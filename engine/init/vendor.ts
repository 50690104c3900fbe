import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../root";

/**
 * Where a project keeps the recette release it runs. The name `recette` on the public npm registry belongs to
 * another project, so a project never depends on the registry's: it carries its own tarball (commit it).
 */
export const VENDOR_DIR = "vendor";

/** Whether recette runs from a checkout of its repository (TypeScript sources beside it), not from a package. */
export const isCheckout = (root: string = PACKAGE_ROOT): boolean =>
  fs.existsSync(path.join(root, "engine", "cli", "main.ts"));

/**
 * `npm pack`'s argument list for the running recette. From a checkout its `prepare` script builds dist/ first;
 * an installed package ships dist/ already and has no compiler to run it, so its scripts are skipped.
 */
export const npmPackArgs = (root: string, destination: string, checkout: boolean): string[] => [
  "pack",
  root,
  "--pack-destination",
  destination,
  "--json",
  ...(checkout ? [] : ["--ignore-scripts"]),
];

/**
 * Packs the package in `root` into `destination` (`npm pack`, run without a shell) and returns the tarball's
 * file name; an Error says why it failed.
 */
export const packPackage = (root: string, destination: string, checkout: boolean): string => {
  const r = spawnSync("npm", npmPackArgs(root, destination, checkout), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.error) throw new Error(`npm did not start (${r.error.message}): install Node.js with npm`);
  if (r.status !== 0) {
    const why = (r.stderr ?? "").trim().split("\n").slice(-3).join("; ");
    throw new Error(`npm pack ${root} failed (exit ${r.status})${why ? `: ${why}` : ""}`);
  }
  let name: unknown;
  try {
    name = (JSON.parse(r.stdout) as { filename?: unknown }[])[0]?.filename;
  } catch {
    name = undefined;
  }
  if (typeof name !== "string") throw new Error(`npm pack ${root} did not say which file it wrote`);
  return path.basename(name);
};

/** Packs the running recette into `destination`: what `recette init` puts in a project's vendor/. */
export const packRunning = (destination: string): string => packPackage(PACKAGE_ROOT, destination, isCheckout());
