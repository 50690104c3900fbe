import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { backupStack } from "../backup/backup";
import type { Manifest } from "../backup/manifest";
import { escapeControls } from "../load/text";
import { parseVolumeCommand, recetteVersion, reportFailure, size, withStackKey } from "./volumes";

// Said after the rare usage errors the command line lets through (the definition is in defs/).
export const usage = "recette backup <file.tar.gz> --stack <name> [options]   (recette backup --help for more)";

/** One line per volume: what went into the archive. */
export const describeVolumes = (m: Manifest): string =>
  m.volumes
    .map((v) => {
      const files = m.files.filter((e) => e.volume === v.logical && e.type === "file");
      return (
        `${v.logical} (${files.length} file${files.length === 1 ? "" : "s"}, ` +
        `${size(files.reduce((s, e) => s + (e.size ?? 0), 0))})`
      );
    })
    .join(", ");

/** Exit 0 written; 1 refused (existing file, no volumes, changing data, Docker or kubectl failure); 2 usage. */
export const backupCommand = async (
  args: string[],
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> => {
  const cmd = parseVolumeCommand(
    "backup",
    usage,
    args,
    { workload: { type: "string", multiple: true }, force: { type: "boolean" } },
    io,
  );
  if (typeof cmd === "number") return cmd;
  const { values: v, place, file, image } = cmd;
  const log = (s: string) => io.err(`recette backup: ${escapeControls(s)}`);
  try {
    const m = await withStackKey(place.stack, [v.host, v.manager], log, () =>
      backupStack({
        place,
        file,
        force: v.force === true,
        // The blog's data and Traefik's certificates; the relay's spool and mailbox only when asked for.
        workloads: v.workload ?? ["blog", "traefik"],
        image,
        version: recetteVersion(),
        log,
      }),
    );
    const sha = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    io.out(
      `wrote ${escapeControls(file)}: stack ${m.stack} (recipe ` +
        `${escapeControls(m.recipe)}), ${describeVolumes(m)}; sha256 ${sha}`,
    );
    return 0;
  } catch (e) {
    return reportFailure("backup", e, io.err);
  }
};
