/**
 * Time of one layer operator on one tile of a platform: GEMMs from the PE-array cycle model on the
 * tile's array, scaled from the array's native rate (2 x rows x cols ops per cycle) to the tile's
 * peak in the workload's precision (a tile whose peak is several arrays' worth runs its GEMMs
 * that much faster; one whose array is slower in this precision, that much slower); vector
 * operators on the roofline of the tile's peak.
 */
import { gemmCycles, rooflineTime, type TimingModel } from "../compute.js";
import type { Platform, Precision } from "../platform/types.js";
import type { LayerOp } from "../workload/ops.js";

export function opComputeTime(p: Platform, precision: Precision, op: LayerOp): { ns: number; model: TimingModel } {
  const peak = p.tile.peakOps[precision];
  if (op.gemm) {
    const { m, n, k, count } = op.gemm;
    const { rows, cols } = p.tile.array;
    const native = 2 * rows * cols * p.clockGHz * 1e9;
    const ns = (count * gemmCycles(p.tile.array, m, n, k)) / p.clockGHz * (native / peak);
    return { ns, model: "pe-array" };
  }
  if (op.vector) return rooflineTime(op.vector.elements * op.vector.opsPerElement, peak);
  throw new Error(`internal: ${op.name} is not a compute operator`);
}
