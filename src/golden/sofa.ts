/**
 * Golden models of the SOFA units (papers.md section 5): bit-true models of every hardware unit,
 * and the ideal float64 math with the error bounds of the approximations. Pure functions, no
 * imports. Numbers are plain JS numbers (every integer here stays below 2^53).
 *
 * Public contract (outside tests import these; keep names, argument order and fields):
 *   dlzs(x, y, widthX), sadsSelect(scores, k, n, radius), sufa(scores, values, order).
 *
 * Parameters papers.md marks unknown, and the defaults chosen here:
 *   - DLZS output scaling: the paper truncates K-hat to <= 16 bits but does not say how; here an
 *     arithmetic right shift by `kShift` then saturation to int16 (same shift as the exact K, so K-hat
 *     and K live on one scale). A-hat likewise by `aShift` to int16, the sorter's key width.
 *   - exp: exp(-d) = 2^(-d log2 e), log2 e rounded to `log2eBits` = 16 fraction bits; 2^-frac from a
 *     (2^lutBits + 1)-entry table, lutBits = 6, with linear interpolation on `interpBits` = 8 weight
 *     bits; the integer part is a right shift. Probabilities carry probBits = 15 fraction bits.
 *   - Reciprocal: floor(2^recipBits / l), recipBits = 40, one per row (then one multiply per output).
 */

// ---------------------------------------------------------------- integers

/** Leading zeros of the unsigned integer v (0 <= v < 2^width) in a width-bit word; width when v = 0. */
export function lz(v: number, width: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** width) throw new Error(`lz: ${v} is not an unsigned ${width}-bit integer`);
  let n = 0;
  for (let b = width - 1; b >= 0 && v < 2 ** b; b--) n++;
  return n;
}

/** floor(v / 2^shift) (arithmetic shift right), exact for |v| < 2^53. */
export function sra(v: number, shift: number): number {
  return shift === 0 ? v : Math.floor(v / 2 ** shift);
}

/** v clamped to the range of a signed `width`-bit integer. */
export function saturate(v: number, width: number): number {
  const hi = 2 ** (width - 1) - 1, lo = -(2 ** (width - 1));
  return v > hi ? hi : v < lo ? lo : v;
}

// ---------------------------------------------------------------- DLZS

/**
 * The DLZS approximate product: x goes to the log domain (truncated to its leading one), y is
 * shifted by x's leading-one position. 0 when either is 0, else sgn(x)sgn(y)(|y| << (widthX-1-lz(|x|))).
 * x is a signed widthX-bit integer (|x| <= 2^(widthX-1), so |x| fits widthX unsigned bits).
 * Examples (widthX = 8): 13*7 -> 56, -5*20 -> -80, 64*3 -> 192, 1*-9 -> -9.
 */
export function dlzs(x: number, y: number, widthX: number): number {
  if (x === 0 || y === 0) return 0;
  const shift = widthX - 1 - lz(Math.abs(x), widthX);
  const mag = Math.abs(y) * 2 ** shift;
  return Math.sign(x) * Math.sign(y) < 0 ? -mag : mag;
}

/**
 * The leading-zero code the array stores or computes for the log-domain operand: sign, and the
 * leading-zero count of |x| in widthX bits (widthX means x = 0: the zero eliminator's flag).
 * 8-bit weights take a 4-bit code (lz 0..8), 16-bit queries a 5-bit one (lz 0..16), plus the sign.
 */
export function lzCode(x: number, widthX: number): { sign: 0 | 1; lz: number } {
  return { sign: x < 0 ? 1 : 0, lz: lz(Math.abs(x), widthX) };
}

/** The product a PE forms from a leading-zero code and the other operand (what dlzs computes from x). */
export function dlzsFromCode(code: { sign: 0 | 1; lz: number }, y: number, widthX: number): number {
  if (code.lz >= widthX || y === 0) return 0;
  const mag = Math.abs(y) * 2 ** (widthX - 1 - code.lz);
  return (code.sign === 1) !== (y < 0) ? -mag : mag;
}

/** Sum over d of dlzs(a[d], b[d], widthA): one output of the shift-add array. */
export function dlzsDot(a: readonly number[], b: readonly number[], widthA: number): number {
  if (a.length !== b.length) throw new Error(`dlzsDot: operands of length ${a.length} and ${b.length}`);
  let s = 0;
  for (let d = 0; d < a.length; d++) s += dlzs(a[d], b[d], widthA);
  return s;
}

