import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { Header } from "tar";
import { describe, expect, it } from "vitest";
import { verifyArchiveStream } from "./archive";
import { FORMAT, type Manifest } from "./manifest";

interface E {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "FIFO";
  mode?: number;
  uid?: number;
  gid?: number;
  body?: string;
  linkpath?: string;
}

/** A tar built block by block, so that tests can write what no well-behaved tar tool would. */
const tarOf = (entries: E[]): Buffer => {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const isFile = e.type === undefined || e.type === "File";
    const body = Buffer.from(isFile ? (e.body ?? "") : "");
    const h = new Header({
      path: e.path,
      type: e.type ?? "File",
      mode: e.mode ?? 0o644,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      size: body.length,
      mtime: new Date(0),
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
    });
    const buf = Buffer.alloc(512);
    h.encode(buf);
    blocks.push(buf);
    if (body.length) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
};

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

const MANIFEST: Manifest = {
  format: FORMAT,
  recetteVersion: "0.1.0",
  createdAt: "2026-11-26T10:00:00.000Z",
  project: "recette",
  stack: "local",
  recipe: "local",
  apps: ["blog", "traefik"],
  volumes: [
    { logical: "blog-data", workload: "blog", name: "recette-local-blog-data" },
    { logical: "traefik-acme", workload: "traefik", name: "recette-local-traefik-acme" },
  ],
  files: [
    { volume: "blog-data", path: "", type: "dir", mode: "0755", uid: 33, gid: 33 },
    { volume: "blog-data", path: "articles", type: "dir", mode: "0755", uid: 33, gid: 33 },
    {
      volume: "blog-data",
      path: "articles/my post.xml",
      type: "file",
      mode: "0644",
      uid: 33,
      gid: 33,
      size: 5,
      sha256: sha("hello"),
    },
    {
      volume: "blog-data",
      path: "latest",
      type: "symlink",
      mode: "0777",
      uid: 33,
      gid: 33,
      target: "articles/my post.xml",
    },
    { volume: "traefik-acme", path: "", type: "dir", mode: "0755", uid: 0, gid: 0 },
    {
      volume: "traefik-acme",
      path: "acme.json",
      type: "file",
      mode: "0600",
      uid: 0,
      gid: 0,
      size: 2,
      sha256: sha("{}"),
    },
  ],
};

const GOOD: E[] = [
  { path: "manifest.json", body: JSON.stringify(MANIFEST) },
  { path: "volumes/", type: "Directory", mode: 0o755 },
  { path: "volumes/blog-data/", type: "Directory", mode: 0o755, uid: 33, gid: 33 },
  { path: "volumes/blog-data/articles/", type: "Directory", mode: 0o755, uid: 33, gid: 33 },
  { path: "volumes/blog-data/articles/my post.xml", body: "hello", uid: 33, gid: 33 },
  {
    path: "volumes/blog-data/latest",
    type: "SymbolicLink",
    mode: 0o777,
    uid: 33,
    gid: 33,
    linkpath: "articles/my post.xml",
  },
  { path: "volumes/traefik-acme/", type: "Directory", mode: 0o755 },
  { path: "volumes/traefik-acme/acme.json", body: "{}", mode: 0o600 },
];

const verify = (entries: E[] | Buffer) =>
  verifyArchiveStream(Readable.from([Buffer.isBuffer(entries) ? entries : zlib.gzipSync(tarOf(entries))]));

const withManifest = (change: (m: Manifest) => void): E[] => {
  const m = structuredClone(MANIFEST);
  change(m);
  return [{ path: "manifest.json", body: JSON.stringify(m) }, ...GOOD.slice(1)];
};
const replacing = (p: string, e: Partial<E> | undefined): E[] =>
  GOOD.flatMap((g) => (g.path === p ? (e ? [{ ...g, ...e }] : []) : [g]));

