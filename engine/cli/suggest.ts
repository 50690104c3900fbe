import { distance } from "fastest-levenshtein";

/** Two neighbouring letters swapped (`jsno`, `vlaidate`): the most common typo, one edit, not Levenshtein's two. */
const swapped = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
};

/**
 * The candidate a mistyped word most likely meant, or undefined. A candidate the word starts
 * (`exp` → explain) or one within a third of the word's length in edits (`valdate`, `orchestator`); words
 * of up to five letters one edit (`--stak`, `bsh`), or `fish` would suggest bash and `-x` suggest -s.
 */
export const didYouMean = (word: string, candidates: readonly string[]): string | undefined => {
  const bare = (s: string) => s.replace(/^-+/, "");
  const w = bare(word);
  if (!w) return undefined;
  const prefixed = candidates.filter((c) => w.length >= 2 && bare(c).startsWith(w));
  if (prefixed.length === 1) return prefixed[0];
  const limit = w.length <= 1 ? 0 : w.length <= 5 ? 1 : Math.floor(w.length / 3);
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = swapped(w, bare(c)) ? 1 : distance(w, bare(c));
    if (d <= limit && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
};
