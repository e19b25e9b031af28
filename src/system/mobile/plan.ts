/**
 * What a scheduler decided for a token stream, step by step: the record both the baseline and
 * MoBiLE produce, that timing.ts times on the platform and golden.ts checks. A step is one token
 * at one layer; steps are in decode order (token 0 through every layer, then token 1, ...).
 * Every expert that crosses PCIe is a Transfer (one copy per expert), numbered in the order it is
 * queued on the link.
 */

/** dense: a dense layer; big: the top-k experts; little: the top ceil(k/2); fallback: an unimportant token that took its big set after all. */
export type StepMode = "dense" | "big" | "little" | "fallback";

export interface ExpertUse {
  readonly expert: number;
  readonly gate: number;
  /** The transfer that brought the expert into GPU memory (the step waits for it), or -1 when it was there before the run. */
  readonly transfer: number;
  /** Fetched on demand in this step (a cache miss). */
  readonly demand: boolean;
  /** Brought by a prefetch made for this step (after the previous layer's little pass). */
  readonly prefetched: boolean;
}

export interface Transfer {
  readonly id: number;
  readonly layer: number;
  readonly expert: number;
  /** demand: a miss of the step that queued it; prefetch: queued after a little pass for the next layer. */
  readonly kind: "demand" | "prefetch";
}

export interface Step {
  readonly token: number;
  readonly layer: number;
  readonly mode: StepMode;
  /** The importance rule's verdict (MoBiLE; always true for the baseline's MoE steps, false for dense ones). */
  readonly important: boolean;
  /** Router probabilities (MoE steps). */
  readonly probs?: Float64Array;
  /** Top k and top ceil(k/2) in rank order (MoE steps). */
  readonly big: readonly number[];
  readonly little: readonly number[];
  /** Routed experts computed, in rank order, with their gates. */
  readonly uses: readonly ExpertUse[];
  /** The first `littlePass` uses form the little pass (computed first, then the prediction); 0 when there is none. */
  readonly littlePass: number;
  /** Whether the next layer's router runs on the little pass's output (MoBiLE's prefetch prediction). */
  readonly predicts: boolean;
  /** Transfers queued when the router has chosen (demand) and after the little pass (prefetch). */
  readonly demand: readonly number[];
  readonly prefetch: readonly number[];
  /** The layer's input and output hidden vectors (reduced size). */
  readonly input: Float64Array;
  readonly output: Float64Array;
}

export interface PrefetchStats {
  /** Prefetches of experts the baseline's directory holds (filling a slot MoBiLE had left empty). */
  readonly fills: number;
  /** Prefetches of experts outside that directory, paid from the bytes saved so far. */
  readonly speculative: number;
  /** Prefetched experts the next step used. */
  readonly used: number;
  /** Speculative prefetches the next layer did not route to (dropped). */
  readonly wasted: number;
  /** Predicted experts skipped for want of saved bytes. */
  readonly skipped: number;
}

export interface ScheduleRun {
  readonly scheduler: "baseline" | "mobile";
  readonly steps: readonly Step[];
  readonly transfers: readonly Transfer[];
  /** Each token's hidden vector after the last layer. */
  readonly outputs: readonly Float64Array[];
  readonly prefetch?: PrefetchStats;
}

/**
 * Routed expert uses; cache hits among them (the expert was in the cache before the token reached
 * the layer: neither fetched on demand nor prefetched for this step); and prefetched ones.
 */
export function hitCounts(run: ScheduleRun): { uses: number; hits: number; prefetched: number } {
  let uses = 0, hits = 0, prefetched = 0;
  for (const s of run.steps) for (const u of s.uses) {
    uses++;
    if (u.prefetched) prefetched++;
    else if (!u.demand) hits++;
  }
  return { uses, hits, prefetched };
}
