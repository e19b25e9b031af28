/**
 * Golden model of one SCALE-Sim v2 layer run (scalesim-project/scale-sim-v2, `scalesim/`): what the
 * three reports print for a layer, from the mapping (scalesim-map.ts: folds, closed-form cycles,
 * utilisations, SRAM counts) and a memory system: CALC mode here (scalesim-calc.ts), USER mode in
 * scalesim-user.ts. Pure functions. src/scalesim/NOTES.md says where every rule comes from.
 */
export * from "./scalesim-map.js";
export * from "./scalesim-calc.js";
import { type DramOperand, calcDramRead, calcWriteRun } from "./scalesim-calc.js";
import {
  type Operand,
  type ScaleSimArch,
  type ScaleSimArray,
  type ScaleSimGemm,
  type ScaleSimSramCounts,
  type SpatioTemporal,
  bandFirstRow,
  bandLastRow,
  foldCounts,
  foldLength,
  operandBand,
  overallUtil,
  scaleSimSramCounts,
  scaleSimUtilisation,
  spatioTemporal,
} from "./scalesim-map.js";
// ---------------------------------------------------------------------------------------------
// One layer, everything the three reports print

export interface SramWindow {
  readonly startCycle: number;
  readonly stopCycle: number;
}

export interface ScaleSimLayerStats {
  readonly gemm: ScaleSimGemm;
  readonly mapping: SpatioTemporal;
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly macs: number;
  /** Stall-free cycles (a count): the closed form. */
  readonly computeCycles: number;
  /** Cycles including stalls (a count) = SCALE-Sim's printed Total Cycles + 1. */
  readonly totalCycles: number;
  /** What SCALE-Sim prints as Total Cycles: the index of the last cycle. */
  readonly printedTotalCycles: number;
  readonly stallCycles: number;
  /** Percentages, as SCALE-Sim computes them (Overall Util over the printed cycle count). */
  readonly overallUtil: number;
  readonly mappingEfficiency: number;
  readonly computeUtil: number;
  readonly sram: ScaleSimSramCounts & { readonly ifmap: SramWindow; readonly filter: SramWindow; readonly ofmap: SramWindow };
  readonly dram: { readonly ifmap: DramOperand; readonly filter: DramOperand; readonly ofmap: DramOperand };
  /** Words per cycle: SRAM counts over the printed cycles, DRAM words over their own windows. */
  readonly bandwidth: {
    readonly ifmapSram: number;
    readonly filterSram: number;
    readonly ofmapSram: number;
    readonly ifmapDram: number;
    readonly filterDram: number;
    readonly ofmapDram: number;
  };
}

export interface ScaleSimLayerOptions {
  /** Distinct ifmap addresses when a conv layer's windows overlap (default M*K, a GEMM's). */
  readonly ifmapUniqueWords?: number;
}

export function scaleSimLayer(arch: ScaleSimArch, gemm: ScaleSimGemm, opts: ScaleSimLayerOptions = {}): ScaleSimLayerStats {
  for (const [name, v] of Object.entries({ rows: arch.rows, cols: arch.cols, m: gemm.m, n: gemm.n, k: gemm.k, ifmapSramKB: arch.ifmapSramKB, filterSramKB: arch.filterSramKB, ofmapSramKB: arch.ofmapSramKB })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`scaleSimLayer: ${name} must be a whole number >= 1, got ${v}`);
  }
  const mapping = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const folds = rowFolds * colFolds, Lf = foldLength(arch, mapping.t);
  const computeCycles = folds * Lf;
  const sram = scaleSimSramCounts(arch, gemm);
  const run = calcWriteRun(arch, gemm);
  const printed = run.printedTotalCycles;

  // First request of the first fold, last request of the last fold; reads are served a hit latency
  // (1 cycle) after issue, writes in their (possibly delayed) cycle.
  const lastRows = Math.min(arch.rows, mapping.sr - (rowFolds - 1) * arch.rows);
  const lastCols = Math.min(arch.cols, mapping.sc - (colFolds - 1) * arch.cols);
  const firstRows = Math.min(arch.rows, mapping.sr), firstCols = Math.min(arch.cols, mapping.sc);
  const window = (op: Operand): SramWindow => {
    const first = operandBand(arch, mapping.t, op, firstRows, firstCols);
    const last = operandBand(arch, mapping.t, op, lastRows, lastCols);
    const r0 = bandFirstRow(first), r1 = (folds - 1) * Lf + bandLastRow(last);
    return op === "ofmap" ? { startCycle: run.ofmapCycleOf(r0), stopCycle: run.ofmapCycleOf(r1) } : { startCycle: run.cycleOf(r0) + 1, stopCycle: run.cycleOf(r1) + 1 };
  };
  const ifmap = calcDramRead({ arch, gemm, op: "ifmap", uniqueWords: opts.ifmapUniqueWords, cycleOf: run.cycleOf });
  const filter = calcDramRead({ arch, gemm, op: "filter", cycleOf: run.cycleOf });
  const ofmap = run.ofmapDram;
  return assembleLayerStats({ arch, gemm, mapping, rowFolds, colFolds, computeCycles, printed, stallCycles: run.stallCycles, sram: { ...sram, ifmap: window("ifmap"), filter: window("filter"), ofmap: window("ofmap") }, dram: { ifmap, filter, ofmap } });
}

/** What a layer run found, before the report fields derived from it. */
export interface LayerParts {
  readonly arch: ScaleSimArray;
  readonly gemm: ScaleSimGemm;
  readonly mapping: SpatioTemporal;
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly computeCycles: number;
  /** Total Cycles as SCALE-Sim prints it (the index of the last cycle). */
  readonly printed: number;
  readonly stallCycles: number;
  readonly sram: ScaleSimLayerStats["sram"];
  readonly dram: ScaleSimLayerStats["dram"];
}

/** The layer's stats: utilisations and bandwidths derived from what the run found (CALC or USER). */
export function assembleLayerStats(x: LayerParts): ScaleSimLayerStats {
  const { arch, gemm, printed, sram, dram } = x;
  const util = scaleSimUtilisation(arch, gemm);
  const perCycle = (words: number) => words / Math.max(1, printed);
  const dramBw = (d: DramOperand) => d.words / (d.stopCycle - d.startCycle + 1);
  return {
    gemm,
    mapping: x.mapping,
    rowFolds: x.rowFolds,
    colFolds: x.colFolds,
    macs: gemm.m * gemm.n * gemm.k,
    computeCycles: x.computeCycles,
    totalCycles: printed + 1,
    printedTotalCycles: printed,
    stallCycles: x.stallCycles,
    overallUtil: overallUtil(arch, gemm, printed),
    mappingEfficiency: util.mappingEfficiency,
    computeUtil: util.computeUtil,
    sram,
    dram,
    bandwidth: {
      ifmapSram: perCycle(sram.ifmapReads),
      filterSram: perCycle(sram.filterReads),
      ofmapSram: perCycle(sram.ofmapWrites),
      ifmapDram: dramBw(dram.ifmap),
      filterDram: dramBw(dram.filter),
      ofmapDram: dramBw(dram.ofmap),
    },
  };
}
