/**
 * SPEQ's format converters (papers.md section 2: FP16 weights and activations, FP32 accumulation):
 * the FP32 results go back to FP16 for the next layer, and FP16 values widen into the FP32 path.
 *
 * f32 -> f16 (speq_f32_to_f16): round to nearest even, subnormal results, overflow to infinity,
 * binary32 subnormal inputs (below 2^-126, far under half the smallest binary16 subnormal 2^-25)
 * to signed zero, infinities kept, any NaN -> the canonical quiet NaN 0x7e00. Equals golden
 * f32ToF16 for every input. A normal input 1.f x 2^(e-127) is the 24-bit significand with a
 * biased binary16 exponent e - 112 (-111 .. 142), so one round-and-pack (fp-round.ts) does it all.
 *
 * f16 -> f32 (speq_f16_to_f32): exact; subnormal binary16 values become normal binary32 (shift
 * the significand up by its leading-zero count, exponent 113 - lz), NaN -> 0x7fc00000. Equals
 * golden f16ToF32 for every input.
 *
 * Ports (combinational, latency 0): speq_f32_to_f16 a u32 -> y u16; speq_f16_to_f32 a u16 -> y u32.
 */
import { Module, cat, constant, mux, s, u } from "../../hdl/index.js";
import { FP16, FP32, decode, qnan, wire } from "./fp-format.js";
import { roundPack } from "./fp-round.js";
import { leadingZeros, shiftLeftKeep } from "./fp-shift.js";

export function makeF32ToF16(): Module {
  const m = new Module("speq_f32_to_f16");
  const a = m.input("a", u(32));
  const y = m.output("y", u(16));
  const f = decode(m, a, FP32, "f2h");
  // Exponent field 0: a zero or a binary32 subnormal, which rounds to a signed zero.
  const tiny = wire(m, "f2h_tiny", a.slice(30, 23).eq(0));
  const exp = m.signal(m.freshName("f2h_exp16"), s(9));
  m.comb.set(exp, f.exp.sub(112));
  const rounded = roundPack(m, FP16, { sign: f.sign, exp, sig: f.sig, sticky: constant(0, u(1)) }, "f2h");
  const inf = cat(f.sign, constant(0x7c00, u(15)));
  const zero = cat(f.sign, constant(0, u(15)));
  m.comb.set(y, mux(f.isNaN, qnan(FP16), mux(f.isInf, inf, mux(tiny, zero, rounded))));
  return m;
}

export function makeF16ToF32(): Module {
  const m = new Module("speq_f16_to_f32");
  const a = m.input("a", u(16));
  const y = m.output("y", u(32));
  const f = decode(m, a, FP16, "h2f");
  // lz is 0 for normals, 1..10 for subnormals (11 for zero, handled below).
  const lz = leadingZeros(m, f.sig, "h2f");
  const norm = shiftLeftKeep(m, f.sig, lz, "h2f_norm");
  // Biased binary32 exponent exp + 112 - lz: 113..142 for normals, 103..112 for subnormals.
  const exp = wire(m, "h2f_exp32", f.exp.add(112).sub(lz).slice(7, 0));
  const normal = cat(f.sign, exp, norm.slice(9, 0), constant(0, u(13)));
  const inf = cat(f.sign, constant(0xff, u(8)), constant(0, u(23)));
  const zero = cat(f.sign, constant(0, u(31)));
  m.comb.set(y, mux(f.isNaN, qnan(FP32), mux(f.isInf, inf, mux(f.isZero, zero, normal))));
  return m;
}
