import { parseArgs } from "node:util";
import { restoreStack } from "../backup/restore";
import { escapeControls } from "../load/text";
import { describeVolumes } from "./backup";
import { DEFAULT_HELPER_IMAGE, ENGINE_OPTIONS, reportFailure, resolvePlace } from "./volumes";

export const summary = "put a backup back into a stack's volumes: checked first, staged and verified, then swapped in (--stop if in use)";
export const usage =
  "recette restore --stack <name> [--from-stack <name>] [--stop] [--host <docker host>] [--manager <docker host>] <file.tar.gz>   e.g. recette restore --stack local --stop backups/local.tar.gz";

/** Exit 0 restored; 1 refused (corrupt or foreign archive, volume in use without --stop, k3s, Docker failure); 2 usage. */
export const restoreCommand = async (args: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { ...ENGINE_OPTIONS, "from-stack": { type: "string" }, stop: { type: "boolean" } } });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  const v = parsed.values;
  const where = resolvePlace("restore", v);
  if ("code" in where || parsed.positionals.length !== 1) {
    io.err(("message" in where && where.message) || `usage: ${usage}`);
    return "code" in where ? where.code : 2;
  }
  const file = parsed.positionals[0]!;
  try {
    const m = await restoreStack({
      place: where.place,
      file,
      ...(v["from-stack"] ? { fromStack: v["from-stack"] } : {}),
      stop: v.stop === true,
      image: v["helper-image"] ?? DEFAULT_HELPER_IMAGE,
      log: (s) => io.err(`recette restore: ${escapeControls(s)}`),
    });
    io.out(`restored ${escapeControls(file)} into stack ${where.place.stack}: ${describeVolumes(m)} (backup of stack ${m.stack} made ${m.createdAt})`);
    return 0;
  } catch (e) {
    return reportFailure("restore", e, io.err);
  }
};
