/**
 * Stimulus for the SOFA attention pipeline: tokens, key weights, queries and values whose attention
 * rows look like the paper's three row types, and the scaling shifts a quantiser would pick offline.
 *
 * Row types (papers.md 5a, "distributed cluster effect"): type I, a few dominant tokens (the query
 * points at 1-3 keys); type II, roughly uniform (a small random query); type III, the larger
 * scores concentrated in one region (the query points at a run of adjacent keys). "mixed" draws
 * 60% type I, 30% type II, 10% type III per query.
 *
 * The model dimension of the tokens equals headDim (one projection, W_k square), which keeps the
 * testbench's parameters those the issue names.
 */
import { dlzsDot, exactK, predictKhat, transpose } from "../../golden/sofa.js";
import type { AttentionProblem } from "../../golden/sofa-pipeline.js";
import { randInt } from "../harness.js";

export const ROW_TYPES = ["mixed", "dominant", "uniform", "regional"] as const;
export type RowType = (typeof ROW_TYPES)[number];

export interface AttentionShape {
  readonly seqLen: number;
  readonly headDim: number;
  readonly queries: number;
  readonly rows: RowType;
  /** Target standard deviation of a row's real scores (natural-log units): sets the temperature. */
  readonly spread: number;
}

/** An approximately normal integer (sum of uniforms), clamped to [-lim, lim]. */
function gauss(r: () => number, sigma: number, lim: number): number {
  const z = (r() + r() + r() + r() - 2) * Math.sqrt(3);
  return Math.max(-lim, Math.min(lim, Math.round(z * sigma)));
}

/** Bits needed to hold |v| as a signed value, minus 1 (so v fits s(bits+1)). */
function magBits(v: number): number {
  return v === 0 ? 0 : Math.ceil(Math.log2(Math.abs(v) + 1));
}

/** The smallest right shift that brings every value into a signed 16-bit range. */
function shiftToInt16(maxAbs: number): number {
  return Math.max(0, magBits(maxAbs) - 15);
}

export function makeAttentionProblem(r: () => number, s: AttentionShape, fracBits: number): AttentionProblem {
  const { seqLen: S, headDim: D, queries: NQ } = s;
  // Tokens with some exact zeros (post-activation sparsity), which the zero eliminator skips.
  const X = Array.from({ length: S }, () => Array.from({ length: D }, () => (r() < 0.1 ? 0 : gauss(r, 28, 127))));
  const Wk = Array.from({ length: D }, () => Array.from({ length: D }, () => (r() < 0.05 ? 0 : gauss(r, 28, 127))));
  // kShift: the smallest shift at which neither K nor K-hat saturates.
  let maxRaw = 0;
  const WkT = transpose(Wk);
  for (const x of X) {
    for (const w of WkT) {
      maxRaw = Math.max(maxRaw, Math.abs(dlzsDot(w, x, 8)), Math.abs(w.reduce((a, wi, i) => a + wi * x[i], 0)));
    }
  }
  const kShift = shiftToInt16(maxRaw);
  const K = exactK(X, Wk, kShift);
  const Khat = predictKhat(X, Wk, kShift);
  const kScale = Math.max(1, ...K.flat().map(Math.abs));

  const Q: number[][] = [];
  for (let q = 0; q < NQ; q++) {
    const type = s.rows === "mixed" ? (r() < 0.6 ? "dominant" : r() < 0.75 ? "uniform" : "regional") : s.rows;
    const v = new Array<number>(D).fill(0);
    const add = (t: number, w: number) => K[t].forEach((x, d) => (v[d] += (w * x) / kScale));
    if (type === "dominant") {
      const n = randInt(r, 1, 3);
      for (let i = 0; i < n; i++) add(randInt(r, 0, S - 1), 1 + r());
    } else if (type === "regional") {
      const len = Math.max(2, Math.floor(S / 16)), at = randInt(r, 0, S - len);
      for (let t = at; t < at + len; t++) add(t, 0.5 + r());
    }
    // Noise on every query; the whole of a uniform one.
    for (let d = 0; d < D; d++) v[d] += (type === "uniform" ? 0.6 : 0.15) * (r() * 2 - 1);
    const m = Math.max(1e-9, ...v.map(Math.abs));
    Q.push(v.map((x) => Math.max(-32768, Math.min(32767, Math.round((x / m) * 2047)))));
  }
  const V = Array.from({ length: S }, () => Array.from({ length: D }, () => randInt(r, -127, 127)));

  // aShift: the smallest shift at which A-hat does not saturate.
  let maxA = 0, sum2 = 0, n = 0;
  for (const q of Q) {
    for (let t = 0; t < S; t++) {
      maxA = Math.max(maxA, Math.abs(dlzsDot(q, Khat[t], 16)));
      const dot = q.reduce((a, qd, d) => a + qd * K[t][d], 0);
      sum2 += dot * dot;
      n++;
    }
  }
  const aShift = shiftToInt16(maxA);
  // scoreShift: real scores (dot / 2^(scoreShift + fracBits)) get a standard deviation near `spread`.
  const rms = Math.sqrt(sum2 / Math.max(1, n));
  const scoreShift = Math.max(0, Math.round(Math.log2(Math.max(1, rms / s.spread))) - fracBits);
  return { X, Wk, Q, V, kShift, aShift, scoreShift };
}
