/**
 * SPEQ's FP16 multiplier (papers.md section 2: the verify pass multiplies FP16 weights by FP16
 * activations): binary16 x binary16 -> binary16, round to nearest even, subnormals in and out,
 * signed zeros, infinities, any NaN in -> the canonical quiet NaN 0x7e00. Equals golden f16Mul
 * (src/golden/fp16.ts) for every pair of inputs.
 *
 * Ports (combinational, latency 0): a u16, b u16 -> y u16.
 *
 * Datapath: the exact normalised 22-bit product (fp-product.ts), then one round-and-pack
 * (fp-round.ts) with guard at bit 10 and sticky below: a product never needs more than one pass.
 */
import { Module, cat, constant, mux, u } from "../../hdl/index.js";
import { FP16, qnan, wire } from "./fp-format.js";
import { fp16Product } from "./fp-product.js";
import { roundPack } from "./fp-round.js";

export function makeFp16Mul(): Module {
  const m = new Module("speq_fp16_mul");
  const a = m.input("a", u(16)), b = m.input("b", u(16));
  const y = m.output("y", u(16));
  const p = fp16Product(m, a, b, "mul");
  const exp = wire(m, "mul_exp16", p.expSum.sub(14).resize(8));
  const rounded = roundPack(m, FP16, { sign: p.sign, exp, sig: p.sig, sticky: constant(0, u(1)) }, "mul");
  const special = mux(p.nan, qnan(FP16), cat(p.sign, mux(p.inf, constant(0x7c00, u(15)), constant(0, u(15)))));
  m.comb.set(y, mux(p.nan.or(p.inf).or(p.zero), special, rounded));
  return m;
}
