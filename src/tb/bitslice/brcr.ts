/**
 * Testbench `mcbp-brcr`: the BRCR engine (src/hw/bitslice/brcr-engine.ts) computing Y = W X for a
 * random signed INT8 W (rows x cols) and `batch` random INT8 activation vectors, through the exact
 * split W = W+ - W- on the 7 magnitude planes. The activations are preloaded (backdoor, before
 * reset); the pattern stream (plane, column tile, group, column) comes from a behavioural source that
 * honours pat_ready and, with `gaps` > 0, sometimes has no column.
 * Checked: every output write the cycle it shows (the accumulated partial sum of golden brcrPlane
 * per plane, half and tile, and, without gaps, its cycle from golden brcrSchedule), done, the final
 * y of every lane == gemvInt, merge_adds / recon_adds == golden brcrTiledCounts x batch (==
 * brcrGemm's counts when cols <= tile), and golden brcrGemm == gemvInt.
 *
 * Weights (`dist`):
 *   planes   each magnitude bit is 1 with probability (1 - sparsity) * w_p, w_p = (8 - p) / 4 for
 *            plane p = 1..7 (mean 1: MSB planes sparser, as in real INT8 weights), capped at 1;
 *            the sign is a fair coin (a zero weight has none)
 *   laplace  round(Laplace(0, b)) clipped to +-127 with b = 1 + 63 (1 - sparsity): sparsity 0.7 gives
 *            b ~ 20, i.e. most weights in +-40 and their top planes mostly 0
 * Activations: uniform int8 (-128..127).
 *
 * Metrics: cycles (start to done), modelCycles (golden), streamColumns (columns sent), stalls (source
 * had a column, engine not ready), mergeAdds, reconAdds, brcrAdds (their sum), naiveAdds (golden
 * dense bit-serial baseline), int8Macs (rows x cols per vector), vsNaive = naiveAdds / brcrAdds,
 * vsMacs = int8Macs / brcrAdds, bitSparsity (zero fraction of the magnitude planes), zeroColumns
 * (fraction of all-zero m-bit columns over both halves), wholeRowAdds (brcrGemm's merge + recon
 * adds: differs from brcrAdds only when cols > tile, since each tile is its own group load).
 */
import { bitPlanes, brcrGemm, gemvInt } from "../../golden/bitslice.js";
import { brcrHalfPattern, brcrPasses, brcrSchedule } from "../../golden/bitslice-brcr-timing.js";
import { makeBrcrEngine } from "../../hw/bitslice/brcr-engine.js";
import { BrcrEngineParams, checkBrcrParams } from "../../hw/bitslice/brcr-params.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { BrcrJobOutcome, loadActivations, runBrcrJob } from "./brcr-drive.js";
import { brcrView } from "./waves.js";

export function brcrParams(params: Params): BrcrEngineParams {
  return {
    m: Number(params.m), rows: Number(params.rows), cols: Number(params.cols), tile: Number(params.tile),
    converters: Number(params.converters), batch: Number(params.batch),
  };
}

/** Random INT8 weights in -127..127 (see the file comment for the distributions). */
export function randomWeights(r: () => number, rows: number, cols: number, dist: string, sparsity: number): number[][] {
  const laplace = () => {
    const b = 1 + 63 * (1 - sparsity), u = r() - 0.5;
    const v = Math.round(-b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-12));
    return Math.max(-127, Math.min(127, v));
  };
  const planes = () => {
    let mag = 0;
    for (let pl = 1; pl <= 7; pl++) if (r() < Math.min(1, ((1 - sparsity) * (8 - pl)) / 4)) mag |= 1 << (pl - 1);
    return r() < 0.5 ? -mag : mag;
  };
  const f = dist === "laplace" ? laplace : planes;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => f() || 0));
}

