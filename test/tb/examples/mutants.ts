/**
 * Deliberately broken designs with the same ports as the examples, so tests can show that the
 * testbenches (and `tessera verify`) catch real bugs rather than pass whatever they run.
 */
import { Module, Signal, s, u } from "../../../src/hdl/index.js";
import { macGridNames as N } from "../../../src/hw/examples/mac-grid.js";
import type { Testbench } from "../../../src/tb/types.js";

export type GridBug = { kind: "noClear" | "noWrap8"; at: (i: number, j: number) => boolean };

/** A mac-grid whose PEs marked by `bug.at` misbehave: ignore clear, or pass `a` on without its register. */
export function buggyMacGrid(rows: number, cols: number, bug: GridBug): Module {
  const m = new Module("mac_grid");
  const clear = m.input("clear", u(1));
  const aIn = Array.from({ length: rows }, (_, i) => m.input(N.a(i), s(8)));
  const bIn = Array.from({ length: cols }, (_, j) => m.input(N.b(j), s(8)));
  const aReg: Signal[][] = [], bReg: Signal[][] = [];
  for (let i = 0; i < rows; i++) {
    aReg.push([]);
    bReg.push([]);
    for (let j = 0; j < cols; j++) {
      const a = j === 0 ? aIn[i] : aReg[i][j - 1];
      const b = i === 0 ? bIn[j] : bReg[i - 1][j];
      const ra = m.signal(`pe_r${i}_c${j}_a`, s(8));
      const rb = m.signal(`pe_r${i}_c${j}_b`, s(8));
      const acc = m.output(N.acc(i, j), s(32));
      m.sync.set(ra, a);
      m.sync.set(rb, b);
      const sum = acc.add(a.mul(b)).trunc(32);
      if (bug.at(i, j) && bug.kind === "noClear") m.sync.set(acc, sum);
      else if (bug.at(i, j) && bug.kind === "noWrap8") m.if(clear, () => m.sync.set(acc, 0)).else(() => m.sync.set(acc, acc.add(a.mul(b).trunc(15)).trunc(32)));
      else m.if(clear, () => m.sync.set(acc, 0)).else(() => m.sync.set(acc, sum));
      aReg[i].push(ra);
      bReg[i].push(rb);
    }
  }
  for (let i = 0; i < rows; i++) m.comb.set(m.output(N.aOut(i), s(8)), aReg[i][cols - 1]);
  for (let j = 0; j < cols; j++) m.comb.set(m.output(N.bOut(j), s(8)), bReg[rows - 1][j]);
  return m;
}

/** The same testbench with another design under test (run() builds its design through `this`). */
export function withDesign(tb: Testbench, design: Testbench["design"]): Testbench {
  return { ...tb, design, run: tb.run };
}
