import type { ManifestEntry, Observed } from "./manifest";

/**
 * The scripts the helper container runs. Each is a constant: values (directories, volume names, ids)
 * arrive as positional arguments ("$1", "$@"), never spliced into the text, so no name can become code.
 */

/** Lists a directory tree: per entry `type mode uid gid size\0target\0path\0` (find -printf; %P is "" for the root). */
export const LIST = `set -eu; cd "$1"; find . -printf '%y %m %U %G %s\\0%l\\0%P\\0'`;
/** sha256 of every regular file: `hash  ./path\0`. */
export const SUMS = `set -eu; cd "$1"; find . -type f -print0 | xargs -0 -r sha256sum -z`;

/**
 * Backup's copy: every volume (mounted read-only under /v) copied with `cp -a` (modes, owners,
 * times, symlinks as symlinks) to /s/volumes inside the helper's own filesystem. Why a copy first:
 * the tarball is then made from a tree nothing writes to, and the copy is compared with the live
 * volume afterwards (LIST + SUMS of both): equal means no file changed while it was copied, so the
 * archive is a state the volume really was in; otherwise the copy is redone (engine/backup/backup.ts).
 */
export const COPY = `set -eu; rm -rf /s; mkdir -p /s/volumes; for l in "$@"; do cp -a "/v/$l" "/s/volumes/$l"; done`;

/** The archive itself: manifest.json first, then volumes/ sorted by name; hard links stored as files. */
export const TAR_ARGS = [
  "tar",
  "--create",
  "--file=-",
  "--directory=/s",
  "--numeric-owner",
  "--hard-dereference",
  "--sort=name",
  "manifest.json",
  "volumes",
];

/** Leftover work directories of a restore that did not finish. */
export const LEFTOVERS =
  'set -eu; cd "$1"; find . -mindepth 1 -maxdepth 1 \\( -name ' +
  "'.recette-restore-*' -o -name '.recette-previous-*' \\) -printf '%P\\n'";

/** Restore's staging: extract one volume of the archive (stdin) into a new directory inside that volume. */
export const extractArgs = (root: string, stage: string, logical: string) => [
  "tar",
  "--extract",
  "--gzip",
  "--file=-",
  `--directory=${root}/${stage}`,
  "--numeric-owner",
  "--same-owner",
  "--same-permissions",
  "--strip-components=2",
  `volumes/${logical}`,
];

/**
 * Restore's swap inside one volume ($1 root, $2 staging dir, $3 previous dir, $4 uid:gid, $5 mode):
 * every current entry is renamed into the previous dir, then every staged entry into the root, then
 * the root gets the archive's owner and mode. Renames within one filesystem: nothing is copied, no
 * data is deleted; the previous dir is removed only once every volume of the archive is swapped.
 */
export const SWAP = `set -eu; cd "$1"; mkdir "$3"
find . -mindepth 1 -maxdepth 1 ! -name "$2" ! -name "$3" -exec mv -t "$3" -- {} +
find "$2" -mindepth 1 -maxdepth 1 -exec mv -t . -- {} +
rmdir "$2"; chown "$4" .; chmod "$5" .`;

/** Undoes SWAP (same arguments; $4 and $5 the root's previous owner and mode). */
export const ROLLBACK = `set -eu; cd "$1"; [ -d "$3" ] || exit 0; mkdir -p "$2"
find . -mindepth 1 -maxdepth 1 ! -name "$2" ! -name "$3" -exec mv -t "$2" -- {} +
find "$3" -mindepth 1 -maxdepth 1 -exec mv -t . -- {} +
rmdir "$3"; chown "$4" .; chmod "$5" .`;

const TYPES: Record<string, Observed["type"]> = { f: "file", d: "dir", l: "symlink" };
const KINDS: Record<string, string> = {
  p: "a FIFO",
  s: "a socket",
  c: "a character device",
  b: "a block device",
  D: "a door",
};

/** Parses LIST and SUMS output into path → what is there (paths relative to the listed root, "" the root). */
export const parseInventory = (list: Buffer, sums: Buffer): Map<string, Observed> => {
  const fields = list.toString("utf8").split("\0");
  const found = new Map<string, Observed>();
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [y, m, u, g, s] = fields[i]!.split(" ");
    const type = TYPES[y!] ?? "other";
    const o: Observed = { type, mode: parseInt(m!, 8), uid: Number(u), gid: Number(g) };
    if (type === "other") o.kind = KINDS[y!] ?? `a file of type ${y}`;
    if (type === "file") o.size = Number(s);
    if (type === "symlink") o.target = fields[i + 1]!;
    found.set(fields[i + 2]!, o);
  }
  for (const rec of sums.toString("utf8").split("\0")) {
    const m = /^([0-9a-f]{64}) [ *]\.\/(.*)$/s.exec(rec);
    if (!m) continue;
    const o = found.get(m[2]!);
    if (o) o.sha256 = m[1];
  }
  return found;
};

/** An inventory as manifest entries of one volume (backup). */
export const toEntries = (volume: string, found: Map<string, Observed>): ManifestEntry[] =>
  [...found]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, o]) => ({
      volume,
      path: p,
      type: o.type as ManifestEntry["type"],
      mode: `0${(o.mode & 0o7777).toString(8).padStart(3, "0")}`,
      uid: o.uid,
      gid: o.gid,
      ...(o.type === "file" ? { size: o.size!, sha256: o.sha256! } : {}),
      ...(o.type === "symlink" ? { target: o.target! } : {}),
    }));
