/**
 * Round to nearest even and pack, shared by every SPEQ FP unit. The input is an exact (or
 * sticky-summarised) magnitude sig * 2^(exp - bias - (W - 1)) with sig normalised (bit W-1 set;
 * a zero sig is the caller's special case) and a signed biased exponent that may be <= 0 (the
 * result is subnormal or underflows) or >= expMax (it overflows).
 *
 * Why one adder does it all: the packed magnitude is (eField << man) + top + inc, where top is
 * the man+1 bits from the hidden bit down. For a normal result eField = exp - 1 and the hidden bit
 * adds the missing 1 to the exponent field; for a subnormal one sig is first shifted right by
 * 1 - exp (bits lost go to sticky), eField = 0 and the hidden position holds 0. A carry out of
 * the fraction on rounding then lands in the exponent field by itself: 0x3ff + 1 becomes the
 * smallest normal, 1.111..1 x 2^e becomes 1.0 x 2^(e+1), and the largest finite becomes infinity.
 */
import { Expr, Module, cat, constant, mux, u } from "../../hdl/index.js";
import { FpFormat, expMax, fpWidth, wire } from "./fp-format.js";
import { shiftBits, shiftRightSticky } from "./fp-shift.js";

export interface RoundInput {
  readonly sign: Expr;
  /** Signed biased exponent of sig's MSB. */
  readonly exp: Expr;
  /** Normalised significand, at least manBits + 2 bits (hidden, fraction, guard). */
  readonly sig: Expr;
  /** 1 when nonzero bits below sig were dropped earlier. */
  readonly sticky: Expr;
}

/** The rounded result as a fpWidth(f)-bit pattern (infinity on overflow; never NaN). */
export function roundPack(m: Module, f: FpFormat, r: RoundInput, tag: string): Expr {
  const W = r.sig.width, man = f.manBits, E = r.exp.width;
  if (W < man + 2) throw new Error(`roundPack(${tag}): significand of ${W} bits is narrower than ${man + 2} (hidden + fraction + guard)`);
  if (!r.exp.signed) throw new Error(`roundPack(${tag}): exponent must be signed (it can be <= 0)`);
  const tiny = wire(m, `${tag}_tiny`, r.exp.lt(1));
  // Subnormal: shift right by 1 - exp, clamped to the largest amount the shifter takes (>= W clears sig).
  const sb = shiftBits(W), maxAmt = 2 ** sb - 1;
  const d = constant(1, u(1)).sub(r.exp);
  const amt = wire(m, `${tag}_dn`, mux(tiny, mux(d.gt(maxAmt), constant(maxAmt, u(sb)), d.slice(sb - 1, 0)), constant(0, u(sb))));
  const { value: s, sticky: lost } = shiftRightSticky(m, r.sig, amt, `${tag}_dn`);
  const top = s.slice(W - 1, W - 1 - man);
  const guard = s.bit(W - 2 - man);
  const below = W - 3 - man >= 0 ? s.slice(W - 3 - man, 0).bool() : constant(0, u(1));
  const rest = below.or(lost).or(r.sticky);
  const inc = guard.and(rest.or(top.bit(0)));
  const eField = mux(tiny, constant(0, u(E - 1)), r.exp.sub(1).slice(E - 2, 0));
  const packed = wire(m, `${tag}_packed`, cat(eField, constant(0, u(man))).add(top).add(inc));
  const infMag = BigInt(expMax(f)) << BigInt(man);
  const w = fpWidth(f);
  const mag = mux(packed.ge(infMag), constant(infMag, u(w - 1)), packed.resize(w - 1));
  return wire(m, `${tag}_rounded`, cat(r.sign, mag));
}
