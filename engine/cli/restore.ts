import * as fs from "node:fs";
import { restoreStack } from "../backup/restore";
import { escapeControls } from "../load/text";
import { describeVolumes } from "./backup";
import { parseVolumeCommand, reportFailure, withStackKey } from "./volumes";

// Said after the rare usage errors the command line lets through (the definition is in defs/).
export const usage = "recette restore <file.tar.gz> --stack <name> [options]   (recette restore --help for more)";

/** Why `file` cannot be an archive to restore (missing, a directory), in words that say what to give instead. */
export const archiveProblem = (file: string): string | undefined => {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  const what =
    "give the path of a .tar.gz written by recette backup (e.g. recette backup -s local backups/local.tar.gz)";
  if (!st) return `there is no file ${escapeControls(file)}: ${what}`;
  if (!st.isFile()) return `${escapeControls(file)} is not a file: ${what}`;
  return undefined;
};

/**
 * Exit 0 restored; 1 refused (missing, corrupt or foreign archive, volume in use without --stop, Docker or kubectl
 * failure); 2 usage.
 */
export const restoreCommand = async (
  args: string[],
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> => {
  const cmd = parseVolumeCommand(
    "restore",
    usage,
    args,
    { "from-stack": { type: "string" }, stop: { type: "boolean" } },
    io,
    archiveProblem,
  );
  if (typeof cmd === "number") return cmd;
  const { values: v, place, file, image } = cmd;
  const log = (s: string) => io.err(`recette restore: ${escapeControls(s)}`);
  try {
    const m = await withStackKey(place.stack, [v.host, v.manager], log, () =>
      restoreStack({
        place,
        file,
        ...(v["from-stack"] ? { fromStack: v["from-stack"] } : {}),
        stop: v.stop === true,
        image,
        log,
      }),
    );
    io.out(
      `restored ${escapeControls(file)} into stack ${place.stack}: ${describeVolumes(m)} ` +
        `(backup of stack ${m.stack} made ${m.createdAt})`,
    );
    return 0;
  } catch (e) {
    return reportFailure("restore", e, io.err);
  }
};
