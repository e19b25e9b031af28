/**
 * The weight-/input-stationary array: rows x cols PEs named pe_r<i>_c<j>, each holding one operand.
 * The held operands are preloaded down each column: while `load_w` is high, north_w_c<j> shifts
 * into row 0 and every row passes its value to the row below, so after R shifts row i holds the
 * value injected R-1-i shifts earlier. The moving operand of row i enters at west_r<i> and moves
 * right; partial sums enter at north_c<j> (the running C from the buffer, or 0 on the first K fold),
 * move down, and leave at south_c<j>.
 *
 *   ws: PE (i, j) holds B[kb*R+i][nb*C+j]; row i streams A[m][kb*R+i].
 *   is: PE (i, j) holds A[mb*C+j][kb*R+i]; row i streams B[kb*R+i][n].
 */
import { Module, Signal, u } from "../../hdl/index.js";
import { makeStationaryPe } from "../pe/pe-stationary.js";
import type { Geometry } from "./geometry.js";

export interface StationaryArrayPorts {
  readonly module: Module;
  readonly west: Signal[];
  readonly north: Signal[];
  readonly northW: Signal[];
  readonly loadW: Signal;
  readonly south: Signal[];
}

export function makeStationaryArray(g: Geometry): StationaryArrayPorts {
  const m = new Module(g.df === "ws" ? "systolic_ws" : "systolic_is");
  const west = Array.from({ length: g.R }, (_, i) => m.input(`west_r${i}`, g.westShape));
  const north = Array.from({ length: g.C }, (_, j) => m.input(`north_c${j}`, g.accShape));
  const northW = Array.from({ length: g.C }, (_, j) => m.input(`north_w_c${j}`, g.northShape));
  const loadW = m.input("load_w", u(1));
  const south = Array.from({ length: g.C }, (_, j) => m.output(`south_c${j}`, g.accShape));
  const pe = Array.from({ length: g.R }, (_, i) =>
    Array.from({ length: g.C }, (_, j) => {
      const { module, io } = makeStationaryPe({ x: g.westShape, w: g.northShape, acc: g.accShape });
      m.submodule(`pe_r${i}_c${j}`, module);
      return io;
    }),
  );
  for (let i = 0; i < g.R; i++) {
    for (let j = 0; j < g.C; j++) {
      const p = pe[i][j];
      m.comb.set(p.x, j === 0 ? west[i] : pe[i][j - 1].xOut);
      m.comb.set(p.psumIn, i === 0 ? north[j] : pe[i - 1][j].psumOut);
      m.comb.set(p.wIn, i === 0 ? northW[j] : pe[i - 1][j].wOut);
      m.comb.set(p.loadW, loadW);
    }
  }
  for (let j = 0; j < g.C; j++) m.comb.set(south[j], pe[g.R - 1][j].psumOut);
  return { module: m, west, north, northW, loadW, south };
}
