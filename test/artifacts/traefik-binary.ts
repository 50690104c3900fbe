import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { it } from "vitest";
import { ROOT } from "../helpers";

const versionsEnv = () =>
  fs.existsSync(path.join(ROOT, "images/versions.env"))
    ? fs.readFileSync(path.join(ROOT, "images/versions.env"), "utf8")
    : "";

/** Where scripts/build-images leaves the Traefik binary it compiles from its Go module (offline). */
export const traefikBinaryPath = (): string | undefined => {
  const version = /^TRAEFIK_VERSION=(.+)$/m.exec(versionsEnv())?.[1];
  const cache = process.env.RECETTE_CACHE ?? path.join(os.homedir(), ".cache", "recette");
  return version ? path.join(cache, "traefik", version, "traefik") : undefined;
};

/**
 * The binary of the TRAEFIK_IMAGE on this machine's Docker engine (the official image, pulled by
 * build-images when a registry answers, has no binary in the cache): copied out of the image once.
 */
const binaryFromImage = (): string | undefined => {
  const image = /^TRAEFIK_IMAGE=(.+)$/m.exec(versionsEnv())?.[1];
  if (!image) return undefined;
  const id = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", image], { encoding: "utf8" });
  if (id.status !== 0) return undefined;
  const dir = path.join(
    os.tmpdir(),
    `recette-traefik-${id.stdout
      .trim()
      .replace(/^sha256:/, "")
      .slice(0, 16)}`,
  );
  const file = path.join(dir, "traefik");
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const name = `recette-traefik-binary-${process.pid}`;
  if (spawnSync("docker", ["create", "--name", name, image], { stdio: "ignore" }).status !== 0) return undefined;
  const tmp = `${file}.${process.pid}`;
  const cp = spawnSync("docker", ["cp", `${name}:/usr/local/bin/traefik`, tmp], { stdio: "ignore" });
  spawnSync("docker", ["rm", name], { stdio: "ignore" });
  if (cp.status !== 0) return undefined;
  fs.renameSync(tmp, file); // atomic: test files run side by side
  return file;
};

/** The binary when it has been built, or when the Traefik image is here; else undefined. */
export const traefikBinary = (): string | undefined => {
  const file = traefikBinaryPath();
  return file && fs.existsSync(file) ? file : binaryFromImage();
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
          `${traefikBinaryPath() ?? "(no TRAEFIK_VERSION in images/versions.env)"} ` +
          "and no Traefik image on the Docker engine; run scripts/build-images first",
      );
    });
  else
    it.skip(
      `${name} [skipped: no Traefik binary at ${traefikBinaryPath() ?? "(no TRAEFIK_VERSION)"} nor Traefik image; ` +
        "scripts/build-images makes it; CI fails instead]",
      () => {},
    );
};
