/**
 * Golden model of the whole SOFA attention pipeline (DLZS -> SADS -> SU-FA over query tiles):
 * the bit-true outputs, the ideal dense attention it approximates, and the cross-stage tile
 * schedule (which tile each stage works on when, stalls, buffer occupancy). Pure functions; imports
 * only the unit goldens.
 */
import {
  attentionIdeal, DEFAULT_SUFA, exactK, fixedScore, predictAhat, predictKhat, sadsSegments, SufaFixedConfig,
  sufaFixedErrorBound, sufaFixedTiles, topKRecall,
} from "./sofa.js";

export interface AttentionProblem {
  /** Tokens, seqLen x dModel, int8. */
  readonly X: readonly (readonly number[])[];
  /** Key weights, dModel x headDim, int8 (stored leading-zero coded for phase 1.1). */
  readonly Wk: readonly (readonly number[])[];
  /** Queries, queries x headDim, int16. */
  readonly Q: readonly (readonly number[])[];
  /** Values, seqLen x headDim, int8. */
  readonly V: readonly (readonly number[])[];
  readonly kShift: number;
  readonly aShift: number;
  readonly scoreShift: number;
}

export interface AttentionSelection {
  readonly k: number;
  readonly segments: number;
  /** SADS radius in A-hat units; Infinity for none. */
  readonly radius: number;
}

export interface AttentionGolden {
  readonly Khat: number[][];
  readonly K: number[][];
  readonly Ahat: number[][];
  /** Per query, per segment (= KV tile), the kept keys in the sorter's order. */
  readonly lists: number[][][];
  /** Per query, the exact fixed-point scores of every key. */
  readonly scores: number[][];
  /** Per query, the bit-true SU-FA result (output with outBits fraction bits, counts). */
  readonly out: ReturnType<typeof sufaFixedTiles>[];
}

/** The bit-true pipeline: K-hat (8-bit mode), A-hat (16-bit mode), SADS lists, exact scores, SU-FA. */
export function sofaAttention(p: AttentionProblem, sel: AttentionSelection, c: SufaFixedConfig = DEFAULT_SUFA): AttentionGolden {
  const Khat = predictKhat(p.X, p.Wk, p.kShift);
  const K = exactK(p.X, p.Wk, p.kShift);
  const Ahat = predictAhat(p.Q, Khat, p.aShift);
  const lists = Ahat.map((row) => sadsSegments(row, sel.k, sel.segments, sel.radius));
  const scores = p.Q.map((q) => K.map((kt) => fixedScore(q, kt, p.scoreShift)));
  const out = p.Q.map((_, qi) => sufaFixedTiles(scores[qi], p.V, lists[qi], c));
  return { Khat, K, Ahat, lists, scores, out };
}

export interface AttentionQuality {
  /** Largest and mean |O - dense attention| over all outputs (value units): what pruning plus fixed point cost. */
  readonly maxError: number;
  readonly meanError: number;
  /** Largest |O - ideal attention over the kept keys|, and the stated bound it must stay within. */
  readonly maxFixedError: number;
  readonly fixedErrorBound: number;
  /** Largest ratio, over queries, of a query's fixed-point error to its own bound (must be <= 1). */
  readonly boundRatio: number;
  /** Mean over queries of the fraction of the exact top-k (by true score) that was kept. */
  readonly recall: number;
  readonly kept: number;
  readonly rescales: number;
}

/**
 * How good the pipeline's output is: against dense attention (all keys, float64 on the exact
 * scores), against the ideal over the kept keys (the fixed-point bound must hold), and top-k recall.
 * The score register truncates each score by < 2^-fracBits; that perturbs every weight e^(s - m)
 * by a factor within e^(+-2^-F), adding 2 (e^(2^(1-F)) - 1) (vmax - vmin) / 2 to the bound.
 */
