/**
 * Run a SCALE-Sim v2 config and topology layer by layer (`tessera scalesim`): each layer's GEMM on
 * one R x C array. The cycle model (`engine: "model"`) answers every layer from the golden model
 * (src/golden/scalesim.ts: stall-free cycles at SCALE-Sim's closed forms, its utilisations, SRAM
 * counts and CALC-mode memory system). `engine: "rtl"` also runs the layer's GEMM through the RTL
 * engine (src/hw/systolic, one core, int8 operands, random data): C must come out bit-exact and the
 * core's measured busy cycles, less its waits for operands and the tail the closed forms do not
 * count, must equal the model's stall-free cycles. The reports' stalls come from SCALE-Sim's memory
 * model in both engines (CALC: its estimated bandwidth; USER: the config's Bandwidth through its
 * double-buffered SRAMs, src/golden/scalesim-user.ts). The RTL run adds the engine's own total
 * (load, compute and store overlapped, DRAM channels of the config's Bandwidth in USER mode) next
 * to them in the JSON and the table: our engine's buffers hold whole operands, so it stalls only
 * on the channels, where SCALE-Sim's stall on its SRAM sizes.
 */
import { scaleSimLayer, type ScaleSimArch, type ScaleSimLayerStats } from "../golden/scalesim.js";
import { scaleSimLayerUser } from "../golden/scalesim-user.js";
import { systolicTb } from "../tb/pe/systolic.js";
import type { Params } from "../tb/types.js";
import type { ScaleSimConfig } from "./config.js";
import type { Topology, TopologyLayer } from "./topology.js";

import type { ScaleSimEngine } from "./engines.js";
export { SCALESIM_ENGINES, type ScaleSimEngine } from "./engines.js";

/** What the RTL run of one layer measured. */
export interface RtlLayerRun {
  readonly passed: boolean;
  /** First failure when it did not pass. */
  readonly failure?: string;
  /**
   * The engine's own cycles from start to done: load, compute and store overlapped, over read and
   * write channels of the config's Bandwidth in bytes per cycle each (USER; int8 words are bytes)
   * or a request per cycle each (CALC). Not SCALE-Sim's memory model: the engine's buffers hold
   * whole operands, so only the DRAM channels stall it.
   */
  readonly cycles: number;
  /** cycles - computeCycles: the start, waits for operands, the tail and the store after the last fold. */
  readonly stallCycles: number;
  /** The bandwidth the RTL run used (bytes per cycle per channel; 0: a request per cycle). */
  readonly dramBw: number;
  /** The core's busy cycles, and the parts of them the closed forms do not count: waits for operands, and the tail. */
  readonly busyCycles: number;
  readonly waitCycles: number;
  readonly tailCycles: number;
  /** busyCycles - waitCycles - tailCycles: equal to the model's computeCycles when the RTL matches. */
  readonly computeCycles: number;
  readonly seed: number;
}

export interface ScaleSimLayerResult {
  readonly index: number;
  readonly layer: TopologyLayer;
  readonly stats: ScaleSimLayerStats;
  readonly rtl?: RtlLayerRun;
}

export interface ScaleSimRunOptions {
  readonly engine: ScaleSimEngine;
  /** Seed of the RTL runs' operands (layer i uses seed + i). */
  readonly seed?: number;
  /** Called after every layer (for a progress bar). */
  readonly onLayer?: (done: number, total: number, r: ScaleSimLayerResult) => void;
}

export function archOf(cfg: ScaleSimConfig): ScaleSimArch {
  return {
    rows: cfg.arrayHeight, cols: cfg.arrayWidth, dataflow: cfg.dataflow,
    ifmapSramKB: cfg.ifmapSramKB, filterSramKB: cfg.filterSramKB, ofmapSramKB: cfg.ofmapSramKB,
  };
}

export async function runScaleSim(cfg: ScaleSimConfig, topo: Topology, o: ScaleSimRunOptions): Promise<ScaleSimLayerResult[]> {
  const arch = archOf(cfg);
  const out: ScaleSimLayerResult[] = [];
  for (const [index, layer] of topo.layers.entries()) {
    const stats = layerStats(cfg, arch, layer);
    const dramBw = cfg.interfaceBandwidth === "USER" ? cfg.bandwidths[0] : 0;
    const rtl = o.engine === "rtl" ? await runLayerRtl(arch, layer, (o.seed ?? 1) + index, dramBw) : undefined;
    const r: ScaleSimLayerResult = { index, layer, stats, ...(rtl ? { rtl } : {}) };
    out.push(r);
    o.onLayer?.(index + 1, topo.layers.length, r);
  }
  return out;
}

/** One layer under the config's memory mode: USER takes its Bandwidth (words/cycle), CALC estimates. */
export function layerStats(cfg: ScaleSimConfig, arch: ScaleSimArch, layer: TopologyLayer): ScaleSimLayerStats {
  const opts = { ifmapUniqueWords: layer.ifmapUniqueWords };
  return cfg.interfaceBandwidth === "USER" ? scaleSimLayerUser(arch, layer.gemm, cfg.bandwidths[0], opts) : scaleSimLayer(arch, layer.gemm, opts);
}

/** The layer's GEMM through the RTL engine: one core, the whole GEMM as one tile, int8 operands. */
export async function runLayerRtl(arch: ScaleSimArch, layer: TopologyLayer, seed: number, dramBw = 0): Promise<RtlLayerRun> {
  const params: Params = Object.fromEntries(systolicTb.params.map((p) => [p.name, p.default]));
  Object.assign(params, {
    rows: arch.rows, cols: arch.cols, dataflow: arch.dataflow, m: layer.gemm.m, n: layer.gemm.n, k: layer.gemm.k,
    cores: 1, aType: "int8", bType: "int8", data: "mixed", dramBw,
  });
  const why = systolicTb.validate?.(params);
  if (why) throw new Error(`layer ${layer.name}: the RTL engine cannot run it: ${why}`);
  const r = await systolicTb.run({ params, seed, engine: "compiled" });
  const busyCycles = Number(r.metrics.core0Busy), waitCycles = Number(r.metrics.core0Wait), tailCycles = Number(r.metrics.tailCycles);
  return {
    passed: r.passed, ...(r.passed ? {} : { failure: r.failures[0] ?? "failed" }),
    cycles: r.cycles, stallCycles: r.cycles - (busyCycles - waitCycles - tailCycles), dramBw,
    busyCycles, waitCycles, tailCycles, computeCycles: busyCycles - waitCycles - tailCycles, seed,
  };
}