/** C[r][c] = dlzsDot(A[r], B[c], widthA): A's rows are the log-domain operands, B's rows the shifted ones. */
export function dlzsMatmul(A: readonly (readonly number[])[], B: readonly (readonly number[])[], widthA: number): number[][] {
  return A.map((a) => B.map((b) => dlzsDot(a as number[], b as number[], widthA)));
}

/**
 * How many shift-adds the zero eliminator lets through for C = dlzsMatmul(A, B): pairs where
 * neither operand is zero (a dense array would do rows(A) * rows(B) * D of them).
 */
export function dlzsNonzeroOps(A: readonly (readonly number[])[], B: readonly (readonly number[])[]): number {
  let ops = 0;
  for (const a of A) for (const b of B) for (let d = 0; d < a.length; d++) if (a[d] !== 0 && b[d] !== 0) ops++;
  return ops;
}

/** Transpose of a row-major matrix given as rows. */
export function transpose(M: readonly (readonly number[])[]): number[][] {
  if (M.length === 0) return [];
  return M[0].map((_, j) => M.map((row) => row[j]));
}

/**
 * Phase 1.1, K-hat prediction: K-hat[t][j] = sat16(sra(sum_i dlzs(Wk[i][j], X[t][i], 8), kShift)).
 * Wk (dModel x headDim, int8) is the log-domain operand, stored leading-zero coded offline; the
 * tokens X (seqLen x dModel, int8) are shifted.
 */
export function predictKhat(X: readonly (readonly number[])[], Wk: readonly (readonly number[])[], kShift: number): number[][] {
  const WkT = transpose(Wk);
  return X.map((x) => WkT.map((w) => saturate(sra(dlzsDot(w, x as number[], 8), kShift), 16)));
}

/** The exact keys on the same scale as K-hat: K[t][j] = sat16(sra(sum_i X[t][i] Wk[i][j], kShift)). */
export function exactK(X: readonly (readonly number[])[], Wk: readonly (readonly number[])[], kShift: number): number[][] {
  const WkT = transpose(Wk);
  return X.map((x) => WkT.map((w) => saturate(sra(w.reduce((s, wi, i) => s + wi * x[i], 0), kShift), 16)));
}

/**
 * Phase 1.2, A-hat prediction: A-hat[q][t] = sat16(sra(sum_d dlzs(Q[q][d], K[t][d], 16), aShift)).
 * Q (int16) goes to the log domain at run time (16-bit mode, 5-bit leading-zero codes); K-hat (int16)
 * is shifted.
 */
export function predictAhat(Q: readonly (readonly number[])[], Khat: readonly (readonly number[])[], aShift: number): number[][] {
  return Q.map((q) => Khat.map((k) => saturate(sra(dlzsDot(q as number[], k as number[], 16), aShift), 16)));
}

// ---------------------------------------------------------------- SADS

/** a comes before b in the sorters' order: larger value first, the lower index on ties. */
export function before(va: number, ia: number, vb: number, ib: number): boolean {
  return va > vb || (va === vb && ia < ib);
}

/** Indices of scores in the sorters' order (value descending, lower index first on ties). */
export function sortedOrder(scores: readonly number[], indices?: readonly number[]): number[] {
  const idx = indices ? [...indices] : scores.map((_, i) => i);
  return idx.sort((a, b) => (before(scores[a], a, scores[b], b) ? -1 : before(scores[b], b, scores[a], a) ? 1 : 0));
}

/** Exact top-k indices, in the sorters' order. */
export function topK(scores: readonly number[], k: number): number[] {
  return sortedOrder(scores).slice(0, Math.max(0, k));
}

/** Segment j of a row of length S split n ways: [floor(j*S/n), floor((j+1)*S/n)). */
export function segmentBounds(S: number, n: number, j: number): [number, number] {
  return [Math.floor((j * S) / n), Math.floor(((j + 1) * S) / n)];
}

/**
 * SADS per segment: the kept indices of each segment in the order the sorter emits them (value
 * descending, lower index first on ties). Segment j keeps its top floor(k/n) among the candidates
 * with value >= (segment max - radius); fewer when fewer survive. radius = Infinity: no clipping.
 */
