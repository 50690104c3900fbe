import * as fs from "node:fs";
import * as path from "node:path";

/** The folder holding images/, from `dir` upwards: a checkout (components/) or the package (dist/components/). */
const packageRootOf = (dir: string): string =>
  fs.existsSync(path.join(dir, "images", "versions.env")) || path.dirname(dir) === dir
    ? dir
    : packageRootOf(path.dirname(dir));

/** images/versions.env: the one place image versions are pinned (scripts/build-images reads it too). */
export const VERSIONS_FILE = path.join(packageRootOf(path.resolve(__dirname, "..")), "images", "versions.env");

export const parseVersions = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#") && l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

let cached: Record<string, string> | undefined;
export const versions = (): Record<string, string> => {
  cached ??= parseVersions(fs.readFileSync(VERSIONS_FILE, "utf8"));
  return cached;
};

const pinned = (key: string): string => {
  const v = versions()[key];
  if (!v) throw new Error(`${VERSIONS_FILE}: ${key} is not set`);
  return v;
};

/** Docker tags cannot hold + or ~ (Debian versions do). */
export const tagOf = (version: string) => version.replace(/[+~]/g, "-");

/**
 * Where images come from. `local`: the tags scripts/build-images makes on this machine. Otherwise a
 * registry the user pushed recette's images to (stack config `imageRegistry`, e.g.
 * rg.fr-par.scw.cloud/recette or the lab's 10.253.1.1:5000): `<registry>/<name>:<tag>` for every
 * image, Traefik included (scripts/build-images --push REGISTRY pushes exactly these names, as
 * `recette images --registry REGISTRY` lists them).
 */
export interface ImageSource {
  registry: "local" | string;
}

const inRegistry = (src: ImageSource, name: string, tag: string) =>
  src.registry === "local" ? `recette/${name}:${tag}` : `${src.registry}/${name}:${tag}`;

export const traefikImage = (src: ImageSource, version?: string): string =>
  src.registry === "local" && !version
    ? pinned("TRAEFIK_IMAGE")
    : inRegistry(src, "traefik", tagOf(version ?? pinned("TRAEFIK_VERSION")));

export const pluxmlImage = (src: ImageSource, version?: string): string =>
  inRegistry(src, "pluxml", tagOf(version ?? pinned("PLUXML_VERSION")));

export const opensmtpdImage = (src: ImageSource): string =>
  src.registry === "local"
    ? pinned("OPENSMTPD_IMAGE")
    : inRegistry(src, "opensmtpd", tagOf(pinned("OPENSMTPD_VERSION")));

/** The local test ACME CA (edge.traefik.acme.ca: pebble). */
export const pebbleImage = (src: ImageSource): string =>
  src.registry === "local" ? pinned("PEBBLE_IMAGE") : inRegistry(src, "pebble", tagOf(pinned("PEBBLE_VERSION")));

/**
 * recette's Debian base: the helper `recette backup` and `restore` run on the node that holds a
 * stack's volumes (GNU tar, coreutils, findutils), so it is pushed beside the stack's images.
 */
export const baseImage = (src: ImageSource): string =>
  src.registry === "local" ? pinned("BASE_IMAGE") : inRegistry(src, "debian-base", tagOf(pinned("DEBIAN_SUITE")));

/**
 * Every image a stack's nodes pull that scripts/build-images makes, as [the local tag, its name in
 * `registry`]: what `build-images --push` tags and pushes (the Debian base for backup and restore).
 * `pluxml`: the PluXml releases to list (default: the pinned one), one line each.
 */
export const registryImages = (registry: string, pluxml: string[] = []): [local: string, remote: string][] => {
  const local: ImageSource = { registry: "local" };
  const remote: ImageSource = { registry };
  const releases = pluxml.length > 0 ? pluxml : [undefined];
  return [
    [traefikImage(local), traefikImage(remote)],
    [pebbleImage(local), pebbleImage(remote)],
    ...releases.map((v): [string, string] => [pluxmlImage(local, v), pluxmlImage(remote, v)]),
    [opensmtpdImage(local), opensmtpdImage(remote)],
    [baseImage(local), baseImage(remote)],
  ];
};
