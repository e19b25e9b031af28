/**
 * Golden models of the MCBP bit-slice units (papers.md section 4): sign-magnitude bit-planes, the
 * two-state code (BSTC), repetition-aware bit-slice GEMV/GEMM (BRCR) with its operation counts, and
 * bit-grained progressive prediction of attention (BGPP). Pure functions, no imports; plain numbers
 * and arrays.
 *
 * Public contract (outside tests import these; keep names, argument order and fields):
 *   signMagnitude(w), bitPlanes(W), bstcEncode(plane, m), bstcDecode(bits, rows, cols, m),
 *   brcrGemv(W, x, m), bgpp(q, K, { rounds, alphaTenths, radius }).
 *
 * Conventions (papers.md section 4, and the defaults chosen where it is silent):
 *   - Bit positions 1..8: 1 = LSB of the magnitude, 7 = its MSB, 8 = the sign. Weights are in
 *     -127..127 (sign-magnitude has no -128).
 *   - Groups: m consecutive rows (row g*m + i is group row i); the last group is zero-padded. A
 *     column of a group is an m-bit pattern with group row 0 as its MSB.
 *   - BRCR counts: merging, the first write into a group-sum slot is a move, every further one an
 *     add; a pattern counts as present wherever it occurs, whatever its activation. Reconstructing
 *     row i adds the present patterns with bit i set (their count minus one when any). The naive
 *     bit-serial baseline adds, per plane and row, the activations where the bit is 1 (ones - 1).
 *     Totals are over the 7 magnitude planes and both halves W+ and W-; the shifts and the
 *     subtraction that combine them are not counted.
 *   - BGPP round r fetches magnitude plane 8 - r of every alive key (round 1 also its sign
 *     plane): the partial score uses the key magnitudes truncated to their top r bits, signed.
 */

// ---------------------------------------------------------------- formats

/** The sign-magnitude byte of w in -127..127: sign in bit 7 (position 8), |w| in bits 6..0. */
export function signMagnitude(w: number): number {
  if (!Number.isInteger(w) || w < -127 || w > 127) throw new Error(`signMagnitude: ${w} is not an integer in -127..127 (sign-magnitude INT8 has no -128)`);
  return (w < 0 ? 128 : 0) | Math.abs(w);
}

/** The inverse of signMagnitude. */
export function fromSignMagnitude(byte: number): number {
  if (!Number.isInteger(byte) || byte < 0 || byte > 255) throw new Error(`fromSignMagnitude: ${byte} is not a byte`);
  const mag = byte & 127;
  return byte & 128 ? -mag : mag;
}

export interface BitPlanes {
  /** sign[r][c]: 1 where W[r][c] < 0. */
  sign: number[][];
  /** planes[p-1][r][c]: bit p (1 = LSB) of |W[r][c]|, p = 1..7. */
  planes: number[][][];
}

export function bitPlanes(W: readonly (readonly number[])[]): BitPlanes {
  const sm = W.map((row) => row.map(signMagnitude));
  return {
    sign: sm.map((row) => row.map((b) => b >> 7)),
    planes: Array.from({ length: 7 }, (_, p) => sm.map((row) => row.map((b) => (b >> p) & 1))),
  };
}

/** Group g's column c of a 0/1 plane as an m-bit pattern, group row 0 the MSB (rows past the end read 0). */
export function groupPattern(plane: readonly (readonly number[])[], m: number, g: number, c: number): number {
  let p = 0;
  for (let i = 0; i < m; i++) {
    const r = g * m + i;
    p = (p << 1) | (r < plane.length ? plane[r][c] : 0);
  }
  return p;
}

/** Groups of m rows (the last one zero-padded). */
export function groupCount(rows: number, m: number): number {
  return Math.ceil(rows / m);
}

function checkM(m: number, who: string): void {
  if (!Number.isInteger(m) || m < 1 || m > 16) throw new Error(`${who}: m = ${m} must be an integer in 1..16 (rows per group; the paper uses 4)`);
}

// ---------------------------------------------------------------- BSTC

