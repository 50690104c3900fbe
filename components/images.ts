import * as fs from "node:fs";
import * as path from "node:path";

/** images/versions.env: the one place image versions are pinned (scripts/build-images reads it too). */
export const VERSIONS_FILE = path.join(__dirname, "..", "images", "versions.env");

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
 * registry the user pushed recette's images to (stack config `imageRegistry`); Traefik comes from
 * its official image there.
 */
export interface ImageSource {
  registry: "local" | string;
}

export const traefikImage = (src: ImageSource, version?: string): string =>
  src.registry === "local" ? (version ? `recette/traefik:${version}` : pinned("TRAEFIK_IMAGE")) : `traefik:${version ?? pinned("TRAEFIK_VERSION")}`;

export const pluxmlImage = (src: ImageSource, version?: string): string => {
  const tag = tagOf(version ?? pinned("PLUXML_VERSION"));
  return src.registry === "local" ? `recette/pluxml:${tag}` : `${src.registry}/pluxml:${tag}`;
};

export const opensmtpdImage = (src: ImageSource): string =>
  src.registry === "local" ? pinned("OPENSMTPD_IMAGE") : `${src.registry}/opensmtpd:${tagOf(pinned("OPENSMTPD_VERSION"))}`;

export const pebbleImage = (): string => pinned("PEBBLE_IMAGE");
