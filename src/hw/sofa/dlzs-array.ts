/**
 * The DLZS array: rows x cols shift-add PEs (pe_r<i>_c<j>), output stationary. The log-domain
 * operand of row i (its code sign_r<i>, lz_r<i>) is broadcast along the row, the shifted operand
 * y_c<j> down column j, so PE (i, j) sums the products of log row i and shifted row j. `capture`
 * ends an output block in every PE at once; then the drain chain (`shift`) moves the finished sums
 * up one row per cycle, so top_c<j> shows rows 0, 1, ..., rows-1 of the block in that order.
 *
 * `adds` counts the PEs adding this cycle (those whose zero eliminator lets the pair through): the
 * unit's shift_adds counter sums it, so the count is what the PEs did, not a model of it.
 */
import { Expr, Module, Signal, s, u } from "../../hdl/index.js";
import { LZ_BITS, OPERAND_BITS, makeDlzsPe } from "./dlzs-pe.js";

export interface DlzsArrayPorts {
  readonly module: Module;
  readonly mode: Signal;
  readonly sign: Signal[];
  readonly lz: Signal[];
  readonly y: Signal[];
  readonly capture: Signal;
  readonly shift: Signal;
  readonly top: Signal[];
  readonly adds: Signal;
}

/** Width of a count 0..n. */
export function countBits(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n + 1)));
}

/** Sum of 1-bit values as a balanced adder tree, countBits(bits.length) wide (the tree's extra carry bits are always 0). */
export function popcount(bits: readonly Expr[]): Expr {
  let level = [...bits];
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i].add(level[i + 1]));
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0].resize(countBits(bits.length));
}

export function makeDlzsArray(rows: number, cols: number, accBits: number): DlzsArrayPorts {
  const m = new Module("dlzs_array");
  const mode = m.input("mode", u(1));
  const sign = Array.from({ length: rows }, (_, i) => m.input(`sign_r${i}`, u(1)));
  const lz = Array.from({ length: rows }, (_, i) => m.input(`lz_r${i}`, u(LZ_BITS)));
  const y = Array.from({ length: cols }, (_, j) => m.input(`y_c${j}`, s(OPERAND_BITS)));
  const capture = m.input("capture", u(1));
  const shift = m.input("shift", u(1));
  const top = Array.from({ length: cols }, (_, j) => m.output(`top_c${j}`, s(accBits)));
  const adds = m.output("adds", u(countBits(rows * cols)));
  const pe = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => {
      const p = makeDlzsPe(accBits);
      m.submodule(`pe_r${i}_c${j}`, p.module);
      return p;
    }),
  );
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const p = pe[i][j];
      m.comb.set(p.mode, mode);
      m.comb.set(p.sign, sign[i]);
      m.comb.set(p.lz, lz[i]);
      m.comb.set(p.y, y[j]);
      m.comb.set(p.capture, capture);
      m.comb.set(p.shift, shift);
      m.comb.set(p.drainIn, i === rows - 1 ? 0 : pe[i + 1][j].drainOut);
    }
  }
  for (let j = 0; j < cols; j++) m.comb.set(top[j], pe[0][j].drainOut);
  m.comb.set(adds, popcount(pe.flat().map((p) => p.nz)));
  return { module: m, mode, sign, lz, y, capture, shift, top, adds };
}
