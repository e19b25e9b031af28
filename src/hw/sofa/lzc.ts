/**
 * Leading-zero counters for SOFA's DLZS stage (papers.md section 5).
 *
 * `makeLzc8`: an 8-bit leading-zero counter, combinational. Built as the classic tree: each half
 * reports (zero, lz) and a pair of halves gives zero = both zero, lz = the high half's count unless
 * it is all zero, then its width plus the low half's count. Four levels of 2:1 muxes, no priority
 * chain. Ports: x u(8) -> lz u(4) (0..8; 8 when x = 0), zero u(1).
 *
 * `makeLzc16`: the 16-bit LZE of the paper, two 8-bit LZCs in series with AND-ed all-zero flags
 * (instances `hi` on x[15:8], `lo` on x[7:0]): zero = hi.zero & lo.zero, lz = hi.zero ? 8 + lo.lz
 * : hi.lz. Ports: x u(16) -> lz u(5) (0..16; 16 when x = 0), zero u(1).
 *
 * Both equal golden `lz(x, width)` for every input (test/hw/sofa/lzc.test.ts checks all of them).
 */
import { Expr, Module, Signal, cat, constant, mux, u } from "../../hdl/index.js";

export interface LzcPorts {
  readonly module: Module;
  readonly x: Signal;
  readonly lz: Signal;
  readonly zero: Signal;
}

interface LzcNode {
  /** All bits of this slice are 0. */
  readonly zero: Expr;
  /** Leading zeros of this slice (its width when zero), unsigned. */
  readonly lz: Expr;
}

/** The tree over x[hi:lo] (its width a power of two). */
function lzcTree(x: Expr, hi: number, lo: number): LzcNode {
  const w = hi - lo + 1;
  if (w === 1) {
    const z = x.bit(lo).not();
    return { zero: z, lz: z };
  }
  const mid = lo + w / 2;
  const h = lzcTree(x, hi, mid), l = lzcTree(x, mid - 1, lo);
  // Counts run 0..w, so log2(w)+1 bits. When the high half is all zero the count is w/2 + l.lz
  // (an adder of a constant: l.lz = w/2 gives w, the all-zero count).
  const lzW = Math.log2(w) + 1;
  const highZero = l.lz.add(w / 2).resize(lzW);
  return { zero: h.zero.and(l.zero), lz: mux(h.zero, highZero, h.lz.resize(lzW)) };
}

export function makeLzc8(): LzcPorts {
  const m = new Module("lzc8");
  const x = m.input("x", u(8));
  const lz = m.output("lz", u(4));
  const zero = m.output("zero", u(1));
  const t = lzcTree(x, 7, 0);
  m.comb.set(lz, t.lz);
  m.comb.set(zero, t.zero);
  return { module: m, x, lz, zero };
}

export function makeLzc16(): LzcPorts {
  const m = new Module("lzc16");
  const x = m.input("x", u(16));
  const lz = m.output("lz", u(5));
  const zero = m.output("zero", u(1));
  const hi = makeLzc8(), lo = makeLzc8();
  m.submodule("hi", hi.module);
  m.submodule("lo", lo.module);
  m.comb.set(hi.x, x.slice(15, 8));
  m.comb.set(lo.x, x.slice(7, 0));
  m.comb.set(zero, hi.zero.and(lo.zero));
  // In series: the low LZC's count matters only when the high byte is all zero.
  m.comb.set(lz, mux(hi.zero, lo.lz.add(constant(8, u(4))), cat(constant(0, u(1)), hi.lz)));
  return { module: m, x, lz, zero };
}
