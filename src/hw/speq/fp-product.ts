/**
 * The exact product of two binary16 operands, normalised: the common front of the rounding
 * multiplier (fp16-mul.ts) and the exact one (fp16-exact-mul.ts).
 *
 * Each operand is sig * 2^(exp - 25) (sig 11 bits with the hidden bit, exp the effective
 * exponent 1..30), so the product is P * 2^(eA + eB - 50) with P = sigA * sigB < 2^22. P is
 * shifted left by its leading-zero count lz so that its MSB sits at bit 21; the value is then
 * (Pn / 2^21) * 2^(eA + eB - 29 - lz), i.e. a biased binary16 exponent of eA + eB - 14 - lz
 * (-33 .. 46) and a binary32 one of eA + eB + 98 - lz (79 .. 158: always normal, so the binary32
 * product is exact).
 */
import { Expr, Module, s } from "../../hdl/index.js";
import { FP16, decode, wire } from "./fp-format.js";
import { leadingZeros, shiftLeftKeep } from "./fp-shift.js";

export interface Fp16Product {
  readonly sign: Expr;
  /** eA + eB - lz, signed (the caller adds its format's offset). */
  readonly expSum: Expr;
  /** P normalised to bit 21 (0 when the product is 0), 22 bits. */
  readonly sig: Expr;
  /** Finite zero product (a zero operand, neither operand Inf/NaN). */
  readonly zero: Expr;
  readonly inf: Expr;
  /** NaN operand, or 0 x Inf. */
  readonly nan: Expr;
}

export function fp16Product(m: Module, a: Expr, b: Expr, tag: string): Fp16Product {
  const fa = decode(m, a, FP16, `${tag}_a`), fb = decode(m, b, FP16, `${tag}_b`);
  const p = wire(m, `${tag}_p`, fa.sig.mul(fb.sig));
  const lz = leadingZeros(m, p, `${tag}_p`);
  const sig = shiftLeftKeep(m, p, lz, `${tag}_norm`);
  const expSum = m.signal(m.freshName(`${tag}_esum`), s(8));
  m.comb.set(expSum, fa.exp.add(fb.exp).sub(lz).resize(8));
  const anyInf = fa.isInf.or(fb.isInf), anyZero = fa.isZero.or(fb.isZero);
  const nan = wire(m, `${tag}_nan`, fa.isNaN.or(fb.isNaN).or(anyInf.and(anyZero)));
  return {
    sign: wire(m, `${tag}_sign`, fa.sign.xor(fb.sign)),
    expSum,
    sig,
    zero: wire(m, `${tag}_zero`, anyZero.and(anyInf.not()).and(fa.isNaN.or(fb.isNaN).not())),
    inf: wire(m, `${tag}_inf`, anyInf.and(nan.not())),
    nan,
  };
}

