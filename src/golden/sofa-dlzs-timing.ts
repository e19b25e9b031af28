/**
 * Cycle model of the DLZS unit (src/hw/sofa/dlzs-unit.ts), as pure functions: what one start of a
 * tile costs. Pure, no imports; the RTL is held to it by test/hw/sofa/dlzs.test.ts and the
 * `sofa-dlzs` testbench.
 *
 * One tile streams all `outputs` shifted rows through the array in blocks of `cols`. Each block
 * issues `reduction` steps (the mode's reduction length: headDim in 16-bit mode, dModel in 8-bit
 * mode) and takes P = max(reduction, rows) cycles, because its rows-cycle drain must finish before
 * the next block captures. After the last block's issue: 2 pipeline stages (memory read, code /
 * operand registers), the capture edge, then rows drain cycles, the last one with `done`.
 */
export interface DlzsTileShape {
  /** Array rows (log rows per tile). */
  readonly rows: number;
  /** Array columns (shifted rows per block). */
  readonly cols: number;
  /** Shifted rows (tokens or keys). */
  readonly outputs: number;
  /** Reduction steps per output in this mode. */
  readonly reduction: number;
}

/** Cycles from the edge that samples start to the cycle in which done is high (inclusive). */
export function dlzsTileCycles(t: DlzsTileShape): number {
  const blocks = Math.ceil(t.outputs / t.cols);
  const period = Math.max(t.reduction, t.rows);
  return (blocks - 1) * period + t.reduction + t.rows + 3;
}

/** Cycles from the start edge to the first out_valid (row 0 of block 0). */
export function dlzsFirstOutput(t: DlzsTileShape): number {
  return t.reduction + 4;
}

/** Cycle (counted like dlzsTileCycles) at which row r of block b is on the output stream. */
export function dlzsOutputCycle(t: DlzsTileShape, block: number, row: number): number {
  return block * Math.max(t.reduction, t.rows) + t.reduction + 4 + row;
}
