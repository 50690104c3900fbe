import type { Io } from "./define";
import { COMMANDS } from "./defs";
import { runProgram } from "./program";
import { packageVersion } from "./version";

/** recette's command line: the definitions only; a command's implementation is imported when it runs. */
export const main = (
  argv: string[],
  io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) },
): Promise<number> => runProgram(argv, COMMANDS, packageVersion(), io);

/** The commands the CLI knows, in the order help lists them (the docs check reads them here). */
export const commandNames = (): string[] => COMMANDS.map((c) => c.name);
