import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import {
  ArchiveRefused,
  compareWithManifest,
  MANIFEST,
  MAX_MANIFEST_BYTES,
  parseManifest,
  pathProblem,
  type Manifest,
  type Observed,
} from "./manifest";

const KINDS: Record<string, string> = {
  CharacterDevice: "a character device",
  BlockDevice: "a block device",
  FIFO: "a FIFO",
};

/** What a tar entry is, in the manifest's terms. */
const observe = (e: ReadEntry): Observed => {
  const base = { mode: e.mode ?? 0, uid: e.uid ?? -1, gid: e.gid ?? -1 };
  switch (e.type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      return { ...base, type: "file", size: e.size };
    case "Directory":
      return { ...base, type: "dir" };
    case "SymbolicLink":
      return { ...base, type: "symlink", target: e.linkpath ?? "" };
    case "Link":
      return { ...base, type: "hardlink" };
    default:
      return { ...base, type: "other", kind: KINDS[e.type] ?? `a tar entry of type ${e.type}` };
  }
};

/** Where an archive path belongs: the structural `volumes` directory, or a volume's entry; else why it is refused. */
export const placeEntry = (p: string, volumes: string[]): { ok: true } | { problem: string } => {
  const bad = pathProblem(p);
  if (bad) return { problem: bad };
  if (p === "volumes") return { ok: true };
  const m = /^volumes\/([^/]+)(\/.*)?$/.exec(p);
  if (!m) return { problem: "outside volumes/ (a recette backup holds manifest.json and volumes/<volume>/ only)" };
  if (!volumes.includes(m[1]!)) return { problem: `in volume ${m[1]}, which the manifest does not declare` };
  const inVolume = pathProblem(m[2]?.slice(1) ?? "");
  if (inVolume) return { problem: inVolume };
  return { ok: true };
};

/**
 * Reads a backup (gzip, then tar) and checks it against its own manifest: manifest.json first and
 * valid, every other entry under a declared volume, of an allowed type, listed with the same mode,
 * owner, size and sha256, and nothing listed missing. Resolves to the manifest; rejects with
 * ArchiveRefused naming the first problem. Nothing is written anywhere.
 */
export const verifyArchiveStream = (input: Readable): Promise<Manifest> =>
  new Promise((resolve, reject) => {
    let manifest: Manifest | undefined;
    let problem: string | undefined;
    let first = true;
    let sawVolumesDir = false;
    const found = new Map<string, Observed>();
    const pending: Promise<void>[] = [];
    const fail = (msg: string) => {
      problem ??= msg;
    };

    const parser = new Parser({ strict: true });
    parser.on("entry", (e: ReadEntry) => {
      const p = e.path.replace(/\/+$/, "");
      const isFirst = first;
      first = false;
      if (problem) return e.resume();
      if (isFirst) {
        if (p !== MANIFEST || e.type !== "File") {
          fail(`the first entry is ${JSON.stringify(e.path)}, not manifest.json: not a recette backup`);
          return e.resume();
        }
        if (e.size > MAX_MANIFEST_BYTES) {
          fail(`manifest.json is ${e.size} bytes (at most ${MAX_MANIFEST_BYTES})`);
          return e.resume();
        }
        const chunks: Buffer[] = [];
        e.on("data", (c: Buffer) => chunks.push(c));
        pending.push(
          new Promise((done) =>
            e.on("end", () => {
              try {
                manifest = parseManifest(Buffer.concat(chunks).toString("utf8"));
              } catch (err) {
                fail((err as Error).message);
              }
              done();
            }),
          ),
        );
        return;
      }
      if (!manifest) {
        fail(`${JSON.stringify(e.path)} follows an unreadable manifest`);
        return e.resume();
      }
      const place = placeEntry(
        p,
        manifest.volumes.map((v) => v.logical),
      );
      if ("problem" in place) {
        fail(`${JSON.stringify(e.path)}: ${place.problem}`);
        return e.resume();
      }
      if (p === "volumes") {
        if (sawVolumesDir || e.type !== "Directory") fail(`${JSON.stringify(e.path)}: volumes must be one directory`);
        sawVolumesDir = true;
        return e.resume();
      }
      if (found.has(p)) {
        fail(`${JSON.stringify(p)} appears twice in the archive`);
        return e.resume();
      }
      const got = observe(e);
      found.set(p, got);
      if (got.type !== "file") return e.resume();
      const hash = createHash("sha256");
      e.on("data", (c: Buffer) => hash.update(c));
      pending.push(
        new Promise((done) =>
          e.on("end", () => {
            got.sha256 = hash.digest("hex");
            done();
          }),
        ),
      );
    });

    const gunzip = zlib.createGunzip();
    const onError = (err: Error & { code?: string }) => {
      input.unpipe();
      const why =
        err.code === "Z_DATA_ERROR" || err.code === "Z_BUF_ERROR"
          ? `not a gzip archive or a damaged one (${err.message})`
          : err.code === "TAR_BAD_ARCHIVE"
            ? "no tar archive inside the gzip: not a recette backup"
            : `damaged tar archive (${err.message})`;
      reject(new ArchiveRefused(why));
    };
    input.on("error", (err) => reject(err));
    gunzip.on("error", onError);
    parser.on("error", onError);
    parser.on("end", () => {
      void Promise.all(pending).then(() => {
        if (!problem && first) problem = "the archive is empty: not a recette backup";
        if (!problem && !manifest) problem = "no manifest.json: not a recette backup";
        if (!problem && manifest) problem = compareWithManifest(manifest, found);
        if (problem) reject(new ArchiveRefused(problem));
        else resolve(manifest!);
      });
    });
    input.pipe(gunzip).pipe(parser);
  });

/** verifyArchiveStream on a file. */
export const verifyArchiveFile = (file: string): Promise<Manifest> => verifyArchiveStream(fs.createReadStream(file));
