/**
 * Golden model of XY-Serve's meta-attention (../shared/reference/papers.md section 6): one
 * GEMM -> softmax -> GEMM primitive for every prefill, decode and verify tile, bit-true over the
 * SOFA units' fixed-point arithmetic (sofa.ts), with the ideal float attention and a stated bound.
 *
 * A tile: `rows` query rows at absolute positions start .. start+rows-1 of one request and head,
 * the request's keys/values at positions 0 .. kvLen-1, stored in whole KV blocks (K and V may be
 * longer than kvLen: the padding is garbage the model must ignore, its scores zeroed).
 *
 * Masks. Query row r sees key j iff j < kvLen and j <= start + r (causal), except in a verify
 * tile's speculative corner: its last specLen rows are the drafts at key positions
 * kvLen-specLen .. kvLen-1, and draft row a sees draft key b iff tree[a][b] (a tree of drafts
 * from the speculator; sequence speculation is the causal tree[a][b] = b <= a). Only that corner
 * needs the mask; keys before the drafts are all visible.
 *
 * Pipelines (all the same scores s_j = fixedScore(q, k_j, scoreShift)):
 *  - 3-stage (QK -> softmax -> SV) and 2-stage (decode: QK fused with the softmax): one softmax
 *    over the row's visible scores (softmaxFixed), then O_d = floor(sum_j y_j v_jd / 2^(probBits -
 *    outBits)) (probabilities y with probBits fraction bits, O with outBits).
 *  - 4-stage (QK -> softmax -> SV -> update, KV split): the keys in splits of `split` positions,
 *    each split on its own (FlashAttention-2): m_s = the split's largest visible score, p_j =
 *    expFixed(m_s - s_j), l_s = sum p_j, o_s,d = sum p_j v_jd; then the update merges (m_s, l_s, o_s)
 *    into the row's running (m, l, o) (mergeSplit): one exp of the max difference scales the side
 *    with the smaller max (floor(x * e / 2^probBits)); splits with no visible key are skipped. At
 *    the end O_d = floor(o_d * floor(2^recipBits / l) / 2^(recipBits - outBits)).
 */
import {
  DEFAULT_SUFA, attentionIdeal, expErrorModel, expFixed, fixedScore, mulShift, softmaxFixed, sufaFixedErrorBound,
  type SufaFixedConfig,
} from "./sofa.js";

export interface MetaAttentionTile {
  /** Query rows (rows x d), keys (>= kvLen x d), values (>= kvLen x dv): integers. */
  readonly q: readonly (readonly number[])[];
  readonly k: readonly (readonly number[])[];
  readonly v: readonly (readonly number[])[];
  /** Absolute position of query row 0. */
  readonly start: number;
  /** Real keys: positions 0 .. kvLen-1 (the rest of k, v is padding). */
  readonly kvLen: number;
  /** Verify tiles: the drafts' visibility among themselves (specLen x specLen); absent: no speculative corner. */
  readonly tree?: readonly (readonly boolean[])[];
}

export type MetaPipeline = 2 | 3 | 4;

export interface MetaAttentionConfig extends SufaFixedConfig {
  /** Scores are the dot product shifted right by this (fixedScore). */
  readonly scoreShift: number;
}

export const DEFAULT_META: MetaAttentionConfig = { ...DEFAULT_SUFA, scoreShift: 4 };

/** The keys query row r of the tile sees, in position order. */
export function visibleKeys(t: MetaAttentionTile, r: number): number[] {
  const pos = t.start + r, spec = t.tree?.length ?? 0;
  const firstDraft = t.kvLen - spec, draftRow = t.q.length - spec;
  const out: number[] = [];
  for (let j = 0; j < t.kvLen && j <= pos; j++) {
    if (spec > 0 && r >= draftRow && j >= firstDraft && !t.tree![r - draftRow][j - firstDraft]) continue;
    out.push(j);
  }
  return out;
}