/**
 * The two-state code of a 0/1 plane (rows x cols): group by group, column by column, an all-zero
 * m-bit column is '0' and any other '1' followed by its m bits (group row 0 first).
 */
export function bstcEncode(plane: readonly (readonly number[])[], m: number): string {
  checkM(m, "bstcEncode");
  const rows = plane.length, cols = rows ? plane[0].length : 0;
  const out: string[] = [];
  for (let g = 0; g < groupCount(rows, m); g++) {
    for (let c = 0; c < cols; c++) {
      const p = groupPattern(plane, m, g, c);
      out.push(p === 0 ? "0" : "1" + p.toString(2).padStart(m, "0"));
    }
  }
  return out.join("");
}

/** The plane (rows x cols) a BSTC bitstream encodes; throws if the stream is short, long or not 0/1. */
export function bstcDecode(bits: string, rows: number, cols: number, m: number): number[][] {
  checkM(m, "bstcDecode");
  const plane = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  let at = 0;
  const take = (): number => {
    if (at >= bits.length) throw new Error(`bstcDecode: the bitstream ends at bit ${at}, before ${rows} x ${cols} (m = ${m}) is complete`);
    const ch = bits[at++];
    if (ch !== "0" && ch !== "1") throw new Error(`bstcDecode: character '${ch}' at bit ${at - 1} is not 0 or 1`);
    return ch === "1" ? 1 : 0;
  };
  for (let g = 0; g < groupCount(rows, m); g++) {
    for (let c = 0; c < cols; c++) {
      if (take() === 0) continue;
      for (let i = 0; i < m; i++) {
        const b = take(), r = g * m + i;
        if (r < rows) plane[r][c] = b;
        else if (b) throw new Error(`bstcDecode: padding row ${r} of group ${g}, column ${c} is 1 (the last group is zero-padded)`);
      }
    }
  }
  if (at !== bits.length) throw new Error(`bstcDecode: ${bits.length - at} bits left over after ${rows} x ${cols} (m = ${m})`);
  return plane;
}

/** Exact encoded length: zero columns + (m + 1) x nonzero columns, over all groups. */
export function bstcLength(plane: readonly (readonly number[])[], m: number): number {
  const rows = plane.length, cols = rows ? plane[0].length : 0;
  let bits = 0;
  for (let g = 0; g < groupCount(rows, m); g++) for (let c = 0; c < cols; c++) bits += groupPattern(plane, m, g, c) === 0 ? 1 : m + 1;
  return bits;
}

/**
 * Sub-matrix segmentation: the plane split along its columns into sub-matrices of `segCols`
 * (1024 by default) columns, each encoded on its own (bstcEncode of its columns) so decoders can
 * start in parallel; `start[s]` is the bit address where sub-matrix s begins in the concatenation.
 */
export function bstcSegments(plane: readonly (readonly number[])[], m: number, segCols = 1024): { streams: string[]; start: number[] } {
  const cols = plane.length ? plane[0].length : 0;
  const streams: string[] = [], start: number[] = [];
  let at = 0;
  for (let c0 = 0; c0 < cols; c0 += segCols) {
    const s = bstcEncode(plane.map((row) => row.slice(c0, c0 + segCols)), m);
    start.push(at);
    streams.push(s);
    at += s.length;
  }
  return { streams, start };
}

/** Compression ratio m / (p0 + (1 - p0)(m + 1)) from the fraction p0 of all-zero m-columns. */
export function bstcCompressionRatio(p0: number, m: number): number {
  return m / (p0 + (1 - p0) * (m + 1));
}

// ---------------------------------------------------------------- BRCR

export interface BrcrCounts {
  mergeAdds: number;
  reconAdds: number;
  naiveAdds: number;
}

/**
 * One 0/1 plane times x by merge and reconstruct (the unsigned core): y[r] = sum_c plane[r][c] x[c],
 * with the counts of this plane.
 */