export function sadsSegments(scores: readonly number[], k: number, n: number, radius: number): number[][] {
  if (!(n >= 1) || !Number.isInteger(n)) throw new Error(`sads: segments n = ${n} must be a positive integer`);
  if (!(radius >= 0)) throw new Error(`sads: radius ${radius} must be >= 0 (Infinity for no clipping)`);
  const per = Math.floor(k / n);
  const out: number[][] = [];
  for (let j = 0; j < n; j++) {
    const [lo, hi] = segmentBounds(scores.length, n, j);
    if (hi <= lo || per <= 0) {
      out.push([]);
      continue;
    }
    let max = -Infinity;
    for (let i = lo; i < hi; i++) max = Math.max(max, scores[i]);
    const cand: number[] = [];
    for (let i = lo; i < hi; i++) if (scores[i] >= max - radius) cand.push(i);
    out.push(sortedOrder(scores, cand).slice(0, per));
  }
  return out;
}

/** SADS: the indices kept for one row, ascending (the union of the segments' picks). */
export function sadsSelect(scores: readonly number[], k: number, n: number, radius: number): number[] {
  return sadsSegments(scores, k, n, radius).flat().sort((a, b) => a - b);
}

/** Fraction of the exact top-k that `kept` contains (1 when k = 0). */
export function topKRecall(scores: readonly number[], kept: readonly number[], k: number): number {
  const exact = topK(scores, k);
  if (exact.length === 0) return 1;
  const s = new Set(kept);
  return exact.filter((i) => s.has(i)).length / exact.length;
}

/**
 * A bitonic sorting network on n = 2^p wires as stages of compare-exchange pairs [i, j]: after
 * each pair, wire i holds the element that comes first in the sorters' order (descending). The
 * network is the classic one (p(p+1)/2 stages of n/2 comparators), with directions folded into the
 * pair order.
 */
export function bitonicNetwork(n: number): [number, number][][] {
  if (n < 1 || (n & (n - 1)) !== 0) throw new Error(`bitonicNetwork: ${n} wires is not a power of two`);
  const stages: [number, number][][] = [];
  for (let size = 2; size <= n; size *= 2) {
    for (let stride = size / 2; stride >= 1; stride /= 2) {
      const stage: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const j = i ^ stride;
        if (j <= i) continue;
        const descending = (i & size) === 0;
        stage.push(descending ? [i, j] : [j, i]);
      }
      stages.push(stage);
    }
  }
  return stages;
}

/**
 * The network with every comparator removed that cannot influence the first `keep` outputs
 * (comparators whose outputs both lead only to discarded wires). What the 16-to-4 core builds.
 */
export function prunedNetwork(n: number, keep: number): [number, number][][] {
  const stages = bitonicNetwork(n);
  let live = new Set<number>(Array.from({ length: keep }, (_, i) => i));
  const out: [number, number][][] = [];
  for (let s = stages.length - 1; s >= 0; s--) {
    const kept = stages[s].filter(([a, b]) => live.has(a) || live.has(b));
    const next = new Set(live);
    for (const [a, b] of kept) {
      next.add(a);
      next.add(b);
    }
    live = next;
    out.unshift(kept);
  }
  return out;
}

export interface SortItem {
  readonly value: number;
  readonly index: number;
  /** Invalid items (clipped, already taken, past the segment) sort after every valid one. */
  readonly valid: boolean;
}

/** a comes first: valid before invalid; then value descending, lower index first. */
export function itemBefore(a: SortItem, b: SortItem): boolean {
  if (a.valid !== b.valid) return a.valid;
  return before(a.value, a.index, b.value, b.index);
}

/** Run a compare-exchange network on items (wire i gets the earlier of each pair). */
export function runNetwork(net: readonly (readonly [number, number][])[], items: readonly SortItem[]): SortItem[] {
  const w = [...items];
  for (const stage of net) {
    for (const [a, b] of stage) {
      if (itemBefore(w[b], w[a])) [w[a], w[b]] = [w[b], w[a]];
    }
  }
  return w;
}

/** The 16-to-4 core: 12 new items plus the current top 4 in, the new top 4 (in order) out. */
export function sortCore16to4(current: readonly SortItem[], fresh: readonly SortItem[]): SortItem[] {
  if (current.length !== 4 || fresh.length !== 12) throw new Error(`sortCore16to4: takes 4 current and 12 new items, got ${current.length} and ${fresh.length}`);
  return runNetwork(prunedNetwork(16, 4), [...current, ...fresh]).slice(0, 4);
}

