/**
 * Testbench `sofa-sufa`: the SU-FA unit over every query tile, reading its kept-key lists through
 * the SADS read port (played by an RTL list memory in the harness, see sufa-drive.ts).
 *
 * Stimulus: Q and K uniform int16, V uniform int8. The SADS lists per (query, segment): the top
 * floor(k/n) of the segment by the DLZS prediction (golden sadsSegments of predictAhat(Q, K,
 * scoreShift), K standing in for K-hat), except that a quarter are cut short (0 .. k/n - 1 keys,
 * empty lists included) and a quarter are random distinct keys of the segment (random count).
 * Each list is then visited in the order `order` says:
 *   sorted     exact score descending (ties: lower index first): no in-tile rescale may happen;
 *   predicted  the DLZS prediction descending, as SADS emits it (rescales where DLZS misorders);
 *   ascending  exact score ascending (a rescale at almost every key);
 *   random     shuffled.
 * scoreShift (-1 = auto): round(log2(sqrt(headDim) * 2^32/12 / 2)) - fracBits, the shift at which
 * real scores (dot / 2^(scoreShift + fracBits)) have an RMS near 2 for uniform int16 Q and K
 * (E[dot^2] = headDim (2^32/12)^2): softmax over 2^5 keys is then neither flat nor one-hot.
 *
 * Checks: every output O[q][d] bit-exact against sufaFixedTiles the cycle o_valid shows it (and the
 * row order), the counters against the golden counts, rescales == prefixMaxRecords of the float
 * scores in visiting order, no in-tile rescales for `sorted`, the float error of every query
 * against attentionIdeal(scores / 2^fracBits, V, kept) within sufaFixedErrorBound (with the true sum
 * of the ideal weights as its lower bound), and the cycles of each tile against the cycle model.
 *
 * Metrics: errorBound is the largest per-query bound, errorRatio the largest error / bound; fa2* count
 * a FlashAttention-2 style engine on the same lists (a rescale at every non-empty tile after the
 * first, golden fa2Counts) and saved* what SU-FA's rescale-on-a-new-max saves against it.
 */
