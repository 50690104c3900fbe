import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { it } from "vitest";
import { ROOT } from "../helpers";

/** Where scripts/build-images leaves the Traefik binary it compiles from its Go module. */
export const traefikBinaryPath = (): string | undefined => {
  const env = fs.existsSync(path.join(ROOT, "images/versions.env"))
    ? fs.readFileSync(path.join(ROOT, "images/versions.env"), "utf8")
    : "";
  const version = /^TRAEFIK_VERSION=(.+)$/m.exec(env)?.[1];
  const cache = process.env.RECETTE_CACHE ?? path.join(os.homedir(), ".cache", "recette");
  return version ? path.join(cache, "traefik", version, "traefik") : undefined;
};

/** The binary when it has been built, else undefined. */
export const traefikBinary = (): string | undefined => {
  const file = traefikBinaryPath();
  return file && fs.existsSync(file) ? file : undefined;
};

/**
 * A test that needs the Traefik binary. In CI (`CI` set) a missing binary fails the test: the check
 * must run there. Elsewhere the test is skipped, and its name says so and why.
 */
export const withTraefik = (name: string, fn: (binary: string) => void | Promise<void>, timeout?: number): void => {
  const binary = traefikBinary();
  if (binary) it(name, () => fn(binary), timeout);
  else if (process.env.CI)
    it(name, () => {
      throw new Error(
        "CI must run the Traefik checks: no binary at " +
          `${traefikBinaryPath() ?? "(no TRAEFIK_VERSION in images/versions.env)"}; ` +
          "run scripts/build-images first",
      );
    });
  else
    it.skip(
      `${name} [skipped: no Traefik binary at ${traefikBinaryPath() ?? "(no TRAEFIK_VERSION)"}; ` +
        "scripts/build-images builds it; CI fails instead]",
      () => {},
    );
};
