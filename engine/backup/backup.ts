import { isDeepStrictEqual } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import { verifyArchiveFile } from "./archive";
import { archivePath, entryProblem, FORMAT, type Manifest, type ManifestEntry, type Observed } from "./manifest";
import { COPY, LIST, parseInventory, SUMS, TAR_ARGS, toEntries } from "./scripts";
import { exec, type Helper } from "./site";
import { checkNoLeftovers, helperName, Refused, stackVolumes, type Place } from "./stack";

export interface BackupOptions {
  place: Place;
  file: string;
  force: boolean;
  workloads: string[];
  image: string;
  version: string;
  /** How many times the copy is redone when the volume changed while it was copied. Defaults to 5. */
  attempts?: number;
  log: (s: string) => void;
}

/** The output file: never an existing one without --force, never a directory or a special file. */
export const checkOutput = (file: string, force: boolean): void => {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    if (!fs.existsSync(path.dirname(path.resolve(file)))) throw new Refused(`${file}: its directory does not exist`);
    return;
  }
  if (!st.isFile()) throw new Refused(`${file} exists and is not a regular file: give a new file name`);
  if (!force)
    throw new Refused(
      `${file} exists: pass --force to replace it (the new backup ` +
        "is written beside it and renamed over it only when complete)",
    );
};

export const inventory = async (h: Helper, dir: string): Promise<Map<string, Observed>> => {
  const list = await exec(h, ["bash", "-c", LIST, "bash", dir]);
  const sums = await exec(h, ["bash", "-c", SUMS, "bash", dir]);
  return parseInventory(list.stdout, sums.stdout);
};

/** The first path where two inventories differ, or undefined when they are equal. */
export const firstDifference = (a: Map<string, Observed>, b: Map<string, Observed>): string | undefined => {
  for (const [p, o] of a) if (!isDeepStrictEqual(o, b.get(p))) return p;
  for (const p of b.keys()) if (!a.has(p)) return p;
  return undefined;
};

/**
 * Copies the volumes inside the helper, then compares the copy with the live volumes; redone until
 * both agree (the copy is then a state the volumes were in, even while the blog writes) or the
 * attempts run out (a volume rewritten without pause: better no backup than a torn one).
 */
const stableCopy = async (
  h: Helper,
  logicals: string[],
  attempts: number,
  log: (s: string) => void,
): Promise<ManifestEntry[]> => {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await exec(h, ["bash", "-c", COPY, "bash", ...logicals]);
    const entries: ManifestEntry[] = [];
    let changed: string | undefined;
    for (const l of logicals) {
      const copy = await inventory(h, `/s/volumes/${l}`);
      const live = await inventory(h, `/v/${l}`);
      const diff = firstDifference(copy, live);
      if (diff !== undefined) {
        changed = archivePath({ volume: l, path: diff });
        break;
      }
      entries.push(...toEntries(l, copy));
    }
    if (changed === undefined) return entries;
    log(`${changed} changed while it was copied (attempt ${attempt} of ${attempts}); copying again`);
  }
  throw new Refused(
    `the volumes kept changing during ${attempts} copies: no consistent backup. Retry when the blog is quieter`,
  );
};

/** Writes a backup of the stack's volumes to `file`; resolves to its manifest. */
export const backupStack = async (o: BackupOptions): Promise<Manifest> => {
  checkOutput(o.file, o.force);
  const volumes = await stackVolumes(o.place, o.workloads);
  const recipes = [...new Set(volumes.map((v) => v.recipe))];
  if (recipes.length !== 1)
    throw new Refused(`the volumes disagree on their recipe (recette.recipe labels: ${recipes.join(", ")})`);
  const { site } = o.place;
  await site.checkPlacement(o.place.prefix, o.workloads);
  await site.ensureImage(o.image);

  const logicals = volumes.map((v) => v.logical);
  const tmp = path.join(
    path.dirname(path.resolve(o.file)),
    `.${path.basename(o.file)}.tmp-${process.pid}-${Date.now()}`,
  );
  const h = await site.startHelper({
    name: helperName(o.place, "backup"),
    image: o.image,
    labels: { "recette.stack": o.place.prefix, "recette.helper": "backup" },
    mounts: volumes.map((v) => ({ volume: v.name, target: `/v/${v.logical}`, readOnly: true })),
  });
  try {
    for (const v of volumes) await checkNoLeftovers(h, `/v/${v.logical}`, v.name);
    const files = await stableCopy(h, logicals, o.attempts ?? 5, o.log);
    for (const e of files) {
      const bad = entryProblem(e);
      if (bad)
        throw new Refused(
          `${JSON.stringify(archivePath(e))}: ${bad}; a restore would refuse it, so no backup is written`,
        );
    }
    const manifest: Manifest = {
      format: FORMAT,
      recetteVersion: o.version,
      createdAt: new Date().toISOString(),
      project: o.place.project,
      stack: o.place.stack,
      recipe: recipes[0]!,
      apps: [...new Set(volumes.map((v) => v.workload))],
      volumes: volumes.map((v) => ({ logical: v.logical, workload: v.workload, name: v.name })),
      files,
    };
    await exec(h, ["bash", "-c", "cat > /s/manifest.json"], { input: `${JSON.stringify(manifest, null, 1)}\n` });
    // 0600: the archive holds PluXml's password hashes and the ACME account and certificate keys.
    const out = fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 });
    const gzip = zlib.createGzip();
    const written = pipeline(gzip, out);
    await exec(h, TAR_ARGS, { stdout: gzip });
    await written;
    // The archive is read back with restore's own checks before it may replace anything.
    const check = await verifyArchiveFile(tmp);
    if (!isDeepStrictEqual(check, manifest))
      throw new Refused(
        "the archive read back does not match the manifest written (disk or helper fault); nothing replaced",
      );
    const fd = fs.openSync(tmp, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    if (o.force) fs.renameSync(tmp, o.file);
    else fs.linkSync(tmp, o.file); // fails if the file appeared meanwhile: still never overwritten without --force
    return manifest;
  } finally {
    fs.rmSync(tmp, { force: true });
    await site.removeHelper(h);
  }
};
