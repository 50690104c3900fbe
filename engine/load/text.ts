import * as fs from "node:fs";

/** Recipes and stack files are small: anything larger is refused before it is read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Characters no recipe value may hold: C0 controls but tab and newline, DEL, C1 controls, and the
 * Unicode controls that reorder or break what a terminal shows (bidi overrides, line separators).
 */
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROL_OR_NEWLINE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `U+001B`: how a refused character is named in a message. */
export const codePoint = (ch: string): string => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * User text made safe to print on one terminal line: every control character (newlines included)
 * becomes a visible escape, so a value can neither forge a line nor send terminal escapes.
 */
export const escapeControls = (s: string): string =>
  s.replace(CONTROL_OR_NEWLINE, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    const code = ch.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });

/** Several lines of text, each escaped (the line breaks kept, anything else made visible). */
export const escapeLines = (s: string): string => s.split("\n").map(escapeControls).join("\n");

export class FileRefused extends Error {}

/**
 * Reads a small regular text file. FIFOs, devices, directories and files over MAX_FILE_BYTES are
 * refused before a byte is read (a FIFO would block, /dev/zero would never end); the file is opened
 * non-blocking and checked again, so swapping it for a FIFO in between changes nothing.
 */
export const readSmallTextFile = (file: string, max = MAX_FILE_BYTES): string => {
  const kind = (st: fs.Stats) =>
    st.isDirectory()
      ? "a directory"
      : st.isFIFO()
        ? "a FIFO"
        : st.isCharacterDevice() || st.isBlockDevice()
          ? "a device"
          : st.isSocket()
            ? "a socket"
            : "not a regular file";
  const check = (st: fs.Stats) => {
    if (!st.isFile()) throw new FileRefused(`${kind(st)}, not a recipe file (give the path of a .yaml file)`);
    if (st.size > max) throw new FileRefused(`${st.size} bytes is too large for a recipe (at most ${max} bytes)`);
  };
  check(fs.statSync(file));
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  try {
    check(fs.fstatSync(fd));
    const buf = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > max) throw new FileRefused(`the file grew past ${max} bytes while being read`);
    }
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(0, length));
    } catch {
      throw new FileRefused("not UTF-8 text (recipes are UTF-8 YAML)");
    }
  } finally {
    fs.closeSync(fd);
  }
};
