import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { firstDifference } from "./backup";
import { namesRegistry } from "./docker";
import type { Observed } from "./manifest";
import { COPY, LEFTOVERS, LIST, parseInventory, ROLLBACK, SUMS, SWAP, toEntries } from "./scripts";

const HASH = "a".repeat(64);

describe("parseInventory", () => {
  it("reads find's NUL-separated records and sha256sum -z, names with spaces and newlines-free", () => {
    const list = Buffer.from(
      [
        "d 755 33 33 4096",
        "",
        "",
        "f 600 0 0 2",
        "",
        "acme file.json",
        "l 777 33 33 3",
        "acme file.json",
        "link",
        "p 644 0 0 0",
        "",
        "fifo",
        "",
      ].join("\0"),
    );
    const sums = Buffer.from(`${HASH}  ./acme file.json\0`);
    const found = parseInventory(list, sums);
    expect([...found]).toEqual([
      ["", { type: "dir", mode: 0o755, uid: 33, gid: 33 }],
      ["acme file.json", { type: "file", mode: 0o600, uid: 0, gid: 0, size: 2, sha256: HASH }],
      ["link", { type: "symlink", mode: 0o777, uid: 33, gid: 33, target: "acme file.json" }],
      ["fifo", { type: "other", kind: "a FIFO", mode: 0o644, uid: 0, gid: 0 }],
    ]);
    expect(toEntries("traefik-acme", new Map([...found].slice(0, 2)))).toEqual([
      { volume: "traefik-acme", path: "", type: "dir", mode: "0755", uid: 33, gid: 33 },
      {
        volume: "traefik-acme",
        path: "acme file.json",
        type: "file",
        mode: "0600",
        uid: 0,
        gid: 0,
        size: 2,
        sha256: HASH,
      },
    ]);
  });

  it("firstDifference finds a changed, a new and a removed entry (the check can fail)", () => {
    const a = new Map<string, Observed>([["x", { type: "file", mode: 0o644, uid: 0, gid: 0, size: 1, sha256: HASH }]]);
    expect(firstDifference(a, new Map(a))).toBeUndefined();
    expect(firstDifference(a, new Map<string, Observed>([["x", { ...a.get("x")!, sha256: "b".repeat(64) }]]))).toBe(
      "x",
    );
    expect(
      firstDifference(a, new Map<string, Observed>([...a, ["y", { type: "dir", mode: 0o755, uid: 0, gid: 0 }]])),
    ).toBe("y");
    expect(firstDifference(a, new Map())).toBe("x");
  });
});

describe("the helper's scripts", () => {
  it.each([
    ["LIST", LIST],
    ["SUMS", SUMS],
    ["COPY", COPY],
    ["LEFTOVERS", LEFTOVERS],
    ["SWAP", SWAP],
    ["ROLLBACK", ROLLBACK],
  ])("%s passes shellcheck and bash -n", (name, script) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recette-backup-sh-")), `${name}.sh`);
    fs.writeFileSync(file, script);
    expect(spawnSync("bash", ["-n", file], { encoding: "utf8" }).status).toBe(0);
    const r = spawnSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
    // Missing or crashing, shellcheck fails the test: an empty output proves nothing then.
    expect(r.error, "shellcheck must be installed (scripts/ensure-validators installs it)").toBeUndefined();
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it(
    "SWAP then ROLLBACK on a real directory: the swap is " + "renames only, the rollback gives back the previous data",
    () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "recette-swap-"));
      fs.writeFileSync(path.join(root, "old file"), "old");
      fs.mkdirSync(path.join(root, ".recette-restore-1"));
      fs.writeFileSync(path.join(root, ".recette-restore-1", "new file"), "new");
      const me = `${process.getuid!()}:${process.getgid!()}`;
      const run = (s: string, mode: string) =>
        spawnSync("bash", ["-c", s, "bash", root, ".recette-restore-1", ".recette-previous-1", me, mode], {
          encoding: "utf8",
        });
      expect(run(SWAP, "750").status).toBe(0);
      expect(fs.readdirSync(root).sort()).toEqual([".recette-previous-1", "new file"]);
      expect(fs.statSync(root).mode & 0o777).toBe(0o750);
      expect(run(ROLLBACK, "700").status).toBe(0);
      expect(fs.readdirSync(root).sort()).toEqual([".recette-restore-1", "old file"]);
      expect(fs.readdirSync(path.join(root, ".recette-restore-1"))).toEqual(["new file"]);
      expect(fs.statSync(root).mode & 0o777).toBe(0o700);
    },
  );
});

describe("namesRegistry (a helper image that names a registry is pulled when missing)", () => {
  it.each([
    ["10.253.1.1:5000/debian-base:bookworm", true],
    ["rg.fr-par.scw.cloud/recette/debian-base:bookworm", true],
    ["localhost/debian-base:bookworm", true],
    ["recette/debian-base:bookworm", false],
    ["debian:bookworm", false],
  ])("%s → %s", (image, expected) => {
    expect(namesRegistry(image)).toBe(expected);
  });
});