// ---------------------------------------------------------------- SU-FA (float64)

export interface SufaResult {
  /** softmax(scores restricted to `order`) x values, a row of length dv. */
  output: number[];
  /** Times the running max rose: a strictly larger score arrived after the first. */
  rescales: number;
  exps: number;
  muls: number;
  adds: number;
}

/**
 * Sorted-updating FlashAttention, element form, in float64: visit `order`; keep the running max m,
 * the sum l and the output o; when a strictly larger score arrives, rescale l and o by e^(m_old - m)
 * (a rescale); else add e^(s - m). Exact softmax for any order; zero rescales in descending order.
 * Counts: one exp per key, plus one per rescale; a multiply per value element per key (p*v) and per
 * rescale (l and o scaled); adds for l and o.
 */
export function sufa(scores: readonly number[], values: readonly (readonly number[])[], order: readonly number[]): SufaResult {
  const dv = values.length ? values[0].length : 0;
  const o = new Array<number>(dv).fill(0);
  let m = -Infinity, l = 0, rescales = 0, exps = 0, muls = 0, adds = 0;
  for (let j = 0; j < order.length; j++) {
    const t = order[j];
    const s = scores[t];
    if (j > 0 && s > m) {
      const alpha = Math.exp(m - s);
      exps++;
      l *= alpha;
      for (let d = 0; d < dv; d++) o[d] *= alpha;
      muls += 1 + dv;
      rescales++;
      m = s;
    } else if (j === 0) m = s;
    const p = Math.exp(s - m);
    exps++;
    l += p;
    adds++;
    const v = values[t];
    for (let d = 0; d < dv; d++) o[d] += p * v[d];
    muls += dv;
    adds += dv;
  }
  return { output: o.map((x) => (l > 0 ? x / l : 0)), rescales, exps, muls, adds };
}

/** Rescales an online softmax needs for `order`: strict prefix-maximum records after the first element. */
export function prefixMaxRecords(scores: readonly number[], order: readonly number[]): number {
  let r = 0, m = -Infinity;
  order.forEach((t, j) => {
    if (j > 0 && scores[t] > m) r++;
    m = Math.max(m, scores[t]);
  });
  return r;
}

/**
 * The tile form (Fig. 10b): keys visited tile by tile (each tile a list, ideally with its max first);
 * each tile keeps its own m, l, o; then synchronise: m = max_j m_j, l = sum_j l_j e^(m_j - m),
 * O = (sum_j o_j e^(m_j - m)) / l. `rescales` counts in-tile max rises (0 when each tile is sorted);
 * `syncRescales` the tiles whose partial sums the synchronisation scales (m_j < m).
 */
export function sufaTiled(scores: readonly number[], values: readonly (readonly number[])[], tiles: readonly (readonly number[])[]): SufaResult & { syncRescales: number } {
  const dv = values.length ? values[0].length : 0;
  const parts = tiles.filter((t) => t.length > 0).map((t) => {
    const r = sufa(scores, values, t);
    let m = -Infinity;
    for (const i of t) m = Math.max(m, scores[i]);
    let l = 0;
    for (const i of t) l += Math.exp(scores[i] - m);
    return { m, l, o: r.output.map((x) => x * l), r };
  });
  const m = Math.max(...parts.map((p) => p.m));
  let l = 0, syncRescales = 0;
  const o = new Array<number>(dv).fill(0);
  for (const p of parts) {
    const f = Math.exp(p.m - m);
    if (p.m < m) syncRescales++;
    l += p.l * f;
    for (let d = 0; d < dv; d++) o[d] += p.o[d] * f;
  }
  const sum = (f: (r: SufaResult) => number) => parts.reduce((s, p) => s + f(p.r), 0);
  return {
    output: o.map((x) => (l > 0 ? x / l : 0)),
    rescales: sum((r) => r.rescales),
    exps: sum((r) => r.exps) + syncRescales,
    muls: sum((r) => r.muls) + syncRescales * (1 + dv),
    adds: sum((r) => r.adds) + Math.max(0, parts.length - 1) * (1 + dv),
    syncRescales,
  };
}

