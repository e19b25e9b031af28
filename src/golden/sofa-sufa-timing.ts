/**
 * Cycle counts of the SOFA softmax and SU-FA units (src/hw/sofa/softmax-unit.ts, sufa-unit.ts) as
 * pure functions, and the operation counts of a FlashAttention-2 style engine for comparison.
 * No imports: the RTL is checked against these, and system models may use them without running RTL.
 */

/** Quotient bits of the units' reciprocal: sums are >= 1.0 = 2^probBits, so 1/sum < 2^(recipBits - probBits + 1). */
export function recipQuotientBits(recipBits: number, probBits: number): number {
  return recipBits - probBits + 1;
}

/**
 * Softmax unit: cycles from the cycle `start` is 1 to the cycle `done` is 1, for N scores over
 * `lanes` lanes (W = ceil(N / lanes) rows per pass, Q quotient bits): MAX W, EXP W, 1 to land the
 * last row, 1 to start the divider, Q + 1 dividing, NORM W, 1 to land the last row.
 */
export function softmaxUnitCycles(n: number, lanes: number, recipBits: number, probBits: number): number {
  return 3 * Math.ceil(n / lanes) + recipQuotientBits(recipBits, probBits) + 5;
}

/** Cycles the SU-FA issuer spends on one SADS list of `count` kept keys out of `per` slots. */
export function sufaSegmentCycles(count: number, per: number): number {
  // Every slot is probed until a probe comes back invalid; the answer takes a cycle, during which
  // one more (wasted) probe goes out. A full list needs no terminating probe.
  return Math.min(count + 2, per);
}

export interface SufaTimingParams {
  /** Slots per list, floor(k / n). */
  readonly per: number;
  readonly recipBits: number;
  readonly probBits: number;
  readonly headDim: number;
  /** Final multipliers (output lanes normalised per cycle). */
  readonly outMuls: number;
}

/** Pipeline stages from issue to the accumulators (issue, SADS answer, score, max, exp, accumulate). */
export const SUFA_PIPE_DEPTH = 5;

/** Cycles the finaliser is busy per query: divider (Q + 1), 1, multiply groups. */
export function sufaFinaliserCycles(p: SufaTimingParams): number {
  return recipQuotientBits(p.recipBits, p.probBits) + Math.ceil(p.headDim / p.outMuls) + 1;
}

/** Cycles from an END token's issue to its output (o_valid): the pipeline, the finaliser, 1. */
export function sufaFinishCycles(p: SufaTimingParams): number {
  return SUFA_PIPE_DEPTH + sufaFinaliserCycles(p) + 1;
}

/**
 * SU-FA unit, one tile run: cycles from the cycle `start` is 1 to the cycle `done` is 1 (which is
 * also the cycle of the last query's o_valid). counts[q][j] = the length of the SADS list of query
 * row q, segment j. Per query: the lists back to back (sufaSegmentCycles each), then an END token,
 * which must not reach the finaliser before the previous query's has left it (one finaliser, one output
 * snapshot): an END is issued once the finaliser will be free when it arrives, and not while
 * another END is still in the pipeline. The next query starts the cycle after its END is issued.
 */
export function sufaUnitCycles(p: SufaTimingParams, counts: readonly (readonly number[])[]): number {
  const spacing = Math.max(sufaFinaliserCycles(p) + 1, SUFA_PIPE_DEPTH + 1);
  let t = 1; // the first list's first probe
  let lastEnd = -Infinity;
  for (const lists of counts) {
    for (const c of lists) t += sufaSegmentCycles(c, p.per);
    const e = Math.max(t, lastEnd + spacing);
    lastEnd = e;
    t = e + 1;
  }
  return lastEnd + sufaFinishCycles(p);
}

export interface Fa2Counts {
  /** Rescales of the running state: one per non-empty KV tile after the first. */
  rescales: number;
  exps: number;
  muls: number;
  adds: number;
}

/**
 * Operations of a FlashAttention-2 style engine on the same kept keys, tile by tile: each tile's max
 * first (compares, not counted), then one exp per key (the first key of the first tile included,
 * e^0), p*v per value element, and at every tile after the first a rescale of l and o by
 * e^(m_old - m_new) — whether or not the max moved (1 exp, 1 + dv multiplies). Counted like the
 * golden sufa() counts: exps, muls, adds (l and o).
 */
export function fa2Counts(tileLengths: readonly number[], dv: number): Fa2Counts {
  const nonEmpty = tileLengths.filter((n) => n > 0);
  const keys = nonEmpty.reduce((a, b) => a + b, 0);
  const rescales = Math.max(0, nonEmpty.length - 1);
  return { rescales, exps: keys + rescales, muls: keys * dv + rescales * (1 + dv), adds: keys * (1 + dv) };
}
