import * as fs from "node:fs";
import { restoreStack } from "../backup/restore";
import { escapeControls } from "../load/text";
import { describeVolumes } from "./backup";
import { parseVolumeCommand, reportFailure } from "./volumes";

export const summary = "put a backup back into a stack's volumes: checked first, staged and verified, then swapped in (--stop if in use)";
export const usage =
  "recette restore --stack <name> [--from-stack <name>] [--stop] [--host <docker host>] [--manager <docker host>] [--kubeconfig <file>] <file.tar.gz>   e.g. recette restore --stack local --stop backups/local.tar.gz";

/** Why `file` cannot be an archive to restore (missing, a directory), in words that say what to give instead. */
export const archiveProblem = (file: string): string | undefined => {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  const what = "give the path of a .tar.gz written by recette backup (e.g. recette backup -s local backups/local.tar.gz)";
  if (!st) return `there is no file ${escapeControls(file)}: ${what}`;
  if (!st.isFile()) return `${escapeControls(file)} is not a file: ${what}`;
  return undefined;
};

/** Exit 0 restored; 1 refused (corrupt or foreign archive, volume in use without --stop, Docker or kubectl failure); 2 usage. */
export const restoreCommand = async (args: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> => {
  const cmd = parseVolumeCommand("restore", usage, args, { "from-stack": { type: "string" }, stop: { type: "boolean" } }, io, archiveProblem);
  if (typeof cmd === "number") return cmd;
  const { values: v, place, file, image } = cmd;
  try {
    const m = await restoreStack({
      place,
      file,
      ...(v["from-stack"] ? { fromStack: v["from-stack"] } : {}),
      stop: v.stop === true,
      image,
      log: (s) => io.err(`recette restore: ${escapeControls(s)}`),
    });
    io.out(`restored ${escapeControls(file)} into stack ${place.stack}: ${describeVolumes(m)} (backup of stack ${m.stack} made ${m.createdAt})`);
    return 0;
  } catch (e) {
    return reportFailure("restore", e, io.err);
  }
};
