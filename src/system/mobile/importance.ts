/**
 * Which tokens are important (papers.md 3(a): the paper's criterion is unknown; it is a parameter).
 * Both rules look at m = sum_{i <= ceil(k/2)} p_(i), the router mass of the little set:
 *  - "mass" (default, papers.md's model): important(token) = m < tau. A token whose top half of
 *    experts already carries most of the router's confidence loses little by dropping the rest.
 *  - "share": important(token) = m / sum_{i <= k} p_(i) < tau: the same, relative to the big set's
 *    mass, so one tau means the same thing for 8 experts or 64 (the rule a user may prefer across
 *    presets; our choice as the alternative).
 * A larger tau makes more tokens important (big) and fewer little.
 */
import { littleCount } from "./routing.js";

export const IMPORTANCE_RULES = ["mass", "share"] as const;
export type ImportanceRule = (typeof IMPORTANCE_RULES)[number];

/** The little set's router mass: the top ceil(k/2) probabilities of `big` (rank order) summed in order. */
export function littleMass(probs: Float64Array, big: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < littleCount(big.length); i++) m += probs[big[i]];
  return m;
}

/** Whether the token routed to `big` (its top k in rank order) with probabilities `probs` is important. */
export function isImportant(rule: ImportanceRule, tau: number, probs: Float64Array, big: readonly number[]): boolean {
  const m = littleMass(probs, big);
  if (rule === "mass") return m < tau;
  let all = 0;
  for (const e of big) all += probs[e];
  return m / all < tau;
}