/** Checks a tile's shape: errors name what is wrong. */
export function checkTile(t: MetaAttentionTile): void {
  const rows = t.q.length;
  if (rows === 0) throw new Error("meta-attention: a tile needs at least one query row");
  if (!(Number.isInteger(t.kvLen) && t.kvLen >= 1)) throw new Error(`meta-attention: kvLen = ${t.kvLen} must be >= 1`);
  if (t.k.length < t.kvLen || t.v.length < t.kvLen) throw new Error(`meta-attention: kvLen = ${t.kvLen} but K has ${t.k.length} rows and V ${t.v.length}`);
  if (!(Number.isInteger(t.start) && t.start >= 0 && t.start + rows <= t.kvLen)) throw new Error(`meta-attention: rows at ${t.start}..${t.start + rows - 1} must lie inside the ${t.kvLen} keys (a query is also a key)`);
  const spec = t.tree?.length ?? 0;
  if (spec > rows) throw new Error(`meta-attention: specLen = ${spec} is more than the tile's ${rows} rows`);
  if (spec > 0 && t.start + rows !== t.kvLen) throw new Error("meta-attention: a verify tile's last row must be the last key (the drafts are the newest tokens)");
  t.tree?.forEach((row, a) => {
    if (row.length !== spec) throw new Error(`meta-attention: tree row ${a} has ${row.length} entries, expected specLen = ${spec}`);
    if (!row[a]) throw new Error(`meta-attention: tree[${a}][${a}] must be true (a draft sees itself)`);
    row.forEach((seen, b) => {
      if (seen && b > a) throw new Error(`meta-attention: tree[${a}][${b}]: a draft can see only earlier drafts (ancestors come first)`);
    });
  });
}

export interface MetaAttentionRow {
  /** Outputs with outBits fraction bits. */
  readonly out: number[];
  readonly visible: number[];
  /** 4-stage: merges (splits with a visible key, after the first) and those where the running max rose. */
  readonly merges: number;
  readonly rescales: number;
}

/** The online-softmax state of a row (4-stage), or one split's partial result. */
export interface SplitState {
  readonly max: number;
  /** Sum of the exps, probBits fraction bits. */
  readonly sum: number;
  /** Sum of exp x value per output dimension, probBits fraction bits. */
  readonly acc: readonly number[];
}

/** One split of a row (4-stage): its scores and values, none empty. */
export function splitPartial(scores: readonly number[], values: readonly (readonly number[])[], c: MetaAttentionConfig = DEFAULT_META): SplitState {
  const max = Math.max(...scores), dv = values[0].length;
  const acc = new Array<number>(dv).fill(0);
  let sum = 0;
  scores.forEach((s, i) => {
    const p = expFixed(max - s, c);
    sum += p;
    for (let d = 0; d < dv; d++) acc[d] += p * values[i][d];
  });
  return { max, sum, acc };
}

/**
 * The update stage: the running state merged with a split's partial. The side with the smaller
 * max is scaled by e = expFixed(difference) (floor(x e / 2^probBits)); ties scale the split by
 * expFixed(0) = 1.0, which changes nothing.
 */
export function mergeSplit(run: SplitState | undefined, part: SplitState, c: MetaAttentionConfig = DEFAULT_META): SplitState {
  if (!run) return part;
  const scale = (x: number, e: number) => mulShift(x, e, c.probBits);
  if (part.max > run.max) {
    const e = expFixed(part.max - run.max, c);
    return { max: part.max, sum: scale(run.sum, e) + part.sum, acc: run.acc.map((x, d) => scale(x, e) + part.acc[d]) };
  }
  const e = expFixed(run.max - part.max, c);
  return { max: run.max, sum: run.sum + scale(part.sum, e), acc: run.acc.map((x, d) => x + scale(part.acc[d], e)) };
}

