/**
 * From router probabilities to the experts a token uses and their gates (papers.md 3(b)):
 * experts ranked by probability (ties to the lower index, so the ranking is total and the same
 * in every run), big = the top k, little = the top ceil(k/2), and gates renormalised over the
 * chosen set, g_i = p_i / sum_{j in set} p_j (sum in rank order).
 *
 * Renormalising over the top k is Mixtral's rule; DeepSeek-V2-Lite and Qwen1.5-MoE ship with
 * norm_topk_prob = false (raw top-k probabilities). papers.md takes renormalisation for both
 * sets as its assumption and we follow it for all presets, so big and little outputs are on the
 * same scale.
 */

/** Expert indices by descending probability, ties to the lower index. */
export function rankExperts(probs: Float64Array): number[] {
  const order = Array.from({ length: probs.length }, (_, i) => i);
  order.sort((a, b) => (probs[b] !== probs[a] ? probs[b] - probs[a] : a - b));
  return order;
}

/** Experts of the little set: ceil(k/2) (MoBiLE's "half the number of experts"). */
export function littleCount(topK: number): number {
  return Math.ceil(topK / 2);
}

/** The gates of `experts` (in their order): their probabilities over the sum of those probabilities. */
export function renormalisedGates(probs: Float64Array, experts: readonly number[]): number[] {
  let s = 0;
  for (const e of experts) s += probs[e];
  return experts.map((e) => probs[e] / s);
}

/** The big (top-k) and little (top ceil(k/2)) sets of one token at one layer, in rank order. */
export interface Routing {
  readonly big: readonly number[];
  readonly little: readonly number[];
}

export function routeSets(probs: Float64Array, topK: number): Routing {
  const order = rankExperts(probs);
  return { big: order.slice(0, topK), little: order.slice(0, littleCount(topK)) };
}
