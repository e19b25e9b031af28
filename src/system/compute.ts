/**
 * How long an operator takes on one tile (or one tile of a group running in lockstep), from the
 * verified models where they exist: a GEMM takes the cycles of the PE-array cycle model
 * (src/golden/systolic.ts analyticCycles, which the RTL engine equals cycle for cycle) on the
 * tile's array; anything else a roofline (operations over peak, bytes over bandwidth, the
 * larger). Each result says which model it used, so a report can show how much of a run rests on
 * verified timing.
 */
import { analyticCycles, type Dataflow } from "../golden/systolic.js";

export type TimingModel = "pe-array" | "softmax-unit" | "roofline";

export interface OpTime {
  /** Nanoseconds. */
  readonly ns: number;
  readonly model: TimingModel;
  /** Cycles at the tile clock (pe-array only). */
  readonly cycles?: number;
}

export interface ArrayShape {
  readonly rows: number;
  readonly cols: number;
}

const gemmCache = new Map<string, number>();

/**
 * Cycles of an m x k by k x n GEMM on one R x C array with its operands in on-chip SRAM: the
 * PE-array model with one core, the whole output as one tile and a one-cycle SRAM (DRAM and NoC
 * traffic are the system model's own events). Memoized: a layer repeats the same shapes.
 */
export function gemmCycles(array: ArrayShape, m: number, n: number, k: number, dataflow: Dataflow = "os"): number {
  for (const [name, v] of Object.entries({ m, n, k, rows: array.rows, cols: array.cols })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`gemmCycles: ${name} = ${v} must be a whole number >= 1`);
  }
  const key = `${array.rows}x${array.cols} ${dataflow} ${m} ${n} ${k}`;
  let c = gemmCache.get(key);
  if (c === undefined) {
    c = analyticCycles({ rows: array.rows, cols: array.cols, dataflow, m, n, k, cores: 1, tileM: m, tileN: n, memLatency: 1 }).total;
    gemmCache.set(key, c);
  }
  return c;
}

/** A GEMM on a tile clocked at `clockGHz`. */
export function gemmTime(array: ArrayShape, clockGHz: number, m: number, n: number, k: number, dataflow: Dataflow = "os"): OpTime {
  const cycles = gemmCycles(array, m, n, k, dataflow);
  return { ns: cycles / clockGHz, model: "pe-array", cycles };
}

/** Roofline time: `ops` at `peakOps` ops/s against `bytes` at `bandwidthGBps`, whichever is longer. */
export function rooflineTime(ops: number, peakOps: number, bytes = 0, bandwidthGBps = Infinity): OpTime {
  if (!(ops >= 0) || !(bytes >= 0)) throw new RangeError(`rooflineTime: ops ${ops} and bytes ${bytes} must be >= 0`);
  if (!(peakOps > 0) || !(bandwidthGBps > 0)) throw new RangeError(`rooflineTime: peak ${peakOps} ops/s and bandwidth ${bandwidthGBps} GB/s must be > 0`);
  const computeNs = (ops / peakOps) * 1e9;
  const memoryNs = bytes / bandwidthGBps; // GB/s = bytes per ns
  return { ns: Math.max(computeNs, memoryNs), model: "roofline" };
}
