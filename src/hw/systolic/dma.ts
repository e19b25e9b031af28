/**
 * Walking the real words of a matrix (selective read / selective write of XY-Serve's virtual
 * padding): the load and store units step through the words of their walks (geometry.ts) in the
 * orders of tables.ts, one global-memory request per cycle, asking only for the real lanes of
 * each word.
 */
import { Expr, mux } from "../../hdl/index.js";
import type { Walk } from "./geometry.js";
import { COORD_BITS } from "./gmem-port.js";
import { affine, fit } from "./rtl-util.js";

export interface WalkFields {
  readonly row: Expr;
  readonly col: Expr;
  readonly count: Expr;
  readonly addr: Expr;
}

/** Request fields of word (o, x) of a walk. */
export function walkFields(w: Walk, o: Expr, x: Expr, countBits: number, addrBits: number): WalkFields {
  return {
    row: affine(COORD_BITS, 0, [o, w.ro], [x, w.rx]),
    col: affine(COORD_BITS, 0, [o, w.co], [x, w.cx]),
    count: fit(mux(o.eq(w.outer - 1), w.countLast, w.countFull), countBits),
    addr: affine(addrBits, 0, [o, w.ao], [x, w.ax]),
  };
}
