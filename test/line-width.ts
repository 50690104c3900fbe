/**
 * Every tracked TypeScript line is at most 120 characters, Biome's lineWidth (biome.jsonc). Biome breaks code
 * but not what it cannot split without changing it: string and template literals, regular expressions, comments
 * and test titles. Those are split by hand ("…" + "…", new RegExp([…].join(""))), and this check keeps it so.
 * `npm run lint` (the first step of `npm test`) runs it: it prints each offending file:line and exits 1.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const MAX = 120;
const ROOT = path.resolve(__dirname, "..");

/**
 * Lines that stay longer, each with its reason: file, then the line's text (not its number, which moves).
 * Keep it empty: a line is split rather than listed here.
 */
const ALLOWED: { file: string; line: string; why: string }[] = [];

/**
 * docs/api is tsc's output (npm run docs:api), not a source: tsc prints each declaration on one line, and
 * test/artifacts/api-reference.test.ts checks that it is what tsc emits from the sources now.
 */
const GENERATED = (file: string) => file.startsWith("docs/api/");

const files = execFileSync("git", ["ls-files", "-z", "--", "*.ts", "*.mts"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter((f) => f !== "" && !GENERATED(f) && fs.existsSync(path.join(ROOT, f)));

const long: string[] = [];
for (const file of files) {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  lines.forEach((line, i) => {
    const width = [...line].length;
    if (width <= MAX) return;
    if (ALLOWED.some((a) => a.file === file && a.line === line.trim())) return;
    long.push(`${file}:${i + 1}: ${width} characters (at most ${MAX})`);
  });
}

for (const l of long) console.error(l);
if (long.length > 0)
  console.error(
    `line-width: ${long.length} line(s) longer than ${MAX} characters: split the string, template, regular ` +
      'expression or comment ("…" + "…"; new RegExp([…].join(""))); Biome does not (test/line-width.ts)',
  );
process.exit(long.length > 0 ? 1 : 0);
