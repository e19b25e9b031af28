/**
 * Bit-vector building blocks the router is made of. The router keeps per-VC state as bit vectors
 * (one bit per VC) and packed fields (one small counter per VC in one register), so that one
 * expression updates every VC at once: that is how a 5-port, 8-VC router stays about a hundred
 * simulated statements per cycle. All of this is plain synthesizable logic.
 *
 * Simulation cost note: an expression object used in two places becomes a stored temporary (one
 * more statement per cycle). Helpers here therefore take thunks (`() => Expr`) where they need a
 * value more than once, and rebuild it; a few duplicated gates are cheaper than a stored value.
 */
import { Expr, bitsFor, cat, constant, lit, mux, u } from "../../hdl/index.js";

export type Thunk = () => Expr;

/** `e` as an unsigned value of exactly `n` bits (wraps when wider, zero-extends when narrower). */
export function uN(e: Expr, n: number): Expr {
  const t = e.width > n ? e.trunc(n) : e;
  const v = t.asUnsigned();
  return v.width < n ? v.resize(n) : v;
}

/** The lowest set bit of x() (0 when it is 0), same width: x & (~x + 1). */
export function lowestBit(x: Thunk): Expr {
  const a = x();
  return uN(a.and(x().not().add(1)), a.width);
}

/**
 * 1 when x is not 0, without a comparison: the carry out of x + (2^w - 1). (Comparisons become
 * branches in the simulator's generated code; on data-dependent values those mispredict.)
 */
export function nonZero(x: Expr): Expr {
  const w = x.width;
  if (w === 1 && !x.signed) return x;
  return uN(x.asUnsigned().add(2 ** w - 1).shr(w), 1);
}

/** 1 when a == b (unsigned values), without a comparison. */
export function eqBit(a: Expr, b: Expr | number): Expr {
  const bb = typeof b === "number" ? constant(b, u(Math.max(1, a.width))) : b;
  return uN(nonZero(a.asUnsigned().xor(bb.asUnsigned())).xor(1), 1);
}

/** Ring successor of f in 0..depth-1 (depth-1 wraps to 0), without a branch. */
export function ringNext(f: Expr, depth: number): Expr {
  const w = Math.max(1, bitsFor(depth));
  if (depth === 1) return constant(0, u(1));
  if ((depth & (depth - 1)) === 0) return uN(f.add(1), w);
  return uN(f.add(1).sub(eqBit(f, depth - 1).mul(depth)), w);
}

/** x when the 1-bit `bit` is 1, else 0 (a multiply, no branch). */
export function gate(bit: Expr, x: Expr): Expr {
  return uN(x.mul(bit), x.width);
}

/**
 * Round-robin pick over the bits of req(): the lowest request at or above the priority mask
 * prio() wins, otherwise the lowest request. One expression (no stored intermediate). Small
 * arbiters use the double-width trick (no branch): the lowest set bit of (req << n | req & prio).
 */
export function rrPick(req: Thunk, prio: Thunk): Expr {
  const n = req().width;
  if (2 * n <= 30) {
    const both = () => uN(req().shl(n).or(req().and(prio())), 2 * n);
    const g = () => lowestBit(both);
    return uN(g().slice(n - 1, 0).or(g().slice(2 * n - 1, n)), n);
  }
  const masked = () => req().and(prio());
  return mux(masked().bool(), lowestBit(masked), lowestBit(req));
}

/** Priority mask after one-hot `g` (n bits) won: the bits strictly above it (2^n - 2g). */
export function maskAbove(g: Expr, n: number): Expr {
  return uN(lit(2 ** n).sub(g.shl(1)), n);
}

/** One-hot to index: bit k of the result is set when the set bit's index has bit k. */
export function encodeOneHot(g: Thunk, width: number, bits = bitsFor(width)): Expr {
  const parts: Expr[] = [];
  for (let k = bits - 1; k >= 0; k--) {
    let mask = 0n;
    for (let i = 0; i < width; i++) if ((i >> k) & 1) mask |= 1n << BigInt(i);
    parts.push(mask === 0n ? constant(0, u(1)) : nonZero(g().and(constant(mask, u(width)))));
  }
  return cat(...parts);
}

