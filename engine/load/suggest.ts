import { closest, distance } from "fastest-levenshtein";

/**
 * The known word a mistyped one was most likely meant to be (`orchestator` → `orchestrator`), or
 * undefined when none is close: at most two edits, and fewer than a third of the word's letters.
 * fastest-levenshtein (a small, widely used edit-distance library) does the measuring.
 */
export const didYouMean = (word: string, known: readonly string[]): string | undefined => {
  if (known.length === 0) return undefined;
  const best = closest(word, [...known]);
  const d = distance(word.toLowerCase(), best.toLowerCase());
  return d <= Math.min(2, Math.ceil(best.length / 3)) ? best : undefined;
};
