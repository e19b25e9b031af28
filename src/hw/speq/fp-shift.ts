/**
 * The shifters and the leading-zero counter of the FP datapaths, built as logarithmic stages of
 * constant shifts and 2:1 muxes so that no intermediate is wider than the datapath itself (a
 * variable `shl` widens by 2^bits - 1, which would push a 28-bit significand past 52 bits).
 */
import { Expr, Module, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { wire } from "./fp-format.js";

/** Bits of a shift amount that can say 0..w (a shift by w or more clears a w-bit value). */
export const shiftBits = (w: number): number => bitsFor(w + 1);

/**
 * x << amt, keeping x's width (the caller guarantees no set bit is shifted out, as after a
 * leading-zero count). amt is unsigned; its bits select stages of 1, 2, 4, ... places.
 */
export function shiftLeftKeep(m: Module, x: Expr, amt: Expr, tag: string): Expr {
  const w = x.width;
  let v: Expr = x;
  for (let k = 0; k < amt.width; k++) {
    const by = 2 ** k;
    const shifted = by >= w ? constant(0, u(w)) : cat(v.slice(w - 1 - by, 0), constant(0, u(by)));
    v = wire(m, `${tag}_l${k}`, mux(amt.bit(k), shifted, v));
  }
  return v;
}

/**
 * x >> amt with every shifted-out 1 OR-ed into `sticky` (returned separately). amt is unsigned;
 * any amount works (stages past x's width clear it).
 */
export function shiftRightSticky(m: Module, x: Expr, amt: Expr, tag: string): { value: Expr; sticky: Expr } {
  const w = x.width;
  let v: Expr = x, sticky: Expr = constant(0, u(1));
  for (let k = 0; k < amt.width; k++) {
    const by = 2 ** k;
    const lost = by >= w ? v.bool() : v.slice(by - 1, 0).bool();
    const shifted = by >= w ? constant(0, u(w)) : cat(constant(0, u(by)), v.slice(w - 1, by));
    sticky = wire(m, `${tag}_s${k}`, sticky.or(amt.bit(k).and(lost)));
    v = wire(m, `${tag}_r${k}`, mux(amt.bit(k), shifted, v));
  }
  return { value: v, sticky };
}

/**
 * Leading zeros of x (w bits), w when x = 0: shiftBits(w) bits. The classic tree (as SOFA's LZC,
 * src/hw/sofa/lzc.ts) over x padded to a power of two with ones below, so that the count of a
 * zero x stops at w.
 */
export function leadingZeros(m: Module, x: Expr, tag: string): Expr {
  const w = x.width;
  const p2 = 2 ** Math.ceil(Math.log2(Math.max(2, w)));
  const padded = p2 === w ? x : cat(x, constant(2 ** (p2 - w) - 1, u(p2 - w)));
  const tree = (hi: number, lo: number): { zero: Expr; lz: Expr } => {
    const n = hi - lo + 1;
    if (n === 1) {
      const z = padded.bit(lo).not();
      return { zero: z, lz: z };
    }
    const mid = lo + n / 2;
    const h = tree(hi, mid), l = tree(mid - 1, lo);
    const lzW = Math.log2(n) + 1;
    return { zero: h.zero.and(l.zero), lz: mux(h.zero, l.lz.add(n / 2).resize(lzW), h.lz.resize(lzW)) };
  };
  const lz = tree(p2 - 1, 0).lz; // <= w by the padding
  return wire(m, `${tag}_lz`, lz.resize(shiftBits(w)));
}
