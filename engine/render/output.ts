import * as fs from "node:fs";
import * as path from "node:path";
import { escapeControls } from "../load/text";
import type { Artifact } from "./artifacts";

/** The file `recette render` leaves in every directory it writes: what it made, so it may replace exactly that. */
export const RENDER_MARKER = ".recette-render";

interface Marker {
  recette: "render";
  files: string[];
}

const readMarker = (dir: string): Marker | undefined => {
  try {
    const file = path.join(dir, RENDER_MARKER);
    if (!fs.lstatSync(file).isFile()) return undefined;
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Marker>;
    return m.recette === "render" && Array.isArray(m.files) && m.files.every((f) => typeof f === "string")
      ? (m as Marker)
      : undefined;
  } catch {
    return undefined;
  }
};

/** Every file and symlink under `dir`, relative, directories excluded. */
const listFiles = (dir: string, rel = ""): string[] =>
  fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, p) : [p];
  });

export class OutputRefused extends Error {}

/**
 * Whether `out` may receive a render: it does not exist, is an empty directory, or is a directory a
 * previous render made and that holds nothing else. Anything else (a file, a symlink, a folder of
 * the user's, the repository, `/`) is refused: render never removes what it did not create.
 * Returns the files to replace (empty when there is nothing to replace).
 */
export const checkRenderTarget = (out: string): { exists: boolean } => {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { exists: false };
    throw new OutputRefused(
      `${escapeControls(out)}: cannot be inspected ` +
        `(${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing was written`,
    );
  }
  const refuse = (why: string) =>
    new OutputRefused(
      `${escapeControls(out)}: ${why}; nothing was changed (give --out a new or empty directory, e.g. out/dev)`,
    );
  if (st.isSymbolicLink()) throw refuse("is a symbolic link");
  if (!st.isDirectory()) throw refuse("exists and is not a directory");
  if (path.resolve(out) === path.parse(path.resolve(out)).root) throw refuse("is the root of the filesystem");
  const present = listFiles(out);
  if (present.length === 0) return { exists: true };
  const marker = readMarker(out);
  if (!marker) throw refuse(`is not empty and was not made by recette render (no ${RENDER_MARKER} file)`);
  const made = new Set([...marker.files, RENDER_MARKER]);
  const foreign = present.filter((f) => !made.has(f));
  if (foreign.length > 0)
    throw refuse(
      "holds files recette render did not write " +
        `(${foreign.slice(0, 3).map(escapeControls).join(", ")}${foreign.length > 3 ? ", …" : ""})`,
    );
  return { exists: true };
};

/** Artifact paths are relative and stay inside the output directory. */
const safeRelative = (p: string): boolean =>
  p !== "" &&
  !path.isAbsolute(p) &&
  !p.split("/").some((s) => s === "" || s === "." || s === "..") &&
  !p.includes("\0");

/**
 * Writes the artifacts as `out`, atomically: a temporary directory beside it is filled (with the
 * marker), then renamed into place; a previous render is moved aside first and removed only after
 * the new one is in place. `out` must pass checkRenderTarget.
 */
export const writeArtifacts = (out: string, artifacts: Artifact[]): void => {
  const { exists } = checkRenderTarget(out);
  for (const a of artifacts)
    if (!safeRelative(a.path))
      throw new OutputRefused(`refusing to write ${JSON.stringify(a.path)}: not a plain relative path`);
  const target = path.resolve(out);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.render-`));
  // mkdtemp makes it private; the rendered directory is as readable as any directory the user makes.
  fs.chmodSync(tmp, 0o777 & ~process.umask());
  try {
    for (const a of artifacts) {
      const file = path.join(tmp, a.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, a.content, { flag: "wx" });
    }
    const marker: Marker = { recette: "render", files: artifacts.map((a) => a.path).sort() };
    fs.writeFileSync(path.join(tmp, RENDER_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { flag: "wx" });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (!exists) {
    fs.renameSync(tmp, target);
    return;
  }
  const old = `${tmp}.old`;
  fs.renameSync(target, old);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  // `old` passed checkRenderTarget: empty, or only what a previous render wrote.
  fs.rmSync(old, { recursive: true, force: true });
};
