/**
 * SPEQ's FP32 comparator, the heart of the argmax that picks the next token from the logits
 * (papers.md section 2: greedy verification; golden argmaxF32 in src/golden/speq.ts: NaN never
 * wins, ties keep the lower index, so the unit answers strictly greater). gt = 1 iff neither
 * operand is NaN and a > b as real numbers: +0 and -0 are equal, infinities are ordered. Equals
 * golden f32Greater for every pair of inputs.
 *
 * Why no subtractor: binary32 magnitudes order as their low 31 bits do (infinity above every
 * finite value, NaNs above infinity), so a > b is one unsigned compare chosen by the signs:
 * both positive |a| > |b|, both negative |b| > |a|, a positive and b negative unless both are zero.
 *
 * Ports (combinational, latency 0): a u32, b u32 -> gt u1.
 */
import { Module, mux, u } from "../../hdl/index.js";
import { wire } from "./fp-format.js";

export function makeF32Greater(): Module {
  const m = new Module("speq_f32_gt");
  const a = m.input("a", u(32)), b = m.input("b", u(32));
  const gt = m.output("gt", u(1));
  const magA = a.slice(30, 0), magB = b.slice(30, 0);
  const sa = a.bit(31), sb = b.bit(31);
  const nan = wire(m, "gt_nan", magA.gt(0x7f800000).or(magB.gt(0x7f800000)));
  const bothZero = wire(m, "gt_zeros", magA.or(magB).eq(0));
  const aMag = wire(m, "gt_mag_a", magA.gt(magB)), bMag = wire(m, "gt_mag_b", magB.gt(magA));
  const ordered = mux(sa.xor(sb), sb.and(bothZero.not()), mux(sa, bMag, aMag));
  m.comb.set(gt, nan.not().and(ordered));
  return m;
}