/** The tile's outputs, bit-true, row by row. `split`: KV split (positions) of the 4-stage pipeline. */
export function metaAttention(t: MetaAttentionTile, pipeline: MetaPipeline, split = 64, c: MetaAttentionConfig = DEFAULT_META): MetaAttentionRow[] {
  checkTile(t);
  if (!(Number.isInteger(split) && split >= 1)) throw new Error(`meta-attention: split = ${split} must be a whole number of keys >= 1`);
  if (![2, 3, 4].includes(pipeline)) throw new Error(`meta-attention: pipeline = ${pipeline}: use 2, 3 or 4`);
  const dv = t.v[0].length;
  return t.q.map((q, r) => {
    const visible = visibleKeys(t, r);
    const scores = visible.map((j) => fixedScore(q, t.k[j], c.scoreShift));
    const values = visible.map((j) => t.v[j]);
    if (pipeline === 4) {
      let run: SplitState | undefined;
      let merges = 0, rescales = 0;
      for (let lo = 0; lo < visible.length; ) {
        const sp = Math.floor(visible[lo] / split);
        let hi = lo;
        while (hi < visible.length && Math.floor(visible[hi] / split) === sp) hi++;
        const part = splitPartial(scores.slice(lo, hi), values.slice(lo, hi), c);
        if (run) {
          merges++;
          if (part.max > run.max) rescales++;
        }
        run = mergeSplit(run, part, c);
        lo = hi;
      }
      const recip = Math.floor(2 ** c.recipBits / run!.sum);
      return { out: run!.acc.map((x) => mulShift(x, recip, c.recipBits - c.outBits)), visible, merges, rescales };
    }
    const y = softmaxFixed(scores, c).y;
    const out = new Array<number>(dv).fill(0).map((_, d) => {
      let acc = 0n;
      for (let i = 0; i < y.length; i++) acc += BigInt(y[i]) * BigInt(values[i][d]);
      return Number(acc >> BigInt(c.probBits - c.outBits));
    });
    return { out, visible, merges: 0, rescales: 0 };
  });
}

/** The ideal float attention of the same scores (scores / 2^fracBits) over the same visible keys. */
export function metaAttentionIdeal(t: MetaAttentionTile, c: MetaAttentionConfig = DEFAULT_META): number[][] {
  return t.q.map((q, r) => {
    const visible = visibleKeys(t, r);
    const scores = visible.map((j) => fixedScore(q, t.k[j], c.scoreShift) / 2 ** c.fracBits);
    return attentionIdeal(scores, visible.map((j) => t.v[j]));
  });
}

/**
 * Bound on |out / 2^outBits - ideal| for a row of n visible keys with values in [vmin, vmax].
 * 4-stage, with `merges` split merges: each merge scales one side by one exp (relative error rel,
 * absolute abs times a partial sum <= n) and floors l and every o_d once, so every weight carries
 * at most merges + 1 exp factors: the same terms as an online softmax with `merges` rescales
 * (sufaFixedErrorBound). 2/3-stage: with
 * p_i / 2^P = e_i (1 + r_i) + a_i (expErrorModel: |r_i| <= rel, |a_i| <= abs) and S = sum p_i,
 * L = sum e_i >= 1, the exact ratios p_i / S are within ||.||_1 <= 2 (rel + n abs) / (1 - rel - n abs)
 * of the true weights, and since both sum to 1 the output moves by at most that times
 * (vmax - vmin) / 2; each y_i then floors twice (the reciprocal, the product): < p_i 2^-recipBits
 * + 2^-P, at most n (2^(P - recipBits) + 2^-P) in all, times max|v|; the output floors: 2^-outBits.
 */
export function metaAttentionErrorBound(n: number, vmin: number, vmax: number, pipeline: MetaPipeline, merges = 0, c: MetaAttentionConfig = DEFAULT_META): number {
  if (pipeline === 4) return sufaFixedErrorBound(n, vmin, vmax, c, merges);
  const { rel, abs } = expErrorModel(c);
  if (rel + n * abs >= 1) return Infinity;
  const vabs = Math.max(Math.abs(vmin), Math.abs(vmax));
  const weights = (2 * (rel + n * abs)) / (1 - rel - n * abs);
  return (weights * (vmax - vmin)) / 2 + vabs * n * (2 ** (c.probBits - c.recipBits) + 2 ** -c.probBits) + 2 ** -c.outBits;
}
