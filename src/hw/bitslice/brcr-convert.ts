/**
 * An index converter (papers.md section 4): turns its slice of a match bitmap into column indices,
 * one per cycle, lowest first, so its addition-merge unit can fetch those activations.
 *
 * Ports:
 *   load u1      take `bitmap` this cycle (the first cycle of a key) instead of what is left
 *   bitmap u(S)  this converter's slice of the CAM's match bitmap
 *   step u1      the cycle counts: keep what is left after this cycle's index (else hold)
 *   valid u1     an index this cycle (the current bitmap is not empty)
 *   index u(bitsFor(S))  the lowest set position of the current bitmap (0 when none)
 *   more u1      bits are left after this cycle's index
 * The current bitmap is `load ? bitmap : left`; all outputs are combinational in it.
 */
import { Module, Signal, bitsFor, u } from "../../hdl/index.js";
import { oneHotIndex } from "./brcr-rtl.js";

export interface IndexConverterPorts {
  readonly module: Module;
  readonly load: Signal;
  readonly bitmap: Signal;
  readonly step: Signal;
  readonly valid: Signal;
  readonly index: Signal;
  readonly more: Signal;
}

export function makeIndexConverter(S: number): IndexConverterPorts {
  const m = new Module("brcr_index_converter");
  const load = m.input("load", u(1)), bitmap = m.input("bitmap", u(S)), step = m.input("step", u(1));
  const valid = m.output("valid", u(1)), index = m.output("index", u(bitsFor(S))), more = m.output("more", u(1));
  const left = m.signal("left", u(S));
  const cur = m.signal("cur", u(S)), rest = m.signal("rest", u(S)), lowest = m.signal("lowest", u(S));
  m.comb.set(cur, load.select(bitmap, left));
  // cur & (cur - 1) clears the lowest set bit; cur ^ rest is that bit alone.
  m.comb.set(rest, cur.and(cur.sub(1).trunc(S).asUnsigned()));
  m.comb.set(lowest, cur.xor(rest));
  m.comb.set(valid, cur.reduceOr());
  m.comb.set(index, oneHotIndex(lowest, bitsFor(S)));
  m.comb.set(more, rest.reduceOr());
  m.if(step, () => m.sync.set(left, rest));
  return { module: m, load, bitmap, step, valid, index, more };
}
