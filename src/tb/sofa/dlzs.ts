/**
 * Testbench `sofa-dlzs`: SOFA's prediction stage on the DLZS unit, both phases, as the pipeline
 * runs them. Random X (seqLen x dModel, int8), Wk (dModel x headDim, int8) and Q (queries x
 * headDim, int16 in [-4096, 4095]: moderate magnitudes), each operand 0 with probability
 * `sparsity` (the zero eliminator's work). Wk's leading-zero codes are computed offline (golden
 * lzCode) and, with X and Q, preloaded into the resident memories.
 *   Phase 1.1, 8-bit mode, every Wk^T tile: the stream must be K-hat^T = predictKhat(X, Wk, kShift).
 *   The observed K-hat is written into the B lanes through the write port.
 *   Phase 1.2, 16-bit mode, every query tile: the stream must be predictAhat(Q, K-hat, aShift).
 * Every streamed word is checked the cycle it is valid, the stream's slots and done against the
 * cycle model (golden/sofa-dlzs-timing.ts), and the shift_adds / zero_skips counters against the
 * golden count of nonzero pairs.
 *
 * Default shifts, so outputs rarely saturate for this data: an int8 |x| has rms ~74 and a
 * leading-one-truncated int8 |w| rms ~48, so a product ~3.5e3 and a 16-term K-hat sum ~1.4e4 rms;
 * kShift = 2 leaves K-hat ~3.5e3 rms, the int16 rail ~9 sigma away. A Q in +-4096 truncates to ~1.5e3
 * rms, so a 16-term A-hat sum is ~4 * 1.5e3 * 3.5e3 ~ 2e7 rms; aShift = 12 leaves ~5e3, the rail
 * ~6 sigma away. The metrics khatSaturated / ahatSaturated report the fraction at the rails.
 *
 * Prediction quality (metrics): topKRecall, the mean over queries of the fraction of the exact
 * top-k of Q * K^T (K = exactK, unshifted dot products; k = seqLen/8) that the top-k of A-hat finds;
 * productRelErr, the mean of (|exact| - |approx|) / |exact| over every nonzero single product of
 * both phases. The DLZS bound |approx| <= |exact| < 2|approx| (sign exact) is checked on a sample.
 */
import { dlzs, exactK, topK, topKRecall, transpose } from "../../golden/sofa.js";
import { DlzsUnitParams, checkDlzsParams } from "../../hw/sofa/dlzs-params.js";
import { makeDlzsUnit } from "../../hw/sofa/dlzs-unit.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { DlzsOperands, DlzsPhasesOutcome, runPhases } from "./dlzs-drive.js";
import { dlzsView } from "./waves.js";

/** Q's range: |Q| < 2^12, well inside int16, so A-hat sums stay moderate (see the file comment). */
export const Q_RANGE = 4096;

export function dlzsUnitParams(params: Params): DlzsUnitParams {
  return {
    rows: Number(params.tile), cols: Number(params.cols), depth: Number(params.headDim), outputs: Number(params.seqLen),
    lhsRows: Number(params.queries), dModel: Number(params.dModel), kShift: Number(params.kShift), aShift: Number(params.aShift),
  };
}

function randomOperands(r: () => number, p: DlzsUnitParams, sparsity: number): DlzsOperands {
  const val = (lo: number, hi: number) => () => (r() < sparsity ? 0 : randInt(r, lo, hi));
  const mat = (n: number, m: number, f: () => number) => Array.from({ length: n }, () => Array.from({ length: m }, f));
  return {
    X: mat(p.outputs, p.dModel, val(-128, 127)),
    Wk: mat(p.dModel, p.depth, val(-128, 127)),
    Q: mat(p.lhsRows, p.depth, val(-Q_RANGE, Q_RANGE - 1)),
  };
}

/** Fraction of words at the int16 rails (saturated, or exactly there). */
function railFraction(M: readonly (readonly number[])[]): number {
  let n = 0, all = 0;
  for (const row of M) for (const v of row) {
    all++;
    if (v === 32767 || v === -32768) n++;
  }
  return all ? n / all : 0;
}

/** Mean (|exact| - |approx|) / |exact| over the nonzero products of log rows A and shifted rows B. */
function relErrSum(A: readonly (readonly number[])[], B: readonly (readonly number[])[], width: number): [number, number] {
  let sum = 0, n = 0;
  for (const a of A) for (const b of B) for (let d = 0; d < a.length; d++) {
    if (a[d] === 0 || b[d] === 0) continue;
    const ex = Math.abs(a[d] * b[d]);
    sum += (ex - Math.abs(dlzs(a[d], b[d], width))) / ex;
    n++;
  }
  return [sum, n];
}

