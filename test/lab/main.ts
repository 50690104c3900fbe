import { labDown, labUp } from "./lab";

// Entry of scripts/lab-up and scripts/lab-down: `tsx test/lab/main.ts up|down`. Progress on stderr;
// `up` prints the manager's address on stdout.
const log = (s: string) => process.stderr.write(`[lab] ${s}\n`);

const main = async (command: string | undefined): Promise<number> => {
  if (command === "up") {
    process.stdout.write(`${await labUp(log)}\n`);
    return 0;
  }
  if (command === "down") {
    await labDown(log);
    return 0;
  }
  process.stderr.write("usage: tsx test/lab/main.ts up|down\n");
  return 2;
};

main(process.argv[2]).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    log(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
