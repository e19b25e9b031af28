/**
 * The output-stationary array: rows x cols PEs named pe_r<i>_c<j>. Row i's A operand enters at
 * west_r<i> and moves right; column j's B operand enters at north_c<j> and moves down; PE (i, j)
 * accumulates C[i][j] of the current fold. `capture` (broadcast) ends a fold: every PE moves its
 * sum into its drain register, and the drain chain shifts one row down per cycle, so the bottom
 * row presents rows, ..., 0 at south_c<j> on the R cycles after the capture edge.
 */
import { Module, Signal, u } from "../../hdl/index.js";
import { makeOsPe } from "../pe/pe-os.js";
import type { Geometry } from "./geometry.js";

export interface OsArrayPorts {
  readonly module: Module;
  readonly west: Signal[];
  readonly north: Signal[];
  readonly capture: Signal;
  readonly south: Signal[];
}

export function makeOsArray(g: Geometry): OsArrayPorts {
  const m = new Module("systolic_os");
  const west = Array.from({ length: g.R }, (_, i) => m.input(`west_r${i}`, g.westShape));
  const north = Array.from({ length: g.C }, (_, j) => m.input(`north_c${j}`, g.northShape));
  const capture = m.input("capture", u(1));
  const south = Array.from({ length: g.C }, (_, j) => m.output(`south_c${j}`, g.accShape));
  const pe = Array.from({ length: g.R }, (_, i) =>
    Array.from({ length: g.C }, (_, j) => {
      const { module, io } = makeOsPe({ a: g.westShape, b: g.northShape, acc: g.accShape });
      m.submodule(`pe_r${i}_c${j}`, module);
      return io;
    }),
  );
  for (let i = 0; i < g.R; i++) {
    for (let j = 0; j < g.C; j++) {
      const p = pe[i][j];
      m.comb.set(p.a, j === 0 ? west[i] : pe[i][j - 1].aOut);
      m.comb.set(p.b, i === 0 ? north[j] : pe[i - 1][j].bOut);
      m.comb.set(p.drainIn, i === 0 ? 0 : pe[i - 1][j].drainOut);
      m.comb.set(p.capture, capture);
    }
  }
  for (let j = 0; j < g.C; j++) m.comb.set(south[j], pe[g.R - 1][j].drainOut);
  return { module: m, west, north, capture, south };
}