export function randomActivations(r: () => number, batch: number, cols: number): number[][] {
  return Array.from({ length: batch }, () => Array.from({ length: cols }, () => randInt(r, -128, 127)));
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Zero fraction of the magnitude planes, and of the m-bit columns of both halves. */
export function sparsityOf(W: readonly (readonly number[])[], m: number): { bits: number; columns: number } {
  const rows = W.length, cols = rows ? W[0].length : 0;
  const bp = bitPlanes(W);
  let ones = 0;
  for (const pl of bp.planes) for (const row of pl) for (const b of row) ones += b;
  let zero = 0, all = 0;
  for (let p = 1; p <= 7; p++) for (const neg of [false, true]) for (let g = 0; g < Math.ceil(rows / m); g++) for (let c = 0; c < cols; c++) {
    all++;
    if (brcrHalfPattern(W, m, p, neg, g, c) === 0) zero++;
  }
  return { bits: rows * cols ? 1 - ones / (7 * rows * cols) : 0, columns: all ? zero / all : 0 };
}

export const mcbpBrcrTb: Testbench = {
  name: "mcbp-brcr",
  description: "MCBP BRCR engine: exact INT8 GEMV/GEMM by merge (CAM banks, index converters, addition-merge into the group-sum buffer) and reconstruct over W+ and W- of 7 bit-planes; every output write vs golden, y == gemvInt, adds == brcrGemv's counts, cycles vs the cycle model",
  params: [
    { name: "rows", description: "output rows of W", type: "int", default: 64, min: 1, max: 4096, verify: { min: 1, max: 24 } },
    { name: "cols", description: "H: columns of W (the input length); more than tile runs in column tiles", type: "int", default: 256, min: 1, max: 65536, verify: { min: 1, max: 80 } },
    { name: "m", description: "rows per group (the CAM has 2^m - 1 keys)", type: "int", default: 4, min: 2, max: 6, verify: { min: 2, max: 5 } },
    { name: "tile", description: "CAM width: columns of a group per pass (T_K)", type: "int", default: 256, min: 1, max: 4096, verify: { min: 1, max: 64 } },
    { name: "converters", description: "index converters (= addition-merge units, activation banks)", type: "int", default: 16, min: 1, max: 4096, verify: { min: 1, max: 16 } },
    { name: "batch", description: "activation vectors (GEMM columns), in parallel lanes", type: "int", default: 2, min: 1, max: 16, verify: { min: 1, max: 3 } },
    { name: "dist", description: "weight distribution: planes (per-plane bit probability) or laplace", type: "enum", default: "planes", values: ["planes", "laplace"] },
    { name: "sparsity", description: "bit sparsity of the magnitude planes (planes), or the Laplace scale (laplace)", type: "number", default: 0.7, min: 0, max: 1, verify: { min: 0, max: 1 } },
    { name: "gaps", description: "probability the pattern source has no column in a cycle (0: the cycle model is checked)", type: "number", default: 0, min: 0, max: 0.9, verify: { min: 0, max: 0.5 } },
  ],

  waves() {
    return brcrView();
  },

  design(params) {
    return makeBrcrEngine(brcrParams(params)).module;
  },

  validate(params) {
    try {
      checkBrcrParams(brcrParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = brcrParams(params);
    checkBrcrParams(p);
    const r = rng(seed);
    const W = randomWeights(r, p.rows, p.cols, String(params.dist), Number(params.sparsity));
    const X = randomActivations(r, p.batch, p.cols);
    const check = new Checker();
    const gold = brcrGemm(W, X, p.m);
    gold.Y.forEach((y, b) => {
      const want = gemvInt(W, X[b]);
      check.ok(`golden brcrGemm == gemvInt for vector ${b}`, y.every((v, i) => v === want[i]));
    });
    const sim = openSim(() => this.design(params), opts);
    let o: BrcrJobOutcome;
    try {
      loadActivations(sim, p, X, r);
      sim.reset();
      o = runBrcrJob(sim, p, W, X, check, { gaps: Number(params.gaps), r });
    } finally {
      sim.close();
    }
    if (p.cols <= p.tile) {
      check.equal("merge_adds == brcrGemm's mergeAdds (one tile)", o.mergeAdds, gold.mergeAdds);
      check.equal("recon_adds == brcrGemm's reconAdds (one tile)", o.reconAdds, gold.reconAdds);
    }
    const model = brcrSchedule(brcrPasses(W, p), p.m).total;
    const brcrAdds = o.mergeAdds + o.reconAdds, int8Macs = p.rows * p.cols * p.batch;
    const sp = sparsityOf(W, p.m);
    return check.result(this.name, sim.cycle, seed, params, {
      cycles: o.cycles,
      modelCycles: model,
      streamColumns: 7 * Math.ceil(p.rows / p.m) * p.cols,
      stalls: o.stalls,
      mergeAdds: o.mergeAdds,
      reconAdds: o.reconAdds,
      brcrAdds,
      naiveAdds: gold.naiveAdds,
      int8Macs,
      vsNaive: round(brcrAdds ? gold.naiveAdds / brcrAdds : 0),
      vsMacs: round(brcrAdds ? int8Macs / brcrAdds : 0),
      bitSparsity: round(sp.bits),
      zeroColumns: round(sp.columns),
      wholeRowAdds: gold.mergeAdds + gold.reconAdds,
    });
  },
};
