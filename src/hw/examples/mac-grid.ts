/**
 * `mac-grid`: a rows x cols grid of int8 multiply-accumulate PEs, output stationary.
 *
 * Operand `a` enters each row at the left (input a_r<i>) and moves one PE right per cycle; operand
 * `b` enters each column at the top (b_c<j>) and moves one PE down per cycle, both through
 * registers. Every PE adds a_in * b_in to its int32 accumulator each cycle (wrapping modulo 2^32);
 * `clear` zeroes every accumulator at the next edge instead.
 *
 * Feeding a GEMM C = A x B (A is rows x K, B is K x cols) needs the systolic skew: at cycle t drive
 * a_r<i> = A[i][t - i] and b_c<j> = B[t - j][j] (0 outside 0..K-1). PE (i, j) then multiplies
 * A[i][k] by B[k][j] at cycle k + i + j, so after K + rows + cols - 2 cycles every accumulator
 * holds its C[i][j] (pe_r<i>_c<j>_acc). The testbench in src/tb/examples/mac-grid.ts does this.
 *
 * Names, for following a row and column in a waveform viewer: PE instances pe_r<i>_c<j> (each
 * with a_in, b_in, a_out, b_out, acc), top-level outputs pe_r<i>_c<j>_acc, and the operands that
 * leave the grid, a_out_r<i> (right edge) and b_out_c<j> (bottom edge).
 */
import { Module, Signal, s, u } from "../../hdl/index.js";

export interface MacGridParams {
  rows: number;
  cols: number;
}

/** One processing element: registers the operands it passes on, accumulates their product. */
export function macPe(): Module {
  const m = new Module("mac_pe");
  const aIn = m.input("a_in", s(8));
  const bIn = m.input("b_in", s(8));
  const clear = m.input("clear", u(1));
  const aOut = m.output("a_out", s(8));
  const bOut = m.output("b_out", s(8));
  const acc = m.output("acc", s(32));
  m.sync.set(aOut, aIn);
  m.sync.set(bOut, bIn);
  m.if(clear, () => m.sync.set(acc, 0)).else(() => m.sync.set(acc, acc.add(aIn.mul(bIn)).trunc(32)));
  return m;
}

/** Names of the grid's ports, so testbenches and tools need not rebuild the naming scheme. */
export const macGridNames = {
  a: (i: number) => `a_r${i}`,
  b: (j: number) => `b_c${j}`,
  acc: (i: number, j: number) => `pe_r${i}_c${j}_acc`,
  aOut: (i: number) => `a_out_r${i}`,
  bOut: (j: number) => `b_out_c${j}`,
  pe: (i: number, j: number) => `pe_r${i}_c${j}`,
};

export function macGrid(p: MacGridParams): Module {
  const { rows, cols } = p;
  for (const [k, v] of Object.entries({ rows, cols })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`mac-grid: ${k} = ${v} must be a whole number >= 1`);
  }
  const m = new Module("mac_grid");
  const clear = m.input("clear", u(1));
  const aIn = Array.from({ length: rows }, (_, i) => m.input(macGridNames.a(i), s(8)));
  const bIn = Array.from({ length: cols }, (_, j) => m.input(macGridNames.b(j), s(8)));

  const pes: { aOut: Signal; bOut: Signal }[][] = [];
  for (let i = 0; i < rows; i++) {
    pes.push([]);
    for (let j = 0; j < cols; j++) {
      const pe = m.submodule(macGridNames.pe(i, j), macPe());
      const [peA, peB, peClear] = pe.inputs;
      const [peAOut, peBOut, peAcc] = pe.outputs;
      // Operands from the left neighbour / the one above, or from the grid's edge inputs.
      m.comb.set(peA, j === 0 ? aIn[i] : pes[i][j - 1].aOut);
      m.comb.set(peB, i === 0 ? bIn[j] : pes[i - 1][j].bOut);
      m.comb.set(peClear, clear);
      m.comb.set(m.output(macGridNames.acc(i, j), s(32)), peAcc);
      pes[i].push({ aOut: peAOut, bOut: peBOut });
    }
  }
  for (let i = 0; i < rows; i++) m.comb.set(m.output(macGridNames.aOut(i), s(8)), pes[i][cols - 1].aOut);
  for (let j = 0; j < cols; j++) m.comb.set(m.output(macGridNames.bOut(j), s(8)), pes[rows - 1][j].bOut);
  return m;
}
