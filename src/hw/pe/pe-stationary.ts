/**
 * Stationary-operand PE, used by both the weight-stationary array (B held, A moves) and the
 * input-stationary array (A held, B moves). The held operand `w` is preloaded through a shift
 * chain running down the column (`w_in` from the PE above, shifting while `load_w` is high). The
 * moving operand `x` goes right one register per PE; the partial sum comes in from the PE above and
 * leaves registered below: psum_out = wrap(psum_in + x * w).
 */
import { Module, Signal, u } from "../../hdl/index.js";
import { macExpr } from "./mac.js";
import type { PeShapes } from "./pe-os.js";

export interface StationaryPeShapes {
  /** The moving operand (enters west). */
  readonly x: PeShapes["a"];
  /** The held operand (preloaded from the north). */
  readonly w: PeShapes["b"];
  readonly acc: PeShapes["acc"];
}

export interface StationaryPePorts {
  readonly x: Signal;
  readonly psumIn: Signal;
  readonly wIn: Signal;
  readonly loadW: Signal;
  readonly xOut: Signal;
  readonly psumOut: Signal;
  readonly wOut: Signal;
}

export function makeStationaryPe(sh: StationaryPeShapes): { module: Module; io: StationaryPePorts } {
  const m = new Module("pe_stationary");
  const x = m.input("x", sh.x), psumIn = m.input("psum_in", sh.acc);
  const wIn = m.input("w_in", sh.w), loadW = m.input("load_w", u(1));
  const xOut = m.output("x_out", sh.x), psumOut = m.output("psum_out", sh.acc);
  // w_out is the held operand itself: the next PE down shifts it in during preload.
  const wOut = m.output("w", sh.w);
  m.sync.set(xOut, x);
  m.sync.set(psumOut, macExpr(psumIn, x, wOut));
  m.if(loadW, () => m.sync.set(wOut, wIn));
  return { module: m, io: { x, psumIn, wIn, loadW, xOut, psumOut, wOut } };
}
