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
 *  - 4-stage (QK -> softmax -> SV -> update, KV split): the visible keys in order, in splits of
 *    `split` positions, through the online-softmax (flash) update: exactly sufaFixedTiles over the
 *    splits, whose running max rises where a split holds a larger score.
 */
import {
  DEFAULT_SUFA, attentionIdeal, expErrorModel, fixedScore, softmaxFixed, sufaFixedErrorBound, sufaFixedTiles,
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
  /** 4-stage: running-max rises (rescales) of the online softmax. */
  readonly rescales: number;
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
      // The visible keys grouped by the split their position falls in.
      const tiles: number[][] = [];
      let current = -1;
      visible.forEach((j, i) => {
        if (Math.floor(j / split) !== current) {
          current = Math.floor(j / split);
          tiles.push([]);
        }
        tiles[tiles.length - 1].push(i);
      });
      const res = sufaFixedTiles(scores, values, tiles, c);
      return { out: res.output, visible, rescales: res.rescales };
    }
    const y = softmaxFixed(scores, c).y;
    const out = new Array<number>(dv).fill(0).map((_, d) => {
      let acc = 0n;
      for (let i = 0; i < y.length; i++) acc += BigInt(y[i]) * BigInt(values[i][d]);
      return Number(acc >> BigInt(c.probBits - c.outBits));
    });
    return { out, visible, rescales: 0 };
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
 * 4-stage: the online softmax's bound (sufaFixedErrorBound with its rescales). 2/3-stage: with
 * p_i / 2^P = e_i (1 + r_i) + a_i (expErrorModel: |r_i| <= rel, |a_i| <= abs) and S = sum p_i,
 * L = sum e_i >= 1, the exact ratios p_i / S are within ||.||_1 <= 2 (rel + n abs) / (1 - rel - n abs)
 * of the true weights, and since both sum to 1 the output moves by at most that times
 * (vmax - vmin) / 2; each y_i then floors twice (the reciprocal, the product): < p_i 2^-recipBits
 * + 2^-P, at most n (2^(P - recipBits) + 2^-P) in all, times max|v|; the output floors: 2^-outBits.
 */
export function metaAttentionErrorBound(n: number, vmin: number, vmax: number, pipeline: MetaPipeline, rescales = 0, c: MetaAttentionConfig = DEFAULT_META): number {
  if (pipeline === 4) return sufaFixedErrorBound(n, vmin, vmax, c, rescales);
  const { rel, abs } = expErrorModel(c);
  if (rel + n * abs >= 1) return Infinity;
  const vabs = Math.max(Math.abs(vmin), Math.abs(vmax));
  const weights = (2 * (rel + n * abs)) / (1 - rel - n * abs);
  return (weights * (vmax - vmin)) / 2 + vabs * n * (2 ** (c.probBits - c.recipBits) + 2 ** -c.probBits) + 2 ** -c.outBits;
}
