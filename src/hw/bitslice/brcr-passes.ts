/**
 * The pass counter of the BRCR engine: which (plane, tile, group) a pass is, in stream order (plane
 * p = 1..7 outermost, then the column tile, then the group). The load side and the search side
 * each keep one; they differ only in when they advance.
 */
import { Expr, Module, Signal, u } from "../../hdl/index.js";
import { counterBits, fit } from "../systolic/rtl-util.js";
import type { BrcrLayout } from "./brcr-params.js";

export interface PassCounter {
  readonly group: Signal;
  readonly tile: Signal;
  /** p - 1 (0..6). */
  readonly plane: Signal;
  /** This is the group's last group / the plane's last tile / the job's last pass. */
  readonly groupEnd: Expr;
  readonly tileEnd: Expr;
  readonly last: Expr;
}

export function makePassCounter(m: Module, name: string, L: BrcrLayout, restart: Expr, advance: Expr): PassCounter {
  const group = m.signal(`${name}_group`, u(counterBits(L.groups - 1)));
  const tile = m.signal(`${name}_tile`, u(counterBits(L.tiles - 1)));
  const plane = m.signal(`${name}_plane`, u(3));
  const groupEnd = group.eq(L.groups - 1), tileEnd = tile.eq(L.tiles - 1);
  const last = groupEnd.and(tileEnd).and(plane.eq(6));
  m.if(restart, () => {
    m.sync.set(group, 0);
    m.sync.set(tile, 0);
    m.sync.set(plane, 0);
  }).elif(advance, () => {
    m.if(groupEnd, () => {
      m.sync.set(group, 0);
      m.if(tileEnd, () => {
        m.sync.set(tile, 0);
        m.sync.set(plane, fit(plane.add(1), 3));
      }).else(() => m.sync.set(tile, fit(tile.add(1), tile.width)));
    }).else(() => m.sync.set(group, fit(group.add(1), group.width)));
  });
  return { group, tile, plane, groupEnd, tileEnd, last };
}
