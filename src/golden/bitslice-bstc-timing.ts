/**
 * Cycle model of the BSTC encoder and decoder lanes (src/hw/bitslice/bstc-encoder.ts,
 * bstc-lane.ts), as pure functions. Pure, no imports; the RTL is held to it by
 * test/hw/bitslice/bstc.test.ts and the `mcbp-bstc` testbench.
 *
 * Cycles are counted from the edge that samples `start` (cycle 0 is the one in which start is
 * high; cycle t follows the t-th edge after it).
 *
 * Encoder, patterns taken in cycles 1..N with no gaps: the pattern taken in cycle t = q + 1 (q =
 * 0..N-1) that completes a word (its code reaches bit (k+1)W of the stream) puts word k on the
 * word stream in cycle q + 2; the flush of a partial last word, and done, come in cycle N + 2.
 *
 * Decoder lane, ready held high: cycle 1 loads the first word, pattern i is valid in cycle 2 + i,
 * done in cycle N + 2, where the lane can already take its next start. A lane running segments
 * back to back (each started in the previous one's done cycle) spends sum(N_s + 2) cycles.
 */

/** Per word of the stream (index k), the cycle the encoder emits it; `lengths[q]` = code length of pattern q. */
export function bstcEncoderWordCycles(lengths: readonly number[], wordBits: number): number[] {
  const at: number[] = [];
  let bits = 0;
  lengths.forEach((len, q) => {
    bits += len;
    while ((at.length + 1) * wordBits <= bits) at.push(q + 2);
  });
  if (bits % wordBits !== 0) at.push(lengths.length + 2);
  return at;
}

/** The cycle in which the encoder's done is high (patterns taken in cycles 1..N). */
export function bstcEncoderCycles(patterns: number): number {
  return patterns + 2;
}

/** Cycle in which a lane's pattern i is valid (ready held 1). */
export function bstcLanePatternCycle(i: number): number {
  return 2 + i;
}

/** A lane's done cycle for a segment of `patterns` (= cols * groups) patterns. */
export function bstcLaneCycles(patterns: number): number {
  return patterns + 2;
}

/**
 * Decode time of a plane whose segments have `segPatterns[s]` patterns, segment s on lane
 * s mod lanes, every lane started in cycle 0 and each next segment in its lane's done cycle: the
 * last lane's done cycle.
 */
export function bstcDecodeCycles(segPatterns: readonly number[], lanes: number): number {
  if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`bstcDecodeCycles: lanes = ${lanes} must be a whole number >= 1`);
  const busy = new Array<number>(lanes).fill(0);
  segPatterns.forEach((n, s) => (busy[s % lanes] += bstcLaneCycles(n)));
  return Math.max(0, ...busy);
}
