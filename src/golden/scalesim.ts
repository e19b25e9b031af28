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
  checkLayer("scaleSimLayer", arch, gemm);
  const run = calcWriteRun(arch, gemm);
  // Reads are served a hit latency (1 cycle) after issue, writes in their (possibly delayed) cycle.
  const sram = sramWindows(arch, gemm, (_op, row) => run.cycleOf(row) + 1, run.ofmapCycleOf);
  const ifmap = calcDramRead({ arch, gemm, op: "ifmap", uniqueWords: opts.ifmapUniqueWords, cycleOf: run.cycleOf });
  const filter = calcDramRead({ arch, gemm, op: "filter", cycleOf: run.cycleOf });
  return assembleLayerStats({ arch, gemm, printed: run.printedTotalCycles, stallCycles: run.stallCycles, sram, dram: { ifmap, filter, ofmap: run.ofmapDram } });
}

/** Every size a layer run needs must be a whole number >= 1 (`extra` adds the run's own, e.g. a bandwidth). */
export function checkLayer(fn: string, arch: ScaleSimArch, gemm: ScaleSimGemm, extra: Record<string, number> = {}): void {
  const sizes = { rows: arch.rows, cols: arch.cols, m: gemm.m, n: gemm.n, k: gemm.k, ifmapSramKB: arch.ifmapSramKB, filterSramKB: arch.filterSramKB, ofmapSramKB: arch.ofmapSramKB, ...extra };
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a whole number >= 1, got ${v}`);
  }
}

/**
 * The SRAM counts and each operand's access window: from its first request in the first fold to
 * its last in the last fold, demand rows turned into cycles by the memory system's own rules.
 */
export function sramWindows(
  arch: ScaleSimArch,
  gemm: ScaleSimGemm,
  readCycleOf: (op: "ifmap" | "filter", row: number) => number,
  ofmapCycleOf: (row: number) => number,
): ScaleSimLayerStats["sram"] {
  const mapping = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const Lf = foldLength(arch, mapping.t);
  const lastRows = Math.min(arch.rows, mapping.sr - (rowFolds - 1) * arch.rows);
  const lastCols = Math.min(arch.cols, mapping.sc - (colFolds - 1) * arch.cols);
  const firstRows = Math.min(arch.rows, mapping.sr), firstCols = Math.min(arch.cols, mapping.sc);
  const window = (op: Operand): SramWindow => {
    const r0 = bandFirstRow(operandBand(arch, mapping.t, op, firstRows, firstCols));
    const r1 = (rowFolds * colFolds - 1) * Lf + bandLastRow(operandBand(arch, mapping.t, op, lastRows, lastCols));
    return op === "ofmap" ? { startCycle: ofmapCycleOf(r0), stopCycle: ofmapCycleOf(r1) } : { startCycle: readCycleOf(op, r0), stopCycle: readCycleOf(op, r1) };
  };
  return { ...scaleSimSramCounts(arch, gemm), ifmap: window("ifmap"), filter: window("filter"), ofmap: window("ofmap") };
}

/** What a layer run found, before the report fields derived from it. */
export interface LayerParts {
  readonly arch: ScaleSimArray;
  readonly gemm: ScaleSimGemm;
  /** Total Cycles as SCALE-Sim prints it (the index of the last cycle). */
  readonly printed: number;
  readonly stallCycles: number;
  readonly sram: ScaleSimLayerStats["sram"];
  readonly dram: ScaleSimLayerStats["dram"];
}

/** The layer's stats: mapping, folds and stall-free cycles, utilisations and bandwidths, around what the run found (CALC or USER). */
export function assembleLayerStats(x: LayerParts): ScaleSimLayerStats {
  const { arch, gemm, printed, sram, dram } = x;
  const mapping = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const util = scaleSimUtilisation(arch, gemm);
  const perCycle = (words: number) => words / Math.max(1, printed);
  const dramBw = (d: DramOperand) => d.words / (d.stopCycle - d.startCycle + 1);
  return {
    gemm,
    mapping,
    rowFolds,
    colFolds,
    macs: gemm.m * gemm.n * gemm.k,
    computeCycles: rowFolds * colFolds * foldLength(arch, mapping.t),
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
