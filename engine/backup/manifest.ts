import * as path from "node:path";
import * as z from "zod";
import { CONTROL } from "../load/text";

/**
 * A recette backup is a .tar.gz holding `manifest.json` first, then `volumes/<logical>/...`: every
 * file, directory and symlink of each volume, with its mode and owner. The manifest lists every entry
 * (sha256 and size for files), so a restore can refuse an archive that is corrupt, truncated, or holds
 * anything it does not describe, before a byte reaches a volume.
 */
export const FORMAT = "recette-backup/1";
export const MANIFEST = "manifest.json";
/** A manifest larger than this is refused before it is parsed (a PluXml blog lists a few thousand entries). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Work directories restore and backup leave in a volume's root while they run (never archived). */
export const WORK_DIR = /^\.recette-(restore|previous)-/;

const logical = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "a volume's logical name (e.g. blog-data)");
const mode = z.string().regex(/^0[0-7]{3,4}$/, "octal permission bits such as 0644");
const id = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);

const entry = z
  .object({
    volume: logical,
    /** Relative to the volume's root; "" is the root itself. */
    path: z.string().max(4096),
    type: z.enum(["file", "dir", "symlink"]),
    mode,
    uid: id,
    gid: id,
    size: z.number().int().min(0).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    target: z.string().max(4096).optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    format: z.literal(FORMAT),
    recetteVersion: z.string().max(64),
    createdAt: z.iso.datetime(),
    project: z.string().regex(/^[a-z0-9-]{1,63}$/),
    stack: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/),
    recipe: z.string().max(64),
    apps: z.array(logical),
    volumes: z.array(z.object({ logical, workload: logical, name: z.string().max(255) }).strict()).min(1),
    files: z.array(entry),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = z.infer<typeof entry>;

export class ArchiveRefused extends Error {}

const refuse = (msg: string): never => {
  throw new ArchiveRefused(msg);
};

/** Why a path inside a volume is refused, or undefined. The same rule for backup and restore. */
export const pathProblem = (p: string): string | undefined => {
  if (p === "") return undefined;
  if (p.startsWith("/")) return "an absolute path";
  if (CONTROL.test(p) || p.includes("\n")) return "a control character in the name";
  if (p.includes("\\")) return "a backslash in the name";
  const parts = p.split("/");
  if (parts.includes("..")) return '".." in the path';
  if (parts.some((s) => s === "" || s === ".")) return "an empty or . segment in the path";
  if (WORK_DIR.test(parts[0]!)) return "a restore's work directory (a restore did not finish: inspect and remove it)";
  return undefined;
};

/**
 * Why a symlink is refused: absolute targets and targets that leave the volume would point at the host's or container's
 * files.
 */
export const linkProblem = (p: string, target: string): string | undefined => {
  if (target === "" || target.startsWith("/")) return `a symlink to an absolute path (${target})`;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(p), target));
  if (resolved === ".." || resolved.startsWith("../")) return `a symlink escaping its volume (${target})`;
  return undefined;
};

/** Every problem of one manifest entry, as text (empty when it is fine). */
export const entryProblem = (e: ManifestEntry): string | undefined => {
  const bad = pathProblem(e.path);
  if (bad) return bad;
  if (e.type === "file" && (e.size === undefined || e.sha256 === undefined)) return "a file without size or sha256";
  if (e.type !== "file" && (e.size !== undefined || e.sha256 !== undefined)) return `a ${e.type} with a size or sha256`;
  if (e.type === "symlink") return e.target === undefined ? "a symlink without target" : linkProblem(e.path, e.target);
  if (e.target !== undefined) return `a ${e.type} with a target`;
  if (e.path === "" && e.type !== "dir") return "a volume root that is not a directory";
  return undefined;
};

/** The archive path of an entry: `volumes/<logical>/<path>` (the root without a trailing name). */
export const archivePath = (e: Pick<ManifestEntry, "volume" | "path">): string =>
  e.path === "" ? `volumes/${e.volume}` : `volumes/${e.volume}/${e.path}`;

const show = (s: string) => JSON.stringify(s);

/** Parses and checks manifest.json: its shape, then every entry, each volume declared once with a root. */
export const parseManifest = (text: string): Manifest => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return refuse(`manifest.json is not JSON (${(e as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refuse(`manifest.json ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  }
  const m = parsed.data;
  const volumes = new Set<string>();
  for (const v of m.volumes) {
    if (volumes.has(v.logical)) refuse(`manifest.json declares volume ${v.logical} twice`);
    volumes.add(v.logical);
  }
  const seen = new Set<string>();
  for (const e of m.files) {
    const where = show(archivePath(e));
    if (!volumes.has(e.volume)) refuse(`manifest.json lists ${where} in undeclared volume ${e.volume}`);
    const bad = entryProblem(e);
    if (bad) refuse(`manifest.json lists ${where}: ${bad}`);
    if (seen.has(archivePath(e))) refuse(`manifest.json lists ${where} twice`);
    seen.add(archivePath(e));
  }
  for (const v of volumes) if (!seen.has(`volumes/${v}`)) refuse(`manifest.json has no root directory for volume ${v}`);
  return m;
};

/** What an archive entry or a volume's inventory says about one path, compared with the manifest. */
export interface Observed {
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  /** For "other": what it is (a character device, a FIFO…). */
  kind?: string;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  target?: string;
}

export const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;

/** Why an observed entry differs from the manifest's, or undefined when it matches exactly. */
export const mismatch = (want: ManifestEntry, got: Observed): string | undefined => {
  if (got.type === "other")
    return `${got.kind ?? "a special file"} (recette backups hold files, directories and symlinks)`;
  if (got.type === "hardlink") return "a hard link (recette backups store each file's content)";
  if (got.type !== want.type) return `a ${got.type} where the manifest lists a ${want.type}`;
  if (octal(got.mode) !== want.mode) return `mode ${octal(got.mode)} where the manifest lists ${want.mode}`;
  if (got.uid !== want.uid || got.gid !== want.gid)
    return `owner ${got.uid}:${got.gid} where the manifest lists ${want.uid}:${want.gid}`;
  if (want.type === "symlink" && got.target !== want.target)
    return `a symlink to ${show(got.target ?? "")} where the manifest lists ${show(want.target ?? "")}`;
  if (want.type === "file") {
    if (got.size !== want.size) return `${got.size} bytes where the manifest lists ${want.size}`;
    if (got.sha256 !== want.sha256)
      return `sha256 ${got.sha256} where the manifest lists ${want.sha256} (the archive is corrupt)`;
  }
  return undefined;
};

/** Entries of the manifest, keyed by archive path. */
export const manifestIndex = (m: Manifest): Map<string, ManifestEntry> =>
  new Map(m.files.map((e) => [archivePath(e), e]));

/**
 * Compares what was found (an archive's entries, or a restored volume's inventory) with the manifest:
 * the first entry the manifest does not list, differs from, or leaves out is the error.
 */
export const compareWithManifest = (
  m: Manifest,
  found: Map<string, Observed>,
  volumes: string[] = m.volumes.map((v) => v.logical),
): string | undefined => {
  const index = manifestIndex(m);
  for (const [p, got] of found) {
    const want = index.get(p);
    if (!want) return `${show(p)} is not in the manifest`;
    const bad = mismatch(want, got);
    if (bad) return `${show(p)}: ${bad}`;
  }
  for (const e of m.files) {
    if (!volumes.includes(e.volume)) continue;
    if (!found.has(archivePath(e))) return `${show(archivePath(e))} is listed in the manifest but missing`;
  }
  return undefined;
};