/** softmax(scores) x values over the indices `keep` (all when omitted), float64: the ideal. */
export function attentionIdeal(scores: readonly number[], values: readonly (readonly number[])[], keep?: readonly number[]): number[] {
  const idx = keep ?? scores.map((_, i) => i);
  const dv = values.length ? values[0].length : 0;
  let m = -Infinity;
  for (const i of idx) m = Math.max(m, scores[i]);
  let l = 0;
  const o = new Array<number>(dv).fill(0);
  for (const i of idx) {
    const p = Math.exp(scores[i] - m);
    l += p;
    for (let d = 0; d < dv; d++) o[d] += p * values[i][d];
  }
  return o.map((x) => x / l);
}

/** Float64 softmax of a vector. */
export function softmaxIdeal(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// ---------------------------------------------------------------- fixed-point exp

/**
 * The exp unit: e^(-d / 2^fracBits) for an unsigned fixed-point d, as an unsigned probability with
 * probBits fraction bits (1.0 = 2^probBits, exactly, at d = 0).
 */
export interface ExpConfig {
  /** Fraction bits of scores (and of d = max - score). */
  readonly fracBits: number;
  /** Fraction bits of probabilities; 1.0 is 2^probBits. */
  readonly probBits: number;
  /** 2^-u for u in [0, 1) from a table of 2^lutBits + 1 entries... */
  readonly lutBits: number;
  /** ...linearly interpolated with this many weight bits. */
  readonly interpBits: number;
  /** Fraction bits of the log2(e) constant. */
  readonly log2eBits: number;
}

export const DEFAULT_EXP: ExpConfig = { fracBits: 8, probBits: 15, lutBits: 6, interpBits: 8, log2eBits: 16 };

export function checkExpConfig(c: ExpConfig): void {
  const bad = (what: string) => {
    throw new Error(`exp config: ${what}`);
  };
  for (const [k, lo, hi] of [["fracBits", 0, 16], ["probBits", 4, 24], ["lutBits", 1, 10], ["interpBits", 0, 16], ["log2eBits", 4, 24]] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < lo || v > hi) bad(`${k} = ${v} must be an integer in ${lo}..${hi}`);
  }
}

/** round(log2(e) * 2^log2eBits). */
export function log2eConst(c: ExpConfig): number {
  return Math.round(Math.LOG2E * 2 ** c.log2eBits);
}

/** The table: entry i = round(2^probBits * 2^(-i / 2^lutBits)), i = 0 .. 2^lutBits (entry 0 is 2^probBits). */
export function expTable(c: ExpConfig): number[] {
  const n = 2 ** c.lutBits;
  return Array.from({ length: n + 1 }, (_, i) => Math.round(2 ** c.probBits * 2 ** (-i / n)));
}

/**
 * Bit-true exp: t = d * L (L = log2eConst, fracBits + log2eBits fraction bits, exact);
 * n = integer part of t, u = fraction; i = top lutBits of u, w = the next interpBits bits;
 * mant = T[i] - floor((T[i] - T[i+1]) * w / 2^interpBits); result = mant >> n (0 once n > probBits).
 */
export function expFixed(d: number, c: ExpConfig = DEFAULT_EXP): number {
  if (!Number.isInteger(d) || d < 0) throw new Error(`expFixed: d = ${d} must be a non-negative integer`);
  const T = expTable(c);
  const tf = c.fracBits + c.log2eBits; // fraction bits of t
  const t = d * log2eConst(c);
  const n = Math.floor(t / 2 ** tf);
  if (n > c.probBits) return 0;
  const u = t - n * 2 ** tf; // fraction, tf bits
  const i = Math.floor(u / 2 ** (tf - c.lutBits));
  const below = u - i * 2 ** (tf - c.lutBits); // the bits under the index
  const wShift = tf - c.lutBits - c.interpBits;
  const w = wShift >= 0 ? Math.floor(below / 2 ** wShift) : below * 2 ** -wShift;
  const mant = T[i] - Math.floor(((T[i] - T[i + 1]) * w) / 2 ** c.interpBits);
  return Math.floor(mant / 2 ** n);
}

/**
 * The largest d whose exp is nonzero is below this; the exp unit's input needs only
 * ceil(log2(expRange)) bits (larger d give 0 and the unit clamps them).
 */
export function expRange(c: ExpConfig = DEFAULT_EXP): number {
  return Math.ceil(((c.probBits + 1) * 2 ** (c.fracBits + c.log2eBits)) / log2eConst(c)) + 1;
}

