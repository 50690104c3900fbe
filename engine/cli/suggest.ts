import { distance } from "fastest-levenshtein";

/**
 * The candidate a mistyped word most likely meant, or undefined. A candidate the word starts
 * (`exp` → explain) or one within a third of the word's length in edits (`valdate`, `--stak`,
 * `orchestator`); short words need to be closer, or every two-letter typo would suggest something.
 */
export const didYouMean = (word: string, candidates: readonly string[]): string | undefined => {
  const bare = (s: string) => s.replace(/^-+/, "");
  const w = bare(word);
  if (!w) return undefined;
  const prefixed = candidates.filter((c) => w.length >= 2 && bare(c).startsWith(w));
  if (prefixed.length === 1) return prefixed[0];
  const limit = w.length <= 3 ? 1 : Math.max(2, Math.floor(w.length / 3));
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(w, bare(c));
    if (d <= limit && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
};
