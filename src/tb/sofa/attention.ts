/**
 * Testbench `sofa-attention`: the whole SOFA pipeline (src/hw/sofa/pipeline.ts) on one head:
 * K-hat prediction (8-bit mode) once, then per query tile A-hat prediction (16-bit mode) -> SADS
 * top-k -> SU-FA over the kept keys, with cross-stage tiling.
 *
 * Checks, every cycle a unit produces something, against the golden pipeline (sofaAttention):
 *   - every K-hat group DLZS streams (and writes back) equals predictKhat; every A-hat group it
 *     streams into SADS equals predictAhat;
 *   - every answer of SADS's read port to SU-FA (index, value, valid) equals sadsSegments' lists;
 *   - every output row equals the bit-true sufaFixedTiles result, and every query has exactly one;
 *   - each stage's cycles per tile equal its unit's cycle model, and the start and end of every
 *     stage on every tile equal the golden cross-stage schedule (tileSchedule) built from them;
 *     busy, stall and buffer-occupancy counters equal the schedule's;
 *   - the units' counters equal the golden counts; the fixed-point error against the ideal
 *     attention over the kept keys is within the stated bound (sufaFixedErrorBound).
 * Metrics: cycles (prologue and pipeline), per-stage busy/stall cycles, buffer occupancy, the work
 * against dense attention (what the prediction saves), top-k recall against the exact top-k, max
 * and mean error against float64 dense attention, rescales.
 */
import { DEFAULT_SUFA, dlzsNonzeroOps, transpose } from "../../golden/sofa.js";
import { attentionQuality, sofaAttention, tileSchedule } from "../../golden/sofa-pipeline.js";
import { dlzsTileCycles } from "../../golden/sofa-dlzs-timing.js";
import { sadsUnitTiming } from "../../golden/sofa-sads-timing.js";
import { sufaUnitCycles } from "../../golden/sofa-sufa-timing.js";
import { DEFAULT_PIPE_REGS } from "../../hw/sofa/sads-params.js";
import { SofaPipelineParams, makeSofaPipeline } from "../../hw/sofa/pipeline.js";
import { sufaUnitShape } from "../../hw/sofa/sufa-unit.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, TbRunOptions, Testbench } from "../types.js";
import { AttentionShape, ROW_TYPES, RowType, makeAttentionProblem } from "./attention-data.js";
import { MODE_A, MODE_K, loadResident, tileShape } from "./dlzs-drive.js";
import { attentionView } from "./waves.js";

const cfg = DEFAULT_SUFA;

export interface AttentionConfig {
  readonly shape: AttentionShape;
  readonly k: number;
  readonly segments: number;
  readonly radius: number;
  readonly tile: number;
  readonly cols: number;
}

export function attentionConfig(p: Params): AttentionConfig {
  const rows = String(p.rows);
  if (!(ROW_TYPES as readonly string[]).includes(rows)) throw new Error(`parameter rows = '${rows}': use ${ROW_TYPES.join(", ")}`);
  return {
    shape: { seqLen: Number(p.seqLen), headDim: Number(p.headDim), queries: Number(p.queries), rows: rows as RowType, spread: Number(p.spread) },
    k: Number(p.k), segments: Number(p.segments), radius: Number(p.radius), tile: Number(p.tile), cols: Number(p.cols),
  };
}

function validateConfig(c: AttentionConfig): string | undefined {
  if (c.tile > c.shape.queries) return `tile = ${c.tile} exceeds queries = ${c.shape.queries}; use tile <= queries`;
  if (c.segments > c.shape.seqLen) return `segments = ${c.segments} exceeds seqLen = ${c.shape.seqLen}; use segments <= seqLen`;
  if (c.k < c.segments) return `k = ${c.k} < segments = ${c.segments}: every segment keeps floor(k/segments) >= 1 keys; raise k or lower segments`;
  if (c.k > c.shape.seqLen) return `k = ${c.k} exceeds seqLen = ${c.shape.seqLen}; use k <= seqLen`;
  return undefined;
}

/** The pipeline's parameters for a problem (the shifts come from the data, as a quantiser sets them offline). */
export function pipelineParams(c: AttentionConfig, shifts: { kShift: number; aShift: number; scoreShift: number }): SofaPipelineParams {
  return {
    seqLen: c.shape.seqLen, headDim: c.shape.headDim, queries: c.shape.queries, k: c.k, segments: c.segments, radius: c.radius,
    tile: c.tile, cols: c.cols, ...shifts, cfg,
  };
}