/**
 * Bound on |expFixed(d)/2^probBits - e^(-d/2^fracBits)| over all d, derived term by term:
 *   log2(e) rounding: t is off by d*|L - 2^B log2 e| / 2^(F+B); the value moves by at most
 *     ln2 * e^-x * x * 2^-(B+1) / log2e <= 2^-(B+1) / e (x = d/2^F; max of x e^-x is 1/e);
 *   table entries: rounded, each within 2^-(P+1), so is any convex combination;
 *   interpolation of the convex 2^-u over a step h = 2^-lutBits: at most (ln2 * h)^2 / 8;
 *   truncated weight: the point moves by < h 2^-interpBits, slope of 2^-u <= ln2: ln2 h 2^-interpBits
 *     (0 when the weight keeps every bit);
 *   truncations: of the interpolated product (< 2^-P) and of the final shift (< 2^-P).
 * Every term is scaled by 2^-n <= 1 before the final truncation, so the sum bounds the error.
 */
export function expErrorBound(c: ExpConfig = DEFAULT_EXP): number {
  const h = 2 ** -c.lutBits, P = 2 ** -c.probBits;
  const wTrunc = c.fracBits + c.log2eBits - c.lutBits > c.interpBits ? Math.LN2 * h * 2 ** -c.interpBits : 0;
  return 2 ** -(c.log2eBits + 1) / Math.E + P / 2 + (Math.LN2 * h) ** 2 / 8 + wTrunc + 2 * P;
}

/**
 * The exp unit's error split into a relative and an absolute part, which gives far tighter bounds
 * on sums of many exps than expErrorBound: |expFixed(d)/2^P - e| <= rel * e + abs, e = e^(-d/2^F).
 * Before the final shift the mantissa lies in [2^(P-1), 2^P], so an absolute error there of
 * delta units is a relative error <= 2 delta 2^-P:
 *   table entries (convex combination of rounded entries): 1/2 unit;  interpolating the convex
 *   2^-u: (ln2 h)^2/8 of 1.0;  truncated weight: ln2 h 2^-interpBits of 1.0;  the floored product:
 *   < 1 unit;  log2(e) rounding: the exponent is off by x 2^-(B+1) with x < (P+1) ln2 wherever the
 *   result is nonzero, a relative ln2 x 2^-(B+1).
 * The final shift floors: < 2^-P absolute; where the unit returns 0, e < 2^-P too.
 */
export function expErrorModel(c: ExpConfig = DEFAULT_EXP): { rel: number; abs: number } {
  const h = 2 ** -c.lutBits, P = 2 ** -c.probBits;
  const wTrunc = c.fracBits + c.log2eBits - c.lutBits > c.interpBits ? Math.LN2 * h * 2 ** -c.interpBits : 0;
  const mantissa = [P / 2, (Math.LN2 * h) ** 2 / 8, wTrunc, P].map((x) => 2 * x);
  const log2e = Math.LN2 * (c.probBits + 1) * Math.LN2 * 2 ** -(c.log2eBits + 1) * 1.001;
  const rel = [...mantissa, log2e].reduce((acc, r) => acc * (1 + r), 1) - 1;
  return { rel, abs: P };
}

// ---------------------------------------------------------------- fixed-point softmax

export interface SoftmaxConfig extends ExpConfig {
  /** Fraction bits of the reciprocal floor(2^recipBits / l), l in probBits units. */
  readonly recipBits: number;
}

export const DEFAULT_SOFTMAX: SoftmaxConfig = { ...DEFAULT_EXP, recipBits: 40 };

export interface SoftmaxFixedResult {
  readonly max: number;
  /** expFixed(max - x_i). */
  readonly p: number[];
  /** sum of p. */
  readonly sum: number;
  /** floor(2^recipBits / sum). */
  readonly recip: number;
  /** floor(p_i * recip / 2^(recipBits - probBits)): probabilities with probBits fraction bits. */
  readonly y: number[];
}

/**
 * Bit-true fixed-point softmax of scores x (signed integers with fracBits fraction bits): max
 * subtraction, exp, sum, one reciprocal, one multiply per output.
 */