/** The golden DLZS bound on sampled single products: sign exact, |approx| <= |exact| < 2|approx|. */
function checkBound(check: Checker, r: () => number, A: readonly (readonly number[])[], B: readonly (readonly number[])[], width: number, samples: number): void {
  for (let k = 0; k < samples; k++) {
    const a = A[randInt(r, 0, A.length - 1)], b = B[randInt(r, 0, B.length - 1)];
    const d = randInt(r, 0, a.length - 1), x = a[d], y = b[d];
    const ap = dlzs(x, y, width), ex = x * y;
    const ok = x === 0 || y === 0 ? ap === 0 : Math.sign(ap) === Math.sign(ex) && Math.abs(ap) <= Math.abs(ex) && Math.abs(ex) < 2 * Math.abs(ap);
    check.ok(`DLZS bound for ${x} * ${y} (${width}-bit): approx ${ap}, exact ${ex}`, ok);
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export const sofaDlzsTb: Testbench = {
  name: "sofa-dlzs",
  description: "SOFA DLZS unit: K-hat (8-bit mode, offline Wk codes) then A-hat (16-bit mode, run-time LZE) for every tile; each streamed word vs predictKhat/predictAhat, timing vs the cycle model, zero-eliminator counters vs golden",
  params: [
    { name: "seqLen", description: "tokens = keys (shifted rows, N)", type: "int", default: 64, min: 1, max: 4096, verify: { min: 1, max: 80 } },
    { name: "headDim", description: "D: K-hat columns, the 16-bit mode's reduction length", type: "int", default: 16, min: 1, max: 256, verify: { min: 1, max: 20 } },
    { name: "queries", description: "queries (log rows of the 16-bit mode)", type: "int", default: 16, min: 1, max: 1024, verify: { min: 1, max: 20 } },
    { name: "tile", description: "queries per tile = array rows", type: "int", default: 8, min: 1, max: 128, verify: { min: 1, max: 8 } },
    { name: "cols", description: "array columns = keys per output group (<= 12, the SADS write width)", type: "int", default: 8, min: 1, max: 12, verify: { min: 1, max: 12 } },
    { name: "dModel", description: "token width (the 8-bit mode's reduction length)", type: "int", default: 16, min: 1, max: 1024, verify: { min: 1, max: 20 } },
    { name: "kShift", description: "K-hat = sat16(sum >> kShift)", type: "int", default: 2, min: 0, max: 40, verify: { min: 0, max: 6 } },
    { name: "aShift", description: "A-hat = sat16(sum >> aShift)", type: "int", default: 12, min: 0, max: 40, verify: { min: 4, max: 16 } },
    { name: "sparsity", description: "fraction of zero operands in X, Wk and Q (the zero eliminator's work)", type: "number", default: 0.2, min: 0, max: 1, verify: { min: 0, max: 0.9 } },
  ],

  waves() {
    return dlzsView();
  },

  design(params) {
    return makeDlzsUnit(dlzsUnitParams(params)).module;
  },

  validate(params) {
    try {
      checkDlzsParams(dlzsUnitParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = dlzsUnitParams(params);
    checkDlzsParams(p);
    const r = rng(seed);
    const data = randomOperands(r, p, Number(params.sparsity));
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let o: DlzsPhasesOutcome;
    try {
      o = runPhases(sim, p, data, check, r);
    } finally {
      sim.close();
    }
    const { khat, ahat } = o;
    const WkT = transpose(data.Wk);
    checkBound(check, r, WkT, data.X, 8, 128);
    checkBound(check, r, data.Q, khat, 16, 128);

    // Prediction quality against the exact scores.
    const K = exactK(data.X, data.Wk, p.kShift);
    const k = Math.max(1, Math.floor(p.outputs / 8));
    let recall = 0;
    data.Q.forEach((q, i) => {
      const exact = K.map((kt) => kt.reduce((acc, v, d) => acc + v * q[d], 0));
      recall += topKRecall(exact, topK(ahat[i], k), k);
    });
    const [e1, n1] = relErrSum(WkT, data.X, 8), [e2, n2] = relErrSum(data.Q, khat, 16);
    return check.result(this.name, sim.cycle, seed, params, {
      khatCycles: o.khatCycles,
      ahatCycles: o.ahatCycles,
      unitCycles: o.khatCycles + o.ahatCycles,
      loadCycles: o.loadCycles,
      shiftAdds: o.shiftAdds,
      zeroSkips: o.zeroSkips,
      denseOps: o.denseOps,
      opsSaved: round(o.denseOps ? o.zeroSkips / o.denseOps : 0),
      topK: k,
      topKRecall: round(recall / p.lhsRows),
      productRelErr: round(n1 + n2 ? (e1 + e2) / (n1 + n2) : 0),
      khatSaturated: round(railFraction(khat)),
      ahatSaturated: round(railFraction(ahat)),
    });
  },
};