describe("verifyArchiveStream", () => {
  it("accepts a well-formed backup and returns its manifest", async () => {
    await expect(verify(GOOD)).resolves.toEqual(MANIFEST);
  });

  it.each<[string, E[] | Buffer, string]>([
    [
      "not gzip",
      Buffer.from("plain text, not an archive"),
      "not a gzip archive or a damaged one (incorrect header check)",
    ],
    [
      "truncated gzip",
      zlib.gzipSync(tarOf(GOOD)).subarray(0, 200),
      "not a gzip archive or a damaged one (unexpected end of file)",
    ],
    ["empty tar", [], "no tar archive inside the gzip: not a recette backup"],
    ["gzip of plain text", zlib.gzipSync("plain text"), "no tar archive inside the gzip: not a recette backup"],
    ["manifest missing", GOOD.slice(1), 'the first entry is "volumes/", not manifest.json: not a recette backup'],
    [
      "manifest not first",
      [GOOD[1]!, GOOD[0]!, ...GOOD.slice(2)],
      'the first entry is "volumes/", not manifest.json: not a recette backup',
    ],
    [
      "manifest not JSON",
      [{ path: "manifest.json", body: "{" }, ...GOOD.slice(1)],
      "manifest.json is not JSON (Expected property name or '}' in JSON at position 1)",
    ],
    [
      "unknown format",
      withManifest((m) => ((m as { format: string }).format = "other/1")),
      'manifest.json format: Invalid input: expected "recette-backup/1"',
    ],
    [
      "manifest lists ..",
      withManifest((m) => (m.files[2]!.path = "../etc/passwd")),
      'manifest.json lists "volumes/blog-data/../etc/passwd": ".." in the path',
    ],
    [
      "checksum mismatch",
      replacing("volumes/blog-data/articles/my post.xml", { body: "HELLO" }),
      `"volumes/blog-data/articles/my post.xml": sha256 ${sha("HELLO")} ` +
        `where the manifest lists ${sha("hello")} (the archive is corrupt)`,
    ],
    [
      "size mismatch",
      replacing("volumes/blog-data/articles/my post.xml", { body: "hello!" }),
      '"volumes/blog-data/articles/my post.xml": 6 bytes where the manifest lists 5',
    ],
    [
      "acme.json mode widened",
      replacing("volumes/traefik-acme/acme.json", { mode: 0o644 }),
      '"volumes/traefik-acme/acme.json": mode 0644 where the manifest lists 0600',
    ],
    [
      "owner changed",
      replacing("volumes/blog-data/articles/my post.xml", { uid: 0 }),
      '"volumes/blog-data/articles/my post.xml": owner 0:33 where the manifest lists 33:33',
    ],
    [
      "file missing",
      replacing("volumes/traefik-acme/acme.json", undefined),
      '"volumes/traefik-acme/acme.json" is listed in the manifest but missing',
    ],
    [
      "extra file",
      [...GOOD, { path: "volumes/blog-data/extra.php", body: "<?php" }],
      '"volumes/blog-data/extra.php" is not in the manifest',
    ],
    ["absolute path", [...GOOD, { path: "/etc/cron.d/x", body: "x" }], '"/etc/cron.d/x": an absolute path'],
    [
      "dot-dot path",
      [...GOOD, { path: "volumes/blog-data/../../x", body: "x" }],
      '"volumes/blog-data/../../x": ".." in the path',
    ],
    [
      "outside volumes/",
      [...GOOD, { path: "etc/x", body: "x" }],
      '"etc/x": outside volumes/ (a recette backup holds manifest.json and volumes/<volume>/ only)',
    ],
    [
      "undeclared volume",
      [...GOOD, { path: "volumes/relay-mail/x", body: "x" }],
      '"volumes/relay-mail/x": in volume relay-mail, which the manifest does not declare',
    ],
    [
      "symlink swapped for an escaping one",
      replacing("volumes/blog-data/latest", { linkpath: "../../../etc/shadow" }),
      '"volumes/blog-data/latest": a symlink to "../../../etc/shadow" where the manifest lists "articles/my post.xml"',
    ],
    [
      "manifest lists an escaping symlink",
      withManifest((m) => (m.files[3]!.target = "../../etc")),
      'manifest.json lists "volumes/blog-data/latest": a symlink escaping its volume (../../etc)',
    ],
    [
      "manifest lists an absolute symlink",
      withManifest((m) => (m.files[3]!.target = "/etc/passwd")),
      'manifest.json lists "volumes/blog-data/latest": a symlink to an absolute path (/etc/passwd)',
    ],
    [
      "device file",
      replacing("volumes/blog-data/articles/my post.xml", { type: "CharacterDevice" }),
      '"volumes/blog-data/articles/my post.xml": a character device ' +
        "(recette backups hold files, directories and symlinks)",
    ],
    [
      "FIFO",
      replacing("volumes/blog-data/articles/my post.xml", { type: "FIFO" }),
      '"volumes/blog-data/articles/my post.xml": a FIFO (recette backups hold files, directories and symlinks)',
    ],
    [
      "hard link",
      replacing("volumes/blog-data/latest", { type: "Link", linkpath: "volumes/traefik-acme/acme.json" }),
      '"volumes/blog-data/latest": a hard link (recette backups store each file\'s content)',
    ],
    ["duplicate entry", [...GOOD, GOOD[4]!], '"volumes/blog-data/articles/my post.xml" appears twice in the archive'],
    [
      "work directory",
      [...GOOD, { path: "volumes/blog-data/.recette-previous-1/x", body: "x" }],
      '"volumes/blog-data/.recette-previous-1/x": a restore\'s work ' +
        "directory (a restore did not finish: inspect and remove it)",
    ],
    [
      "no root for a volume",
      withManifest((m) => m.files.splice(4, 1)),
      "manifest.json has no root directory for volume traefik-acme",
    ],
  ])("refuses %s", async (_, entries, message) => {
    await expect(verify(entries)).rejects.toThrow(message);
    await expect(verify(entries)).rejects.toMatchObject({ message });
  });
});
