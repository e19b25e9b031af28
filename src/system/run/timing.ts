/**
 * Time of one layer operator on one tile of a platform, each from the most faithful model there
 * is for it:
 *   GEMMs: the PE-array cycle model on the tile's array, scaled from the array's native rate
 *     (2 x rows x cols ops per cycle) to the tile's peak in the workload's precision (a tile whose
 *     peak is several arrays' worth runs its GEMMs that much faster; one whose array is slower in
 *     this precision, that much slower);
 *   attention's softmax on a tile with SOFA softmax units: the units' cycle count
 *     (softmaxUnitCycles, which the RTL equals), rows dealt over the units, one row per unit at a time;
 *   other vector operators: the roofline of the tile's peak.
 */
import { gemmCycles, rooflineTime, type TimingModel } from "../compute.js";
import { DEFAULT_SOFTMAX } from "../../golden/sofa.js";
import { softmaxUnitCycles } from "../../golden/sofa-sufa-timing.js";
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
  const unit = p.tile.softmaxUnit;
  if (op.softmax && unit) {
    const perRow = softmaxUnitCycles(op.softmax.length, unit.lanes, unit.recipBits ?? DEFAULT_SOFTMAX.recipBits, unit.probBits ?? DEFAULT_SOFTMAX.probBits);
    return { ns: (Math.ceil(op.softmax.rows / unit.units) * perRow) / p.clockGHz, model: "softmax-unit" };
  }
  if (op.vector) return rooflineTime(op.vector.elements * op.vector.opsPerElement, peak);
  throw new Error(`internal: ${op.name} is not a compute operator`);
}
