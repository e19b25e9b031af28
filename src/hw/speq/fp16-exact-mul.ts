/**
 * SPEQ's exact FP16 product for FP32 accumulation (papers.md section 2: FP16 products, FP32
 * accumulate): binary16 x binary16 -> binary32 holding the product exactly (11 x 11 significand
 * bits fit in 24; the exponent always lands in binary32's normal range, see fp-product.ts), so
 * no rounding logic at all. Equals golden f16MulExactF32 for every pair of inputs; NaN -> 0x7fc00000.
 *
 * Ports (combinational, latency 0): a u16, b u16 -> y u32.
 */
import { Module, cat, constant, mux, u } from "../../hdl/index.js";
import { FP32, qnan, wire } from "./fp-format.js";
import { fp16Product } from "./fp-product.js";

export function makeFp16ExactMul(): Module {
  const m = new Module("speq_fp16_exact_mul");
  const a = m.input("a", u(16)), b = m.input("b", u(16));
  const y = m.output("y", u(32));
  const p = fp16Product(m, a, b, "xmul");
  // Biased binary32 exponent eA + eB + 98 - lz is 79..158: 8 bits, never 0 or 255.
  const exp = wire(m, "xmul_exp32", p.expSum.add(98).slice(7, 0));
  // The 21 bits below the hidden bit, then two zeros: the 23-bit fraction.
  const normal = cat(p.sign, exp, p.sig.slice(20, 0), constant(0, u(2)));
  const inf = cat(p.sign, constant(0xff, u(8)), constant(0, u(23)));
  const zero = cat(p.sign, constant(0, u(31)));
  m.comb.set(y, mux(p.nan, qnan(FP32), mux(p.inf, inf, mux(p.zero, zero, normal))));
  return m;
}