/** 2^idx as a `width`-bit one-hot vector, for an index known to be < width. */
export function oneHot(idx: Expr, width: number): Expr {
  if (width === 1) return constant(1, u(1));
  if (2 ** idx.width <= 32) return uN(lit(1).shl(idx), width);
  return uN(placeField(constant(1, u(1)), idx, 1, width), width);
}

/** Field `idx` (of `fw` bits, fields starting at bit `base`) of packed `x`. */
export function field(x: Expr, idx: Expr | number, fw: number, base = 0): Expr {
  if (typeof idx === "number") return x.slice(base + idx * fw + fw - 1, base + idx * fw);
  if (x.width === fw && base === 0) return x;
  const sh = base === 0 ? idx.mul(fw) : idx.mul(fw).add(base);
  return x.shr(sh).trunc(fw);
}

/**
 * `v * 2^(idx * fw)`: a value placed at field `idx` of a packed vector of `count` fields. A chain of
 * constant shifts selected by idx keeps widths exact (a variable shift would widen by 2^idxbits).
 */
export function placeField(v: Expr, idx: Expr, fw: number, count: number): Expr {
  const w = fw * count + (v.signed ? 1 : 0);
  const at = (k: number) => (k === 0 ? v : v.shl(k * fw)).resize(w);
  let e = at(count - 1);
  for (let k = count - 2; k >= 0; k--) e = mux(idx.eq(k), at(k), e);
  return e;
}

/**
 * For a one-hot `h` (count bits), 2^(fw * index of its bit): the one-hot spread to field starts.
 * A sum of masked, shifted copies (no index needed).
 */
export function spreadOneHot(h: Thunk, fw: number, count: number): Expr {
  if (count === 1) return h();
  let e: Expr | undefined;
  for (let v = 0; v < count; v++) {
    const bitv = h().and(constant(2 ** v, u(count)));
    const t = v * fw - v === 0 ? bitv : bitv.shl(v * fw - v);
    e = e ? e.add(t) : t;
  }
  return uN(e!, fw * (count - 1) + 1);
}

/**
 * `v * 2^(idx * fw)` for idx < count: a variable shift where the widths stay within 52 bits (one
 * multiply by a power-of-two table in simulation), else the chain of placeField.
 */
export function shiftToField(v: Expr, idx: Expr, fw: number, count: number): Expr {
  const maxAmt = (count - 1) * fw;
  if (maxAmt === 0) return v;
  const ab = bitsFor(maxAmt + 1);
  if (v.width + 2 ** ab - 1 <= 52) return v.shl(uN(idx.mul(fw), ab));
  return placeField(v, idx, fw, count);
}

/** How far a ring pointer moves to step from `f`: +1, or -(depth-1) to wrap to 0 (signed). */
export function ringDelta(f: Expr, depth: number): Expr {
  return mux(f.eq(depth - 1), lit(-(depth - 1)), lit(1));
}

/** OR of several expressions (0 of `width` bits when empty). */
export function orAll(xs: readonly Expr[], width: number): Expr {
  if (xs.length === 0) return constant(0, u(width));
  return uN(xs.reduce((a, b) => a.or(b)), width);
}

/** `x` replicated at every `stride` bits, `count` times (one multiply; x must be < 2^stride). */
export function replicate(x: Expr, stride: number, count: number): Expr {
  if (count === 1) return x;
  let k = 0n;
  for (let i = 0; i < count; i++) k |= 1n << BigInt(i * stride);
  return uN(x.mul(constant(k, u(stride * (count - 1) + 1))), stride * (count - 1) + x.width);
}

/** A constant with `value` in each of `count` fields of `fw` bits. */
export function packedConst(value: number, fw: number, count: number): bigint {
  let r = 0n;
  for (let i = 0; i < count; i++) r |= BigInt(value) << BigInt(i * fw);
  return r;
}

/** Nonzero test of every field: bit v set when field v of `x` (fw bits each) is not 0. */
export function fieldsNonZero(x: Thunk, fw: number, count: number): Expr {
  const parts: Expr[] = [];
  for (let v = count - 1; v >= 0; v--) parts.push(field(x(), v, fw).bool());
  return cat(...parts);
}