export function softmaxFixed(x: readonly number[], c: SoftmaxConfig = DEFAULT_SOFTMAX): SoftmaxFixedResult {
  if (x.length === 0) throw new Error("softmaxFixed: empty vector");
  const max = Math.max(...x);
  const p = x.map((v) => expFixed(max - v, c));
  const sum = p.reduce((a, b) => a + b, 0);
  const recip = Math.floor(2 ** c.recipBits / sum);
  const y = p.map((pi) => mulShift(pi, recip, c.recipBits - c.probBits));
  return { max, p, sum, recip, y };
}

/** floor(a * b / 2^s) for non-negative or signed a, exact even when a*b passes 2^53. */
export function mulShift(a: number, b: number, s: number): number {
  const prod = BigInt(a) * BigInt(b);
  const q = prod >> BigInt(s); // BigInt >> floors toward -infinity
  return Number(q);
}

/**
 * Bound on |y_i / 2^P - softmax(x / 2^F)_i| for a vector of n scores. With e_i the true exps (the
 * max is 1, so L = sum e_i >= 1) and p_i/2^P = e_i (1 + r_i) + a_i, |r_i| <= rel, |a_i| <= abs
 * (expErrorModel), S = sum p/2^P >= L (1 - rel) - n abs:
 *   |p_i/S - e_i/L| = |L (p_i - e_i) - e_i (S - L)| / (S L) <= (2 rel + (n + 1) abs) / (1 - rel - n abs);
 * the reciprocal's truncation costs p_i/2^P * 2^P/2^recipBits <= 2^(P - recipBits) and the output
 * truncation 2^-P. Infinite when rel + n abs >= 1 (the bound says nothing there).
 */
export function softmaxErrorBound(n: number, c: SoftmaxConfig = DEFAULT_SOFTMAX): number {
  const { rel, abs } = expErrorModel(c);
  if (rel + n * abs >= 1) return Infinity;
  return (2 * rel + (n + 1) * abs) / (1 - rel - n * abs) + 2 ** (c.probBits - c.recipBits) + 2 ** -c.probBits;
}

// ---------------------------------------------------------------- fixed-point SU-FA

export interface SufaFixedConfig extends SoftmaxConfig {
  /** Fraction bits of the outputs O. */
  readonly outBits: number;
}

export const DEFAULT_SUFA: SufaFixedConfig = { ...DEFAULT_SOFTMAX, outBits: 8 };

export interface SufaFixedResult {
  /** O with outBits fraction bits: floor(o_d * recip / 2^(recipBits - outBits)). */
  output: number[];
  /** The final running state: max, sum (probBits units), o (probBits units times value units). */
  max: number;
  sum: number;
  acc: number[];
  recip: number;
  rescales: number;
  exps: number;
  muls: number;
  adds: number;
}

/**
 * Bit-true SU-FA over `order` with integer scores (fracBits fraction bits) and integer values:
 * first key: m = s, l = 1.0, o = v (p = 2^P exactly). A strictly larger score s: alpha =
 * expFixed(s - m), l = floor(l * alpha / 2^P), o_d = floor(o_d * alpha / 2^P), m = s, then add
 * p = 2^P. Otherwise p = expFixed(m - s). l += p, o_d += p * v_d. At the end one reciprocal
 * floor(2^recipBits / l) and O_d = floor(o_d * recip / 2^(recipBits - outBits)).
 */
export function sufaFixed(scores: readonly number[], values: readonly (readonly number[])[], order: readonly number[], c: SufaFixedConfig = DEFAULT_SUFA): SufaFixedResult {
  const dv = values.length ? values[0].length : 0;
  const one = 2 ** c.probBits;
  let m = 0, l = 0, rescales = 0, exps = 0, muls = 0, adds = 0;
  const o = new Array<number>(dv).fill(0);
  order.forEach((t, j) => {
    const s = scores[t];
    let p: number;
    if (j === 0) {
      m = s;
      p = one;
    } else if (s > m) {
      const alpha = expFixed(s - m, c);
      exps++;
      l = mulShift(l, alpha, c.probBits);
      for (let d = 0; d < dv; d++) o[d] = mulShift(o[d], alpha, c.probBits);
      muls += 1 + dv;
      rescales++;
      m = s;
      p = one;
    } else {
      p = expFixed(m - s, c);
      exps++;
    }
    l += p;
    adds++;
    const v = values[t];
    for (let d = 0; d < dv; d++) o[d] += p * v[d];
    muls += dv;
    adds += dv;
  });
  const recip = l > 0 ? Math.floor(2 ** c.recipBits / l) : 0;
  const output = o.map((x) => mulShift(x, recip, c.recipBits - c.outBits));
  return { output, max: m, sum: l, acc: o, recip, rescales, exps, muls, adds };
}