export interface AttentionOutcome {
  readonly result: TbResult;
  readonly simSeconds: number;
  readonly buildSeconds: number;
}

export async function runAttention(name: string, c: AttentionConfig, params: Params, opts: TbRunOptions): Promise<AttentionOutcome> {
  const t0 = performance.now();
  const r = rng(opts.seed);
  const prob = makeAttentionProblem(r, c.shape, cfg.fracBits);
  const sel = { k: c.k, segments: c.segments, radius: c.radius < 0 ? Infinity : c.radius };
  const gold = sofaAttention(prob, sel, cfg);
  const pp = pipelineParams(c, { kShift: prob.kShift, aShift: prob.aShift, scoreShift: prob.scoreShift });
  const pipe = makeSofaPipeline(pp);
  const dp = pipe.dlzs;
  const { seqLen: S, headDim: D, queries: NQ } = c.shape;
  const T = pipe.tiles, rows = c.tile, cols = c.cols;
  const check = new Checker();

  // Per-tile durations from the units' cycle models; the schedule they imply.
  const tileQueries = (t: number) => Array.from({ length: Math.min(rows, NQ - t * rows) }, (_, i) => t * rows + i);
  const pipeRegs = DEFAULT_PIPE_REGS;
  const sh = sufaUnitShape({ seqLen: S, headDim: D, queries: NQ, rows, segments: c.segments, k: c.k, scoreShift: prob.scoreShift, cfg });
  const model = [
    Array.from({ length: T }, () => dlzsTileCycles(tileShape(dp, MODE_A))),
    Array.from({ length: T }, (_, t) => sadsUnitTiming(tileQueries(t).map((q) => gold.Ahat[q]), c.k, c.segments, sel.radius, pipeRegs).cycles),
    Array.from({ length: T }, (_, t) => sufaUnitCycles(
      { per: sh.per, recipBits: cfg.recipBits, probBits: cfg.probBits, headDim: D, outMuls: sh.outMuls },
      tileQueries(t).map((q) => gold.lists[q].map((l) => l.length)))),
  ];
  const schedule = tileSchedule({ durations: model, banks: 2, handoff: 1 });

  const sim = openSim(pipe.module, opts);
  const t1 = performance.now();
  let cycles = 0, prologue = 0;
  const starts = [0, 1, 2].map(() => new Array<number>(T).fill(-1)), ends = [0, 1, 2].map(() => new Array<number>(T).fill(-1));
  const outputs: (number[] | undefined)[] = new Array(NQ).fill(undefined);
  let counters: Record<string, number> = {};
  try {
    loadResident(sim, dp, { X: prob.X, Wk: prob.Wk, Q: prob.Q }, r);
    for (const [mem, M] of [["q", prob.Q], ["k", gold.K], ["v", prob.V]] as const) {
      M.forEach((row, i) => row.forEach((x, d) => sim.writeMemory(`sufa.${mem}_l${d}`, i, x)));
    }
    sim.reset();
    const mon = monitor(sim, c, dp.rows, gold, check);
    const go = sim.accessor("go"), finished = sim.accessor("finished"), khatDone = sim.accessor("khat_done");
    const ctlStart = [0, 1, 2].map((s) => sim.accessor(`ctl.start_${s}`)), ctlDone = [0, 1, 2].map((s) => sim.accessor(`ctl.done_${s}`));
    const ctlTile = [0, 1, 2].map((s) => sim.accessor(`ctl.tile_${s}`));
    const cur = [-1, -1, -1];
    go.set(1);
    const limit = 50 * (schedule.total + 1000) + 20 * S * D;
    while (finished.get() === 0) {
      if (cycles >= limit) {
        check.fail(`finished never rose: gave up after ${cycles} cycles (the schedule says ${prologue} + ${schedule.total})`);
        break;
      }
      if (khatDone.get() === 0) prologue = cycles + 1;
      for (let s = 0; s < 3; s++) {
        if (ctlStart[s].get() === 1) {
          cur[s] = ctlTile[s].get();
          starts[s][cur[s]] = cycles;
        }
        if (ctlDone[s].get() === 1 && cur[s] >= 0) ends[s][cur[s]] = cycles;
      }
      mon.cycle(cycles, outputs);
      sim.step();
      cycles++;
      if ((cycles & 1023) === 0) opts.onProgress?.(cycles, prologue + schedule.total);
    }
    counters = Object.fromEntries(COUNTERS.map((n) => [n, sim.peekNumber(n)]));
    check.equal("K-hat words streamed and checked (seqLen x headDim)", mon.seen.khat, S * D);
    check.equal("A-hat words streamed and checked (queries x seqLen)", mon.seen.ahat, NQ * S);
    check.ok("SU-FA read kept lists through the SADS port", mon.seen.reads > 0);
  } finally {
    sim.close();
  }
  const t2 = performance.now();

  // ---- outputs: one per query, bit-exact
  for (let q = 0; q < NQ; q++) {
    const got = outputs[q];
    if (!got) check.fail(`query ${q}: no output row`);
  }
  // ---- timing: per-stage cycles per tile vs the unit models, starts and ends vs the schedule
  const base = starts[0][0];
  const stageNames = ["DLZS", "SADS", "SU-FA"];
  for (let s = 0; s < 3; s++) {
    for (let t = 0; t < T; t++) {
      check.equal(`${stageNames[s]} tile ${t}: cycles start to done (measured vs its cycle model)`, ends[s][t] - starts[s][t], model[s][t]);
      check.equal(`${stageNames[s]} tile ${t}: start cycle (measured vs the cross-stage schedule)`, starts[s][t] - base, schedule.start[s][t]);
    }
    check.equal(`${stageNames[s]} busy cycles (counter vs schedule)`, counters[`busy_cycles_${s}`], schedule.busy[s]);
    check.equal(`${stageNames[s]} stall cycles (counter vs schedule)`, counters[`stall_cycles_${s}`], schedule.stalls[s]);
  }
  for (let b = 0; b < 2; b++) {
    check.equal(`buffer ${b} most banks in use (counter vs schedule)`, counters[`occ_max_${b}`], schedule.maxOccupancy[b]);
    check.equal(`buffer ${b} bank-cycles in use (counter vs schedule)`, counters[`occ_sum_${b}`], schedule.occupancySum[b]);
  }
  check.equal("prologue cycles (K-hat tiles back to back) vs the cycle model", prologue, pipe.wTiles * (dlzsTileCycles(tileShape(dp, MODE_K)) + 1) + 1);
  check.equal("pipeline cycles (first start to finished) vs the schedule", cycles - base, schedule.total + 1);

  // ---- counters vs golden counts
  const sum = (f: (o: (typeof gold.out)[number]) => number) => gold.out.reduce((a, o) => a + f(o), 0);
  const keysKept = gold.lists.reduce((a, l) => a + l.flat().length, 0);
  check.equal("SU-FA keys", counters.keys, keysKept);
  check.equal("SU-FA rescales", counters.rescales, sum((o) => o.rescales));
  check.equal("SU-FA tile rescales", counters.tile_rescales, sum((o) => o.tileRescales));
  check.equal("SU-FA exps", counters.exps, sum((o) => o.exps));
  check.equal("SU-FA muls", counters.muls, sum((o) => o.muls));
  check.equal("SU-FA adds", counters.adds, sum((o) => o.adds));
  const shiftAdds = dlzsNonzeroOps(transpose(prob.Wk), prob.X) + dlzsNonzeroOps(prob.Q, gold.Khat);
  check.equal("DLZS shift-adds (nonzero operand pairs, both phases)", counters.shift_adds, shiftAdds);
  const sadsWork = Array.from({ length: T }, (_, t) => sadsUnitTiming(tileQueries(t).map((q) => gold.Ahat[q]), c.k, c.segments, sel.radius, pipeRegs));
  check.equal("SADS scans", counters.scans, sadsWork.reduce((a, w) => a + w.scans, 0));
  check.equal("SADS items sorted", counters.sorted, sadsWork.reduce((a, w) => a + w.sorted, 0));
  check.equal("SADS items clipped", counters.clipped, sadsWork.reduce((a, w) => a + w.clipped, 0));

  // ---- quality
  const qual = attentionQuality(prob, sel, gold, cfg);
  check.ok(`fixed-point error within the stated bound (worst query at ${(qual.boundRatio * 100).toFixed(1)}% of its bound)`, qual.boundRatio <= 1);

  // Work against dense attention: dense = every key's score (D MACs) and weighted value (D MACs)
  // and exp; SOFA = the prediction's shift-adds plus the same for the kept keys only.
  const denseMacs = 2 * NQ * S * D, sofaMacs = 2 * keysKept * D;
  const ahatShiftAdds = dlzsNonzeroOps(prob.Q, gold.Khat);
  const pipelineCycles = cycles - base;
  const metrics: TbResult["metrics"] = {
    cycles,
    prologueCycles: prologue,
    pipelineCycles,
    tiles: T,
    dlzsBusy: counters.busy_cycles_0, sadsBusy: counters.busy_cycles_1, sufaBusy: counters.busy_cycles_2,
    dlzsStalls: counters.stall_cycles_0, sadsStalls: counters.stall_cycles_1, sufaStalls: counters.stall_cycles_2,
    ahatBanksMax: counters.occ_max_0, listBanksMax: counters.occ_max_1,
    ahatBanksMean: round(counters.occ_sum_0 / Math.max(1, pipelineCycles)), listBanksMean: round(counters.occ_sum_1 / Math.max(1, pipelineCycles)),
    ahatBufferBytes: 2 * rows * S * 2,
    serialCycles: model.flat().reduce((a, b) => a + b, 0),
    overlapSpeedup: round(model.flat().reduce((a, b) => a + b, 0) / Math.max(1, schedule.total)),
    denseMacs,
    formalMacs: sofaMacs,
    predictionShiftAdds: ahatShiftAdds,
    khatShiftAdds: shiftAdds - ahatShiftAdds,
    macsSaved: round(1 - sofaMacs / denseMacs),
    denseExps: NQ * S,
    exps: counters.exps,
    keysKept,
    recall: round(qual.recall),
    maxError: round(qual.maxError),
    meanError: round(qual.meanError),
    maxFixedError: round(qual.maxFixedError),
    fixedErrorBound: round(qual.fixedErrorBound),
    rescales: counters.rescales,
    tileRescales: counters.tile_rescales,
    sadsScans: counters.scans,
    sadsClipped: counters.clipped,
    kShift: prob.kShift, aShift: prob.aShift, scoreShift: prob.scoreShift,
    cyclesPerSecond: Math.round(cycles / Math.max(1e-9, (t2 - t1) / 1000)),
  };
  return { result: check.result(name, cycles, opts.seed, params, metrics), simSeconds: (t2 - t1) / 1000, buildSeconds: (t1 - t0) / 1000 };
}