export function brcrPlane(plane: readonly (readonly number[])[], x: readonly number[], m: number): BrcrCounts & { y: number[] } {
  checkM(m, "brcrPlane");
  const rows = plane.length, cols = x.length;
  const y = new Array<number>(rows).fill(0);
  let mergeAdds = 0, reconAdds = 0, naiveAdds = 0;
  for (let g = 0; g < groupCount(rows, m); g++) {
    const Z = new Array<number>(2 ** m).fill(0), seen = new Array<boolean>(2 ** m).fill(false);
    for (let c = 0; c < cols; c++) {
      const p = groupPattern(plane, m, g, c);
      if (p === 0) continue;
      if (seen[p]) {
        Z[p] += x[c];
        mergeAdds++;
      } else {
        Z[p] = x[c];
        seen[p] = true;
      }
    }
    for (let i = 0; i < m; i++) {
      const r = g * m + i;
      const bit = 1 << (m - 1 - i);
      let n = 0, sum = 0;
      for (let p = 1; p < 2 ** m; p++) {
        if (seen[p] && p & bit) {
          sum += Z[p];
          n++;
        }
      }
      if (n > 0) reconAdds += n - 1;
      if (r < rows) y[r] = sum;
    }
  }
  for (let r = 0; r < rows; r++) {
    let ones = 0;
    for (let c = 0; c < cols; c++) ones += plane[r][c];
    if (ones > 0) naiveAdds += ones - 1;
  }
  return { y, mergeAdds, reconAdds, naiveAdds };
}

/** The magnitude plane p (1..7) of W's positive half (W+) or negative half (W-). */
export function halfPlane(W: readonly (readonly number[])[], p: number, negative: boolean): number[][] {
  return W.map((row) => row.map((w) => ((negative ? w < 0 : w > 0) ? (Math.abs(w) >> (p - 1)) & 1 : 0)));
}

/**
 * Signed INT8 GEMV y = W x by BRCR through the exact split W = W+ - W-: for each magnitude plane
 * p = 1..7 and each half, merge and reconstruct, then y = sum_p 2^(p-1) (y+_p - y-_p).
 */
export function brcrGemv(W: readonly (readonly number[])[], x: readonly number[], m: number): BrcrCounts & { y: number[] } {
  checkM(m, "brcrGemv");
  for (const row of W) {
    if (row.length !== x.length) throw new Error(`brcrGemv: W has rows of ${row.length} columns but x has ${x.length} elements`);
    for (const w of row) if (!Number.isInteger(w) || w < -127 || w > 127) throw new Error(`brcrGemv: weight ${w} is not an integer in -127..127`);
  }
  const y = new Array<number>(W.length).fill(0);
  let mergeAdds = 0, reconAdds = 0, naiveAdds = 0;
  for (let p = 1; p <= 7; p++) {
    for (const negative of [false, true]) {
      const r = brcrPlane(halfPlane(W, p, negative), x, m);
      r.y.forEach((v, i) => (y[i] += (negative ? -1 : 1) * v * 2 ** (p - 1)));
      mergeAdds += r.mergeAdds;
      reconAdds += r.reconAdds;
      naiveAdds += r.naiveAdds;
    }
  }
  return { y: y.map((v) => (v === 0 ? 0 : v)), mergeAdds, reconAdds, naiveAdds };
}

/** Y = W X for X given as columns (each an activation vector): one BRCR GEMV per column, counts summed. */
export function brcrGemm(W: readonly (readonly number[])[], Xcols: readonly (readonly number[])[], m: number): BrcrCounts & { Y: number[][] } {
  let mergeAdds = 0, reconAdds = 0, naiveAdds = 0;
  const Y = Xcols.map((x) => {
    const r = brcrGemv(W, x, m);
    mergeAdds += r.mergeAdds;
    reconAdds += r.reconAdds;
    naiveAdds += r.naiveAdds;
    return r.y;
  });
  return { Y, mergeAdds, reconAdds, naiveAdds };
}

/** Plain integer GEMV (the reference BRCR must equal). */
export function gemvInt(W: readonly (readonly number[])[], x: readonly number[]): number[] {
  return W.map((row) => row.reduce((s, w, c) => s + w * x[c], 0));
}