import {
  DEFAULT_SUFA, SufaFixedConfig, attentionIdeal, fixedScore, predictAhat, prefixMaxRecords, sadsSegments, segmentBounds,
  sortedOrder, sufaFixedErrorBound,
} from "../../golden/sofa.js";
import { fa2Counts } from "../../golden/sofa-sufa-timing.js";
import { SufaUnitParams, makeSufaUnit, sufaUnitShape } from "../../hw/sofa/sufa-unit.js";
import { Checker, randInt, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { SufaCase, runSufaCase } from "./sufa-drive.js";
import { sufaView } from "./waves.js";

export const SUFA_ORDERS = ["sorted", "predicted", "ascending", "random"] as const;
export type SufaOrder = (typeof SUFA_ORDERS)[number];

/** The auto scoreShift (see the file comment). */
export function autoScoreShift(headDim: number, fracBits: number): number {
  return Math.max(0, Math.round(Math.log2((Math.sqrt(headDim) * 2 ** 32) / 12 / 2)) - fracBits);
}

export function sufaUnitParams(params: Params): SufaUnitParams {
  const cfg: SufaFixedConfig = DEFAULT_SUFA;
  const headDim = Number(params.headDim);
  const shift = Number(params.scoreShift);
  return {
    seqLen: Number(params.seqLen), headDim, queries: Number(params.queries), rows: Number(params.tile),
    segments: Number(params.segments), k: Number(params.k), scoreShift: shift < 0 ? autoScoreShift(headDim, cfg.fracBits) : shift,
    cfg, outMuls: Number(params.outMuls),
  };
}

function shuffle<T>(r: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randInt(r, 0, i);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Random Q/K/V and SADS-like lists in the given visiting order (see the file comment). */
export function makeSufaCase(r: () => number, p: SufaUnitParams, order: SufaOrder): SufaCase & { Ahat: number[][] } {
  const { seqLen: S, headDim: D, queries: NQ, segments: n, k } = p;
  const mat = (rows: number, lo: number, hi: number) => Array.from({ length: rows }, () => Array.from({ length: D }, () => randInt(r, lo, hi)));
  const Q = mat(NQ, -32768, 32767), K = mat(S, -32768, 32767), V = mat(S, -128, 127);
  const Ahat = predictAhat(Q, K, p.scoreShift);
  const per = Math.floor(k / n);
  const lists = Q.map((q, qi) => {
    const exact = K.map((kt) => fixedScore(q, kt, p.scoreShift));
    const sads = sadsSegments(Ahat[qi], k, n, Infinity);
    return sads.map((top, j) => {
      const [lo, hi] = segmentBounds(S, n, j);
      const u = r();
      let keys = top;
      if (u < 0.25) keys = top.slice(0, randInt(r, 0, Math.max(0, top.length - 1)));
      else if (u < 0.5) keys = shuffle(r, Array.from({ length: hi - lo }, (_, i) => lo + i)).slice(0, randInt(r, 0, Math.min(per, hi - lo)));
      const byExact = sortedOrder(exact, keys);
      if (order === "sorted") return byExact;
      if (order === "ascending") return [...byExact].reverse();
      if (order === "predicted") return sortedOrder(Ahat[qi], keys);
      return shuffle(r, [...keys]);
    });
  });
  return { unit: p, Q, K, V, lists, Ahat, predicted: (q, t) => Ahat[q][t] };
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

export const sofaSufaTb: Testbench = {
  name: "sofa-sufa",
  description: "SOFA SU-FA unit: exact scores of SADS-kept keys, sorted-updating online softmax and output normalisation per query tile; every output vs sufaFixedTiles, counters, rescales vs prefix-max records, float error vs the stated bound, cycles vs the model",
  params: [
    { name: "seqLen", description: "keys per row (S)", type: "int", default: 128, min: 1, max: 4096, verify: { min: 8, max: 160 } },
    { name: "headDim", description: "D = dv (Q/K int16, V int8 lanes)", type: "int", default: 16, min: 1, max: 64, verify: { min: 1, max: 16 } },
    { name: "queries", description: "queries (all tiles)", type: "int", default: 8, min: 1, max: 1024, verify: { min: 1, max: 10 } },
    { name: "tile", description: "queries per tile (SADS rows, one start)", type: "int", default: 4, min: 1, max: 128, verify: { min: 1, max: 6 } },
    { name: "k", description: "keys kept per query (floor(k/n) per segment)", type: "int", default: 32, min: 1, max: 4096, verify: { min: 1, max: 48 } },
    { name: "segments", description: "n: SADS segments = SU-FA KV tiles", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 8 } },
    { name: "order", description: "visiting order within each list: sorted (exact, descending), predicted (DLZS), ascending, random", type: "enum", default: "predicted", values: SUFA_ORDERS },
    { name: "scoreShift", description: "score = sat24(Q.K >> scoreShift), fracBits fraction bits; -1: auto (real-score RMS near 2, see the source)", type: "int", default: -1, min: -1, max: 48, verify: { min: -1, max: -1 } },
    { name: "outMuls", description: "final multipliers (outputs normalised per cycle), at most headDim", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 4 } },
  ],

  waves() {
    return sufaView();
  },

  design(params) {
    return makeSufaUnit(sufaUnitParams(params));
  },

  validate(params) {
    if (Number(params.tile) > Number(params.queries)) return `tile = ${params.tile} must be at most queries = ${params.queries} (queries per tile)`;
    if (Number(params.outMuls) > Number(params.headDim)) return `outMuls = ${params.outMuls} must be at most headDim = ${params.headDim}`;
    try {
      sufaUnitShape(sufaUnitParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = sufaUnitParams(params);
    const c = p.cfg ?? DEFAULT_SUFA;
    sufaUnitShape(p);
    const order = String(params.order) as SufaOrder;
    const r = rng(seed);
    const cs = makeSufaCase(r, p, order);
    const check = new Checker();
    const res = runSufaCase(cs, opts, check, this.design(params));

    // Rescales: the golden count is the strict prefix-max records of the scores in visiting order.
    let records = 0;
    let maxError = 0, errSum = 0, errN = 0, bound = 0, ratio = 0;
    const fa2 = { rescales: 0, exps: 0, muls: 0, adds: 0 };
    cs.Q.forEach((_, q) => {
      const lists = cs.lists[q], visit = lists.flat();
      const real = res.scores[q].map((x) => x / 2 ** c.fracBits);
      records += prefixMaxRecords(real, visit);
      if (visit.length === 0) return; // no keys: the output is 0 (checked bit-exact), the ideal undefined
      const g = res.golden[q];
      const f = fa2Counts(lists.map((l) => l.length), p.headDim);
      fa2.rescales += f.rescales;
      fa2.exps += f.exps;
      fa2.muls += f.muls;
      fa2.adds += f.adds;
      if (order === "sorted") check.equal(`query ${q}: in-tile rescales in sorted order`, g.rescales - g.tileRescales, 0);
      const ideal = attentionIdeal(real, cs.V, visit);
      const vals = visit.flatMap((t) => cs.V[t]);
      const m = Math.max(...visit.map((t) => real[t]));
      const L = visit.reduce((a, t) => a + Math.exp(real[t] - m), 0); // the true sum: a tighter bound
      const b = sufaFixedErrorBound(visit.length, Math.min(...vals), Math.max(...vals), c, g.rescales, L);
      const got = res.outputs[q] ?? g.output; // a missing output already failed its own check
      let worst = 0;
      got.forEach((o, d) => {
        const e = Math.abs(o / 2 ** c.outBits - ideal[d]);
        worst = Math.max(worst, e);
        errSum += e;
        errN++;
      });
      check.ok(`query ${q}: float error ${worst} within the bound ${b} (keys ${visit.length}, rescales ${g.rescales})`, worst <= b);
      maxError = Math.max(maxError, worst);
      bound = Math.max(bound, b);
      ratio = Math.max(ratio, worst / b);
    });
    check.equal("rescales == prefix-max records of the float scores in visiting order", res.counters.rescales, records);

    return check.result(this.name, res.cycles, seed, params, {
      cycles: res.cycles,
      modelCycles: res.modelCycles.reduce((a, b) => a + b, 0) + res.modelCycles.length,
      tiles: res.tileCycles.length,
      scoreShift: p.scoreShift,
      keys: res.counters.keys,
      rescales: res.counters.rescales,
      tileRescales: res.counters.tile_rescales,
      exps: res.counters.exps,
      muls: res.counters.muls,
      adds: res.counters.adds,
      maxError: round(maxError),
      meanError: round(errN ? errSum / errN : 0),
      errorBound: round(bound),
      errorRatio: round(ratio, 4),
      fa2Rescales: fa2.rescales,
      fa2Exps: fa2.exps,
      fa2Muls: fa2.muls,
      savedRescales: fa2.rescales - res.counters.rescales,
      savedExps: fa2.exps - res.counters.exps,
      savedMuls: fa2.muls - res.counters.muls,
      savedMulsFraction: round(fa2.muls ? (fa2.muls - res.counters.muls) / fa2.muls : 0, 4),
    });
  },
};