const COUNTERS = [
  "busy_cycles_0", "busy_cycles_1", "busy_cycles_2", "stall_cycles_0", "stall_cycles_1", "stall_cycles_2",
  "occ_max_0", "occ_max_1", "occ_sum_0", "occ_sum_1",
  "shift_adds", "zero_skips", "sorted", "clipped", "scans", "keys", "exps", "muls", "adds", "rescales", "tile_rescales",
] as const;

/**
 * The per-cycle checks of what each unit produces: DLZS's stream in both modes, SADS's answers to
 * SU-FA's reads, and SU-FA's outputs.
 */
function monitor(sim: Simulator, c: AttentionConfig, rows: number, gold: ReturnType<typeof sofaAttention>, check: Checker) {
  const D = c.shape.headDim;
  const acc = (n: string) => sim.accessor(n);
  const outValid = acc("dlzs.out_valid"), outRow = acc("dlzs.out_row"), outCol = acc("dlzs.out_col"), mode = acc("dlzs.mode_r"), tileR = acc("dlzs.tile_r");
  const outData = Array.from({ length: c.cols }, (_, i) => acc(`dlzs.out_data_${i}`)), outMask = Array.from({ length: c.cols }, (_, i) => acc(`dlzs.out_mask_${i}`));
  const sufaBusy = acc("sufa.busy"), sufaTile = acc("sufa_tile");
  const rdRow = acc("sads.rd_row"), rdSeg = acc("sads.rd_seg"), rdSlot = acc("sads.rd_slot");
  const rdIndex = acc("sads.rd_index"), rdValue = acc("sads.rd_value"), rdValid = acc("sads.rd_valid");
  const oValid = acc("o_valid"), oQuery = acc("o_query"), oData = Array.from({ length: D }, (_, d) => acc(`o_data_${d}`));
  let pending: { q: number; seg: number; slot: number } | undefined;
  // Words DLZS streamed (K-hat, A-hat) and SADS answers checked: every one must have been seen.
  const seen = { khat: 0, ahat: 0, reads: 0 };
  return {
    seen,
    cycle(cycle: number, outputs: (number[] | undefined)[]): void {
      if (outValid.get() === 1) {
        const m = mode.get(), row = tileR.get() * rows + outRow.get(), col = outCol.get();
        for (let i = 0; i < c.cols; i++) {
          if (outMask[i].get() === 0) continue;
          const got = outData[i].get();
          if (m === MODE_K) {
            check.equal(`cycle ${cycle}: K-hat[${col + i}][${row}] streamed by DLZS`, got, gold.Khat[col + i][row]);
            seen.khat++;
          } else {
            check.equal(`cycle ${cycle}: A-hat[${row}][${col + i}] streamed into SADS`, got, gold.Ahat[row][col + i]);
            seen.ahat++;
          }
        }
      }
      // SADS answers this cycle the read SU-FA addressed last cycle.
      if (pending) {
        const list = gold.lists[pending.q][pending.seg];
        const valid = pending.slot < list.length ? 1 : 0;
        const what = `cycle ${cycle}: SADS list of query ${pending.q}, segment ${pending.seg}, slot ${pending.slot}`;
        check.equal(`${what}: valid`, rdValid.get(), valid);
        if (valid) {
          check.equal(`${what}: key index`, rdIndex.get(), list[pending.slot]);
          check.equal(`${what}: A-hat value`, rdValue.get(), gold.Ahat[pending.q][list[pending.slot]]);
        }
        seen.reads++;
      }
      pending = sufaBusy.get() === 1 ? { q: sufaTile.get() * rows + rdRow.get(), seg: rdSeg.get(), slot: rdSlot.get() } : undefined;
      if (pending && (pending.q >= gold.lists.length || pending.seg >= c.segments)) pending = undefined;
      if (oValid.get() === 1) {
        const q = oQuery.get();
        const want = gold.out[q]?.output;
        if (!want) {
          check.fail(`cycle ${cycle}: an output for query ${q}, which does not exist`);
          return;
        }
        if (outputs[q]) check.fail(`cycle ${cycle}: a second output for query ${q}`);
        const got = oData.map((x) => x.get());
        outputs[q] = got;
        let bad = 0;
        got.forEach((v, d) => {
          if (v !== want[d] && bad++ < 2) check.equal(`cycle ${cycle}: O[${q}][${d}]`, v, want[d]);
        });
        check.ok(`cycle ${cycle}: output row of query ${q} bit-exact (${bad} of ${D} wrong)`, bad === 0);
      }
    },
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export const ATTENTION_PARAMS = [
  { name: "seqLen", description: "S: keys per query", type: "int", default: 128, min: 4, max: 4096, verify: { min: 8, max: 96 } },
  { name: "headDim", description: "D: head dimension (also the token width)", type: "int", default: 16, min: 1, max: 128, verify: { min: 2, max: 16 } },
  { name: "queries", description: "queries in the run", type: "int", default: 16, min: 1, max: 1024, verify: { min: 1, max: 16 } },
  { name: "k", description: "keys kept per query (floor(k/segments) per segment)", type: "int", default: 32, min: 1, max: 4096, verify: { min: 1, max: 96 } },
  { name: "segments", description: "SADS segments n = SU-FA KV tiles", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 6 } },
  { name: "radius", description: "SADS clipping radius in A-hat units (-1: none)", type: "int", default: -1, min: -1, max: 65535, verify: { min: -1, max: 3000 } },
  { name: "tile", description: "queries per tile (DLZS array rows)", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 8 } },
  { name: "cols", description: "DLZS array columns (keys per A-hat group, <= 12)", type: "int", default: 8, min: 1, max: 12, verify: { min: 1, max: 12 } },
  { name: "rows", description: "attention row types: mixed, dominant (type I), uniform (type II), regional (type III)", type: "enum", default: "mixed", values: ROW_TYPES },
  { name: "spread", description: "standard deviation of a row's scores in natural-log units (sets the temperature)", type: "number", default: 3, min: 0.1, max: 20, verify: { min: 0.5, max: 8 } },
] as const satisfies readonly import("../types.js").ParamSpec[];

export const sofaAttentionTb: Testbench = {
  name: "sofa-attention",
  description: "SOFA pipeline: DLZS K-hat/A-hat prediction -> SADS top-k -> SU-FA over query tiles with cross-stage tiling; every stream, list and output bit-exact, schedule as modelled",
  params: ATTENTION_PARAMS,
  waves() {
    return attentionView();
  },

  design(params) {
    const c = attentionConfig(params);
    // The design's shifts come from data; the emitted design uses those of seed 1.
    const prob = makeAttentionProblem(rng(1), c.shape, cfg.fracBits);
    return makeSofaPipeline(pipelineParams(c, { kShift: prob.kShift, aShift: prob.aShift, scoreShift: prob.scoreShift })).module;
  },
  validate(params) {
    return validateConfig(attentionConfig(params));
  },
  async run(opts) {
    return (await runAttention(this.name, attentionConfig(opts.params), opts.params, opts)).result;
  },
};