export function attentionQuality(p: AttentionProblem, sel: AttentionSelection, g: AttentionGolden, c: SufaFixedConfig = DEFAULT_SUFA): AttentionQuality {
  const temp = 2 ** (p.scoreShift + c.fracBits);
  const flatV = p.V.flat();
  const vmin = Math.min(...flatV), vmax = Math.max(...flatV);
  let maxError = 0, sumError = 0, count = 0, maxFixedError = 0, bound = 0, boundRatio = 0, recall = 0, kept = 0, rescales = 0;
  p.Q.forEach((q, qi) => {
    const real = g.K.map((kt) => dotReal(q, kt) / temp);
    const dense = attentionIdeal(real, p.V);
    const keep = g.lists[qi].flat();
    const ideal = attentionIdeal(real, p.V, keep);
    const o = g.out[qi].output.map((x) => x / 2 ** c.outBits);
    let qFixed = 0;
    o.forEach((x, d) => {
      const e = Math.abs(x - dense[d]);
      maxError = Math.max(maxError, e);
      sumError += e;
      count++;
      maxFixedError = Math.max(maxFixedError, Math.abs(x - ideal[d]));
      qFixed = Math.max(qFixed, Math.abs(x - ideal[d]));
    });
    const rho = Math.exp(2 ** (1 - c.fracBits)) - 1;
    // L over the kept keys (the ideal sum with the max term 1) tightens the bound soundly.
    let m = -Infinity;
    for (const i of keep) m = Math.max(m, real[i]);
    const L = keep.reduce((acc, i) => acc + Math.exp(real[i] - m), 0) * Math.exp(-(2 ** -c.fracBits));
    const b = sufaFixedErrorBound(keep.length, vmin, vmax, c, g.out[qi].rescales, L) + ((2 * rho) / Math.max(1e-300, 1 - rho)) * ((vmax - vmin) / 2);
    bound = Math.max(bound, b);
    boundRatio = Math.max(boundRatio, qFixed / b);
    recall += topKRecall(real, keep, sel.k);
    kept += keep.length;
    rescales += g.out[qi].rescales;
  });
  const nq = Math.max(1, p.Q.length);
  return { maxError, meanError: sumError / Math.max(1, count), maxFixedError, fixedErrorBound: bound, boundRatio, recall: recall / nq, kept, rescales };
}

function dotReal(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

// ---------------------------------------------------------------- cross-stage tile schedule

export interface StageTimes {
  /** Cycles each stage spends on each tile: durations[stage][tile]. */
  readonly durations: readonly (readonly number[])[];
  /** Buffer banks between stage s and s+1 (2: ping-pong). */
  readonly banks: number;
  /** Cycles from a stage finishing to the next one (or itself) starting on what it freed (controller latency). */
  readonly handoff: number;
}

export interface TileSchedule {
  /** start[stage][tile], end[stage][tile]: end = start + duration (the cycle of the done pulse). */
  readonly start: number[][];
  readonly end: number[][];
  readonly total: number;
  /** Per stage: cycles busy, and cycles idle between its first start and its last end (stalls). */
  readonly busy: number[];
  readonly stalls: number[];
  /** Per inter-stage buffer: the most banks holding data at once, and the sum over cycles of banks holding data. */
  readonly maxOccupancy: number[];
  readonly occupancySum: number[];
}

/**
 * Cross-stage tiling: stage s starts tile t once (a) it finished tile t-1, (b) stage s-1 finished
 * tile t (its output is in bank t mod banks), and (c) stage s+1 finished tile t - banks (so the bank
 * stage s writes is free). A bank holds data from its producer's start until its consumer's end.
 */
export function tileSchedule(st: StageTimes): TileSchedule {
  const S = st.durations.length, T = S ? st.durations[0].length : 0, B = st.banks, h = st.handoff;
  const start = Array.from({ length: S }, () => new Array<number>(T).fill(0));
  const end = Array.from({ length: S }, () => new Array<number>(T).fill(0));
  // Stage s's tile t depends on stage s+1's tile t-B, which was scheduled at an earlier tile index.
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let ready = 0;
      if (t > 0) ready = Math.max(ready, end[s][t - 1] + h);
      if (s > 0) ready = Math.max(ready, end[s - 1][t] + h);
      if (s < S - 1 && t - B >= 0) ready = Math.max(ready, end[s + 1][t - B] + h);
      start[s][t] = ready;
      end[s][t] = ready + st.durations[s][t];
    }
  }
  const busy = st.durations.map((d) => d.reduce((a, b) => a + b, 0));
  const stalls = busy.map((b, s) => (T ? end[s][T - 1] - start[s][0] - b : 0));
  const maxOccupancy: number[] = [], occupancySum: number[] = [];
  for (let s = 0; s + 1 < S; s++) {
    let sum = 0;
    for (let t = 0; t < T; t++) sum += end[s + 1][t] - start[s][t];
    occupancySum.push(sum);
    // Bank of tile t is occupied over [start[s][t], end[s+1][t]).
    const events: [number, number][] = [];
    for (let t = 0; t < T; t++) events.push([start[s][t], 1], [end[s + 1][t], -1]);
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0, max = 0;
    for (const [, d] of events) max = Math.max(max, (cur += d));
    maxOccupancy.push(max);
  }
  return { start, end, total: T ? Math.max(...end.map((e) => e[T - 1])) : 0, busy, stalls, maxOccupancy, occupancySum };
}
