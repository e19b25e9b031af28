/**
 * The reconstruction unit (papers.md section 4, step 2: y_i = sum of Z[p] over the patterns p with
 * bit i set). A fixed adder datapath of 2^(m-1) inputs, time-shared over the m rows of a group: in
 * the cycle it is asked for group row i (row 0 = the pattern's MSB, computed first), input j takes
 * the GSB slot of the j-th pattern with that bit set, masked to 0 unless the pattern was present.
 *
 * Ports (combinational):
 *   row u(bitsFor(m))      the group row i
 *   present u(2^m)         bit p: pattern p occurred in this half's search
 *   z_<p> s(zBits)         the half's GSB slots, p = 1..2^m-1
 *   sum s(zBits)           y_i of this half (exact: it sums at most camCols activations)
 *   count u                present patterns with bit i set (the golden counts count - 1 adds)
 */
import { Module, Signal, bitsFor, mux, s, u } from "../../hdl/index.js";
import { countBits, popcount } from "../sofa/dlzs-array.js";
import { muxIndex, sumS } from "./brcr-rtl.js";

export interface ReconUnitPorts {
  readonly module: Module;
  readonly row: Signal;
  readonly present: Signal;
  /** z[p], p = 0 unused. */
  readonly z: Signal[];
  readonly sum: Signal;
  readonly count: Signal;
}

/** The j-th pattern (j = 0..2^(m-1)-1) with bit `pos` set: j's bits with a 1 inserted at `pos`. */
export function patternWithBit(j: number, pos: number): number {
  const low = j & ((1 << pos) - 1);
  return ((j >> pos) << (pos + 1)) | (1 << pos) | low;
}

export function makeReconUnit(mRows: number, zBits: number): ReconUnitPorts {
  const m = new Module("brcr_recon_unit");
  const row = m.input("row", u(bitsFor(mRows))), present = m.input("present", u(2 ** mRows));
  const z = [undefined, ...Array.from({ length: 2 ** mRows - 1 }, (_, i) => m.input(`z_${i + 1}`, s(zBits)))] as Signal[];
  const sum = m.output("sum", s(zBits)), count = m.output("count", u(countBits(2 ** (mRows - 1))));

  const inputs = Array.from({ length: 2 ** (mRows - 1) }, (_, j) => {
    // Row i reads bit m-1-i of the pattern; the candidates of input j, indexed by the row.
    const pats = Array.from({ length: mRows }, (_, i) => patternWithBit(j, mRows - 1 - i));
    const on = muxIndex(row, pats.map((pt) => present.bit(pt)));
    const val = muxIndex(row, pats.map((pt) => z[pt]));
    return { on, val: mux(on, val, 0) };
  });
  m.comb.set(sum, sumS(inputs.map((x) => x.val), zBits));
  m.comb.set(count, popcount(inputs.map((x) => x.on)));
  return { module: m, row, present, z, sum, count };
}