/**
 * Bound on |O_d / 2^outBits - attentionIdeal(x / 2^F, V, order)_d| for n keys with values in
 * [vmin, vmax] and `rescales` (R) rises of the running max. `sumLowerBound` is a lower bound on
 * L = sum e^(s_i - m) (1 always holds, since the max term is 1; a testbench that knows the scores
 * may pass the true L for a tighter bound).
 *   Every final weight is e_i (1 + r_i) + a_i: each exp contributes rel/abs (expErrorModel); each
 *   rescale multiplies the weights so far by an alpha with the same split, so relative errors
 *   compound to (1 + rel)^(R + 1) - 1, and its absolute part, times the sum so far (<= n), adds n abs;
 *   each rescale also floors l: 2^-P. Total absolute E = n abs (1 + R) + R 2^-P.
 *   With w, w* the normalised weights (each sums to 1), ||w - w*||_1 <= (2 rel' + 2E/L) / (1 - rel' - E/L),
 *   and as O - O* = sum (w_i - w*_i)(v_i - c) for any c, |O - O*| <= ||w - w*||_1 (vmax - vmin) / 2.
 *   Each rescale floors every o_d: < 2^-P / L. The reciprocal floor(2^R / l) is off by < 1:
 *   |o_d| / 2^recipBits <= max|v| n 2^(P - recipBits). The output floors: 2^-outBits.
 * Infinite when rel' + E/L >= 1 (the bound says nothing there).
 */
export function sufaFixedErrorBound(n: number, vmin: number, vmax: number, c: SufaFixedConfig = DEFAULT_SUFA, rescales = 0, sumLowerBound = 1): number {
  const { rel, abs } = expErrorModel(c), P = 2 ** -c.probBits, L = Math.max(1, sumLowerBound);
  const relT = (1 + rel) ** (rescales + 1) - 1;
  const E = (n * abs * (1 + rescales) + rescales * P) / L;
  if (relT + E >= 1) return Infinity;
  const vabs = Math.max(Math.abs(vmin), Math.abs(vmax));
  return ((2 * relT + 2 * E) / (1 - relT - E)) * ((vmax - vmin) / 2) + (rescales * P) / L + vabs * n * 2 ** (c.probBits - c.recipBits) + 2 ** -c.outBits;
}

/**
 * The SU-FA engine over KV tiles (each a list of keys, the sorter's order, ideally max first), run
 * back to back: exactly sufaFixed over the concatenated order, since the engine keeps one running
 * state and synchronises at every tile switch by comparing the new tile's first score with the
 * running max (and rescaling once when it is larger). `tileRescales` counts those switch-time
 * rescales, `rescales - tileRescales` the in-tile ones (0 when each tile is sorted descending).
 */
export function sufaFixedTiles(scores: readonly number[], values: readonly (readonly number[])[], tiles: readonly (readonly number[])[], c: SufaFixedConfig = DEFAULT_SUFA): SufaFixedResult & { tileRescales: number } {
  const order = tiles.flat();
  const r = sufaFixed(scores, values, order, c);
  let m = -Infinity, tileRescales = 0, j = 0;
  for (const tile of tiles) {
    tile.forEach((t, i) => {
      if (j > 0 && scores[t] > m && i === 0) tileRescales++;
      m = Math.max(m, scores[t]);
      j++;
    });
  }
  return { ...r, tileRescales };
}

/** Width of the SU-FA score register: signed, fracBits fraction bits. */
export const SCORE_WIDTH = 24;

/**
 * The exact score the SU-FA engine forms for query q and key k (int16 vectors):
 * saturate(sra(sum_d q[d] k[d], scoreShift), SCORE_WIDTH), a fixed-point number with fracBits
 * fraction bits (so the softmax temperature is 2^(scoreShift + fracBits)).
 */
export function fixedScore(q: readonly number[], k: readonly number[], scoreShift: number): number {
  let dot = 0;
  for (let d = 0; d < q.length; d++) dot += q[d] * k[d];
  return saturate(sra(dot, scoreShift), SCORE_WIDTH);
}
