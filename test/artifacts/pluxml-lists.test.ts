import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { versions } from "../../components/images";
import { PLUXML_LOCALES, PLUXML_TIMEZONES } from "../../engine/schema/pluxml-lists";

// The recipe's choices for PluXml's install form must be the release's own: read them from the
// archive scripts/build-images builds the image from (images/versions.env: PLUXML_SOURCE).
const ROOT = path.resolve(__dirname, "../..");
const archive = execFileSync(path.join(ROOT, "scripts/vendor-file"), [versions().PLUXML_SOURCE!], {
  encoding: "utf8",
}).trim();
const tar = (...args: string[]) => {
  const r = spawnSync("tar", ["-xzf", archive, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tar ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

describe(`PluXml ${versions().PLUXML_VERSION}'s install form choices`, () => {
  it("the release archive is there", () => {
    expect(fs.existsSync(archive), `${archive} (PLUXML_SOURCE in images/versions.env)`).toBe(true);
  });

  it("offers exactly the recipe's locales (directories of core/lang/)", () => {
    const listing = spawnSync("tar", ["-tzf", archive], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).stdout;
    const langs = [...new Set([...listing.matchAll(/^[^/]+\/core\/lang\/([a-z]{2})\/$/gm)].map((m) => m[1]))].sort();
    expect(langs).toEqual([...PLUXML_LOCALES]);
  });

  it("offers exactly the recipe's time zones, in its order (plxTimezones)", () => {
    const php = tar("-O", "--wildcards", "*/core/lib/class.plx.timezones.php");
    const zones = [...php.matchAll(/^\s*'([^']+)'\s*=>/gm)].map((m) => m[1]);
    expect(zones).toEqual([...PLUXML_TIMEZONES]);
  });
});
