/**
 * A binary floating-point adder for any IEEE format, round to nearest even: the datapath behind
 * fp32-add.ts (the FP32 accumulator of SPEQ's dot products) and fp16-add.ts.
 *
 * Classic single-path design, combinational:
 *   1. swap so that X has the larger magnitude (compare exponent-and-fraction as one integer);
 *   2. extend both significands by 3 bits (guard, round, sticky) and shift Y right by eX - eY,
 *      OR-ing what falls off into the sticky bit: with two guard bits plus sticky, add and subtract
 *      round exactly as the infinitely precise result (massive cancellation only happens for
 *      eX - eY <= 1, when nothing was shifted past the guard bits);
 *   3. add or subtract (never negative after the swap), W = man + 5 bits;
 *   4. normalise by the leading-zero count, exponent eX + 1 - lz, then fp-round.ts.
 * Specials: NaN in or Inf + -Inf -> canonical quiet NaN; Inf -> that Inf; an exact zero sum is +0
 * unless both operands are -0 (round to nearest: x + (-x) = +0).
 */
import { Module, Signal, cat, constant, mux, s, u } from "../../hdl/index.js";
import { FpFormat, decode, expMax, fpWidth, qnan, wire } from "./fp-format.js";
import { leadingZeros, shiftBits, shiftLeftKeep, shiftRightSticky } from "./fp-shift.js";
import { roundPack } from "./fp-round.js";

export interface FpAdderPorts {
  readonly module: Module;
  readonly a: Signal;
  readonly b: Signal;
  readonly y: Signal;
}

/** Module `name` with ports a, b -> y, all fpWidth(f) bits, combinational. */
export function makeFpAdder(f: FpFormat, name: string): FpAdderPorts {
  const w = fpWidth(f), man = f.manBits;
  const m = new Module(name);
  const a = m.input("a", u(w)), b = m.input("b", u(w));
  const y = m.output("y", u(w));
  const fa = decode(m, a, f, "a"), fb = decode(m, b, f, "b");

  // 1. X = larger magnitude (ties: either; the signs then differ or the sum is just doubled).
  const swap = wire(m, "swap", b.slice(w - 2, 0).gt(a.slice(w - 2, 0)));
  const pick = <T extends keyof typeof fa>(k: T, big: boolean) => wire(m, `${big ? "x" : "y"}_${k}`, big ? mux(swap, fb[k], fa[k]) : mux(swap, fa[k], fb[k]));
  const xSign = pick("sign", true), xExp = pick("exp", true), xSig = pick("sig", true);
  const ySign = pick("sign", false), yExp = pick("exp", false), ySig = pick("sig", false);

  // 2. Align Y: shift by eX - eY (>= 0), clamped to what the shifter takes (past W - 1 only sticky remains).
  const W = man + 4; // hidden + fraction + guard + round + sticky
  const sb = shiftBits(W), maxAmt = 2 ** sb - 1;
  const diff = xExp.sub(yExp).asUnsigned().trunc(f.expBits);
  const amt = wire(m, "align_amt", mux(diff.gt(maxAmt), constant(maxAmt, u(sb)), diff.resize(sb)));
  const yExt = cat(ySig, constant(0, u(3)));
  const al = shiftRightSticky(m, yExt, amt, "align");
  const yAl = wire(m, "y_aligned", cat(al.value.slice(W - 1, 1), al.value.bit(0).or(al.sticky)));
  const xExt = cat(xSig, constant(0, u(3)));

  // 3. Effective operation.
  const sub = wire(m, "eff_sub", xSign.xor(ySign));
  const sum = m.signal("sum", u(W + 1));
  m.comb.set(sum, mux(sub, xExt.sub(yAl).asUnsigned().trunc(W + 1), xExt.add(yAl)));

  // 4. Normalise and round. The value is sum / 2^(W-1) * 2^(eX - bias): MSB-aligned at bit W the
  // biased exponent is eX + 1 - lz.
  const lz = leadingZeros(m, sum, "sum");
  const norm = shiftLeftKeep(m, sum, lz, "norm");
  const eBits = f.expBits + 2;
  const exp = m.signal("norm_exp", s(eBits));
  m.comb.set(exp, xExp.add(1).sub(lz).resize(eBits));
  const rounded = roundPack(m, f, { sign: xSign, exp, sig: norm, sticky: constant(0, u(1)) }, "sum");

  const infMag = constant(BigInt(expMax(f)) << BigInt(man), u(w - 1));
  const nan = fa.isNaN.or(fb.isNaN).or(fa.isInf.and(fb.isInf).and(sub));
  const zeroSum = wire(m, "zero_sum", sum.eq(0));
  m.comb.set(
    y,
    mux(nan, qnan(f),
      mux(fa.isInf.or(fb.isInf), cat(xSign, infMag),
        mux(zeroSum, cat(fa.sign.and(fb.sign), constant(0, u(w - 1))), rounded))),
  );
  return { module: m, a, b, y };
}
