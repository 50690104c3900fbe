import type { Model } from "../model";

/** A cross-field finding; the loader turns its path into file:line:col. */
export interface Finding {
  path: PropertyKey[];
  message: string;
  severity: "error" | "warning";
}

export type Rule = (model: Model) => Finding[];
export const error = (path: PropertyKey[], message: string): Finding => ({ path, message, severity: "error" });
export const warning = (path: PropertyKey[], message: string): Finding => ({ path, message, severity: "warning" });

/** Something of the recipe that takes a key (a route, a port, a name), where it is and whose it is. */
export interface Claim {
  path: PropertyKey[];
  key: string;
  what: string;
}

/** The second claim of a key (and every later one) is an error; the first is named in its message. */
export const firstClaimWins = (claims: Claim[], explain: (c: Claim, first: Claim) => string): Finding[] => {
  const seen = new Map<string, Claim>();
  return claims.flatMap((c) => {
    const first = seen.get(c.key);
    if (!first) {
      seen.set(c.key, c);
      return [];
    }
    return [error(c.path, explain(c, first))];
  });
};