// ---------------------------------------------------------------- BGPP

export interface BgppOptions {
  /** Rounds R (bit-planes fetched, MSB first), 1..7; default 4. */
  readonly rounds?: number;
  /** alpha_r in tenths per round (0..10), the last repeating; default [5] (alpha = 0.5). */
  readonly alphaTenths?: readonly number[];
  /** Threshold radius in partial-score units (raw integers); Infinity keeps every key. Default 3. */
  readonly radius?: number;
}

export interface BgppRound {
  /** Keys alive entering the round (indices, ascending). */
  aliveIn: number[];
  /** The largest partial score over them after this round's plane. */
  max: number;
  /** Keys alive after the round (partial score >= max - alpha_r * radius), ascending. */
  survivors: number[];
}

export interface BgppResult {
  survivors: number[];
  /** Key bits fetched: per round, the plane bit of every element of every alive key, plus the sign plane in round 1. */
  kBitsFetched: number;
  rounds: BgppRound[];
  /** Partial scores of every key after the last round it was alive in. */
  scores: number[];
}

/** The key magnitude truncated to its top r planes (positions 7 .. 8 - r), with its sign. */
export function truncatedKey(k: number, r: number): number {
  const mag = Math.abs(k) & ~((1 << (7 - r)) - 1) & 127;
  return k < 0 ? -mag : mag;
}

/**
 * Bit-grained progressive prediction for one query q (int4, -8..7) over keys K (rows of int8 in
 * -127..127): round r adds plane 8 - r of the keys still alive to their partial scores
 * q . truncatedKey(K_i, r); those with score >= max - alpha_r * radius survive (ties survive; the
 * comparison is done exactly as 10 score >= 10 max - alphaTenths_r * radius).
 */
export function bgpp(q: readonly number[], K: readonly (readonly number[])[], opts: BgppOptions = {}): BgppResult {
  const R = opts.rounds ?? 4, alphas = opts.alphaTenths ?? [5], radius = opts.radius ?? 3;
  if (!Number.isInteger(R) || R < 1 || R > 7) throw new Error(`bgpp: rounds = ${R} must be an integer in 1..7 (one magnitude plane per round)`);
  if (alphas.length === 0 || alphas.some((a) => !Number.isInteger(a) || a < 0 || a > 10)) throw new Error(`bgpp: alphaTenths = [${alphas.join(", ")}] must be integers in 0..10 (alpha in tenths)`);
  if (!(radius >= 0)) throw new Error(`bgpp: radius = ${radius} must be >= 0 (Infinity keeps every key)`);
  for (const v of q) if (!Number.isInteger(v) || v < -8 || v > 7) throw new Error(`bgpp: query element ${v} is not an int4 (-8..7)`);
  const D = q.length;
  for (const k of K) {
    if (k.length !== D) throw new Error(`bgpp: a key has ${k.length} elements but q has ${D}`);
    for (const v of k) if (!Number.isInteger(v) || v < -127 || v > 127) throw new Error(`bgpp: key element ${v} is not an integer in -127..127`);
  }
  const scores = K.map(() => 0);
  let alive = K.map((_, i) => i);
  let kBitsFetched = 0;
  const rounds: BgppRound[] = [];
  for (let r = 1; r <= R; r++) {
    kBitsFetched += alive.length * D * (r === 1 ? 2 : 1);
    for (const i of alive) scores[i] = K[i].reduce((s, k, d) => s + q[d] * truncatedKey(k, r), 0);
    const max = alive.length ? Math.max(...alive.map((i) => scores[i])) : 0;
    const a = alphas[Math.min(r - 1, alphas.length - 1)];
    const survivors = radius === Infinity ? [...alive] : alive.filter((i) => 10 * scores[i] >= 10 * max - a * radius);
    rounds.push({ aliveIn: alive, max, survivors });
    alive = survivors;
  }
  return { survivors: alive, kBitsFetched, rounds, scores };
}
