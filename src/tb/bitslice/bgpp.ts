/**
 * Testbench `mcbp-bgpp`: MCBP's bit-grained progressive prediction on the BGPP unit. Random int8
 * keys K (seqLen x headDim, Gaussian with sigma 32, clamped to -127..127: the sign-magnitude high
 * planes are mostly 0, as for real INT8 KV caches) stay resident; several int4 queries run one
 * after another. Each query points at `hot` random keys (q = 4 x their mean / 32, plus Gaussian
 * noise of sigma 1, rounded and clamped to -8..7), so a few keys clearly lead and pruning has
 * something to find.
 *
 * Every query is checked every cycle against golden bgpp and the cycle model (bgpp-drive.ts):
 * every partial score of every round, every clipping decision, each round's max / survivor
 * count / gate, done, k_bits_fetched, and the final survivor mask.
 *
 * Metrics: cycles (unitCycles: start to done summed over queries), survivors (final, mean per
 * query), kBytesFetched (sum over queries) vs denseBytes (all 8 planes of all keys per query),
 * bytesSaved = 1 - fetched/dense, topKRecall (mean over queries of the fraction of the survivors
 * that are among the exact top-k of the full-precision scores q . K_i, k = the survivor count;
 * a key tied with the k-th score counts as top-k), rounds, and the survivors after each round
 * (mean per query).
 */
import { bgppGeometry, BgppUnitParams, checkBgppParams, MAX_RADIUS } from "../../hw/bitslice/bgpp-params.js";
import { makeBgppUnit } from "../../hw/bitslice/bgpp-unit.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { loadKeys, runQuery, writeQuery } from "./bgpp-drive.js";
import { bgppView } from "./waves.js";

/** "6,5,5" -> [6, 5, 5]; throws naming the parameter. */
export function parseAlphaTenths(text: string): number[] {
  const parts = String(text).split(",").map((x) => x.trim());
  const v = parts.map(Number);
  if (parts.some((x) => x === "") || v.some((a) => !Number.isInteger(a) || a < 0 || a > 10)) {
    throw new Error(`alphaTenths = "${text}" must be a comma-separated list of whole numbers 0..10 (alpha per round in tenths, the last repeating), e.g. "5" or "6,5,5"`);
  }
  return v;
}

export function bgppUnitParams(params: Params): BgppUnitParams {
  return {
    seqLen: Number(params.seqLen), headDim: Number(params.headDim), units: Number(params.units), rounds: Number(params.rounds),
    alphaTenths: parseAlphaTenths(String(params.alphaTenths)), radius: Number(params.radius),
  };
}

/** Standard normal (Box-Muller). */
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function randomKeys(r: () => number, n: number, d: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => clamp(Math.round(32 * gauss(r)), -127, 127)));
}

/** A query aimed at `hot` distinct random keys (see the file comment). */
export function randomQuery(r: () => number, K: readonly (readonly number[])[], hot: number): number[] {
  const n = K.length, d = K[0].length;
  const pool = Array.from({ length: n }, (_, i) => i);
  const picks: number[] = [];
  for (let h = 0; h < Math.min(hot, n); h++) picks.push(pool.splice(Math.floor(r() * pool.length), 1)[0]);
  return Array.from({ length: d }, (_, e) => {
    const mean = picks.length ? picks.reduce((acc, i) => acc + K[i][e], 0) / picks.length : 0;
    return clamp(Math.round((4 * mean) / 32 + gauss(r)), -8, 7);
  });
}

/** Fraction of `chosen` among the exact top-k (k = chosen.length; ties with the k-th score count). */
export function topKRecallOf(exact: readonly number[], chosen: readonly number[]): number {
  const k = chosen.length;
  if (k === 0) return 1;
  const kth = [...exact].sort((a, b) => b - a)[k - 1];
  return chosen.filter((i) => exact[i] >= kth).length / k;
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

export const mcbpBgppTb: Testbench = {
  name: "mcbp-bgpp",
  description: "MCBP BGPP unit: MSB-first bit-plane rounds over the alive keys of several queries; every partial score, clipping decision, round max/survivors and the survivor mask vs golden bgpp, timing vs the cycle model; key bytes fetched vs dense and top-k recall",
  params: [
    { name: "seqLen", description: "keys N", type: "int", default: 256, min: 1, max: 65536, verify: { min: 1, max: 160 } },
    { name: "headDim", description: "D: elements per key and query (the paper's 64)", type: "int", default: 64, min: 1, max: 1024, verify: { min: 1, max: 72 } },
    { name: "units", description: "inner-product units = key banks (the paper's 16)", type: "int", default: 16, min: 1, max: 32, verify: { min: 1, max: 20 } },
    { name: "rounds", description: "R: rounds = magnitude planes fetched, MSB first", type: "int", default: 4, min: 1, max: 7, verify: { min: 1, max: 7 } },
    { name: "alphaTenths", description: "alpha per round in tenths, comma-separated, the last repeating", type: "string", default: "5", verify: { values: ["5", "6,5,5", "0", "10", "3,8", "10,5,0"] } },
    { name: "radius", description: "threshold radius in raw partial-score units (q . K; the paper's radius 3 is in logits: raw = 3 sqrt(d) / (s_q s_k)); -1 = none (keep all)", type: "int", default: 2000, min: -1, max: MAX_RADIUS, verify: { min: -1, max: 3000 } },
    { name: "queries", description: "queries run one after another over the same keys", type: "int", default: 4, min: 1, max: 1000, verify: { min: 1, max: 3 } },
    { name: "hot", description: "keys each query is aimed at (0 = unrelated query)", type: "int", default: 4, min: 0, max: 65536, verify: { min: 0, max: 8 } },
  ],

  waves() {
    return bgppView();
  },

  design(params) {
    return makeBgppUnit(bgppUnitParams(params)).module;
  },

  validate(params) {
    try {
      checkBgppParams(bgppUnitParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const g = bgppGeometry(bgppUnitParams(params));
    const { seqLen: N, headDim: D, rounds: R } = g.p;
    const r = rng(seed);
    const K = randomKeys(r, N, D);
    const Q = Array.from({ length: Number(params.queries) }, () => randomQuery(r, K, Number(params.hot)));
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let unitCycles = 0, kBits = 0, survivors = 0, recall = 0;
    const perRound = new Array<number>(R).fill(0);
    try {
      loadKeys(sim, g, K, r);
      sim.reset();
      Q.forEach((q, n) => {
        writeQuery(sim, g, q);
        const o = runQuery(sim, g, q, K, check, `query ${n}`);
        unitCycles += o.cycles;
        kBits += o.kBitsFetched;
        survivors += o.want.survivors.length;
        o.want.rounds.forEach((rd, i) => (perRound[i] += rd.survivors.length));
        recall += topKRecallOf(K.map((k) => k.reduce((acc, v, d) => acc + v * q[d], 0)), o.want.survivors);
      });
    } finally {
      sim.close();
    }
    const nq = Q.length, denseBytes = nq * N * D; // 8 planes x D bits = D bytes per key
    return check.result(this.name, sim.cycle, seed, params, {
      unitCycles,
      cyclesPerQuery: round4(unitCycles / nq),
      survivors: round4(survivors / nq),
      survivorsPerRound: perRound.map((v) => round4(v / nq)).join(" > "),
      kBytesFetched: kBits / 8,
      denseBytes,
      bytesSaved: round4(1 - kBits / 8 / denseBytes),
      topKRecall: round4(recall / nq),
      rounds: R,
    });
  },
};
