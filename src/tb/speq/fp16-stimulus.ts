/**
 * Operands for the `speq-fp16` testbench, and the classification of the cases it hits (NaN,
 * subnormal, tie, overflow) for its metrics. Pure functions of a seeded PRNG.
 *
 * Kinds of operand pairs:
 *   moderate  finite values of realistic scale (binary16 exponent field 9..21, i.e. |v| in
 *             2^-6 .. 2^7: weights and activations), so dot products stay finite;
 *   bits      uniformly random bit patterns (all exponents, ~3% Inf/NaN in binary16);
 *   near      the second operand's exponent within 2 of the first (cancellation when signs differ),
 *             a quarter of the time for the adders the same magnitude or one ulp away (x - x = +0,
 *             and equal values for the FP32 comparator on the same operands);
 *   tie       pairs whose exact result lies halfway between two neighbours (rounding to even);
 *   edge      both operands from the edge set (zeros, subnormals, the normal boundary, one, the
 *             largest finite, infinities, quiet and signalling NaNs, both signs), a quarter of the
 *             time both from its special values (so -0 + -0, Inf - Inf, 0 x Inf come up often).
 *
 * The FP32 -> FP16 converter's operand w has kinds of its own (what is hard for it is where
 * binary16 ends, not where binary32 does): random mode mixes values across binary16's range
 * (2^-26 .. 2^17, so its subnormals and overflow), random bits, binary16 rounding ties (normal and
 * subnormal) and values within a few binary32 ulps of 65504 / 65520 / 65536; edges picks from
 * EDGES_CVT32 (those boundaries exactly, ties, binary32 subnormals, zeros, infinities, NaNs).
 */
import { randInt } from "../harness.js";

export type Fp16Mode = "random" | "edges" | "mixed";
export const FP16_MODES: readonly Fp16Mode[] = ["random", "edges", "mixed"];

const withNeg = (xs: number[], signBit: number): number[] => [...xs, ...xs.map((x) => (x | signBit) >>> 0)];

/** binary16 edge cases, both signs. */
export const EDGES16: readonly number[] = withNeg(
  [0x0000, 0x0001, 0x0002, 0x0003, 0x01ff, 0x0200, 0x03ff, 0x0400, 0x0401, 0x07ff, 0x0800, 0x1400, 0x2000, 0x3555,
    0x3bff, 0x3c00, 0x3c01, 0x3e00, 0x3fff, 0x4000, 0x5800, 0x5bff, 0x7800, 0x7bfe, 0x7bff, 0x7c00, 0x7c01, 0x7d00, 0x7e00, 0x7fff],
  0x8000,
);

/** binary32 edge cases, both signs. */
export const EDGES32: readonly number[] = withNeg(
  [0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x003fffff, 0x00400000, 0x007fffff, 0x00800000, 0x00800001, 0x00ffffff,
    0x01000000, 0x0b800000, 0x33800000, 0x337fffff, 0x3f000000, 0x3f7fffff, 0x3f800000, 0x3f800001, 0x3fc00000, 0x4b7fffff,
    0x4b800000, 0x4c000000, 0x7effffff, 0x7f000000, 0x7f7ffffe, 0x7f7fffff, 0x7f800000, 0x7f800001, 0x7fc00000, 0x7fffffff],
  0x80000000,
);

/**
 * binary32 edge cases for the FP32 -> FP16 converter, both signs: zeros and binary32 subnormals
 * (-> signed zero); around half the smallest binary16 subnormal 2^-25 (a tie to 0) and 1.5 / 2.5
 * x 2^-24 (ties to 2 x 2^-24); the binary16 subnormal/normal boundary (1023.5 x 2^-24 rounds up
 * into the smallest normal); ties at 1.0; just below 2.0 (carries into the exponent); 65504, the
 * overflow threshold 65520 and its neighbours, 65536; the largest binary32; infinities and NaNs.
 */
export const EDGES_CVT32: readonly number[] = withNeg(
  [0x00000000, 0x00000001, 0x007fffff, 0x00800000, 0x32ffffff, 0x33000000, 0x33000001, 0x33800000, 0x33c00000, 0x34200000,
    0x387fc000, 0x387fdfff, 0x387fe000, 0x387ff000, 0x38800000, 0x3f800000, 0x3f800fff, 0x3f801000, 0x3f801001, 0x3f803000,
    0x3fffffff, 0x477fdfff, 0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0x7f7fffff, 0x7f800000, 0x7f800001,
    0x7fc00000, 0x7fffffff],
  0x80000000,
);

/** The special values (zeros, infinities, a NaN, the smallest subnormals), so their pairs, such as -0 + -0 or Inf - Inf, come up often. */
const SPECIAL16: readonly number[] = [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x0001, 0x8001];
const SPECIAL32: readonly number[] = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001, 0x80000001];

interface Fmt {
  readonly width: number;
  readonly expBits: number;
  readonly manBits: number;
  readonly edges: readonly number[];
  readonly specials: readonly number[];
}
const F16: Fmt = { width: 16, expBits: 5, manBits: 10, edges: EDGES16, specials: SPECIAL16 };
const F32: Fmt = { width: 32, expBits: 8, manBits: 23, edges: EDGES32, specials: SPECIAL32 };

const pack = (f: Fmt, sign: number, exp: number, man: number): number => ((sign << (f.width - 1)) | (exp << f.manBits) | man) >>> 0;
const bits = (r: () => number, f: Fmt): number => (f.width === 32 ? Math.floor(r() * 2 ** 32) : randInt(r, 0, 2 ** f.width - 1));
const manOf = (r: () => number, f: Fmt): number => Math.floor(r() * 2 ** f.manBits);
const sgn = (r: () => number): number => (r() < 0.5 ? 1 : 0);
const expOf = (f: Fmt, v: number): number => (v >>> f.manBits) & (2 ** f.expBits - 1);
const pickOf = (r: () => number, xs: readonly number[]): number => xs[randInt(r, 0, xs.length - 1)];

/** An edge pair: a quarter of the time both from the special values, else both from the edge set. */
function edgePair(r: () => number, f: Fmt): [number, number] {
  const set = r() < 0.25 ? f.specials : f.edges;
  return [pickOf(r, set), pickOf(r, set)];
}

/** A moderate value: binary16 |v| in 2^-6 .. 2^7; for binary32 the same scale range widened (2^-40 .. 2^40). */
function moderate(r: () => number, f: Fmt): number {
  const b = 2 ** (f.expBits - 1) - 1, span = f.width === 16 ? [-6, 6] : [-40, 40];
  return pack(f, sgn(r), b + randInt(r, span[0], span[1]), manOf(r, f));
}

/** A second operand whose exponent field is within 2 of v's (clamped to the finite range). */
function near(r: () => number, f: Fmt, v: number): number {
  const e = Math.min(2 ** f.expBits - 2, Math.max(0, expOf(f, v) + randInt(r, -2, 2)));
  return pack(f, sgn(r), e, manOf(r, f));
}

/** v's magnitude, or one ulp above or below it, with a random sign (v moderate: never crosses a boundary). */
function sameMag(r: () => number, f: Fmt, v: number): number {
  const mag = (v & (2 ** (f.width - 1) - 1)) + randInt(r, -1, 1);
  return pack(f, sgn(r), 0, mag);
}

/** Adder tie: y = half an ulp of a normal x (exponent field eX - man - 1, fraction 0), either sign. */
function addTie(r: () => number, f: Fmt): [number, number] {
  const e = randInt(r, f.manBits + 2, 2 ** f.expBits - 2);
  return [pack(f, sgn(r), e, manOf(r, f)), pack(f, sgn(r), e - f.manBits - 1, 0)];
}

/**
 * Multiplier tie candidates: b = +-1.5 x 2^k times an odd-fraction a. a x 1.5 = a + a/2 sets one
 * bit below a's LSB, which is a tie whenever the sum does not carry into a new binade.
 */
function mulTie(r: () => number): [number, number] {
  const ea = randInt(r, 10, 20), eb = randInt(r, 10, 20);
  return [pack(F16, sgn(r), ea, manOf(r, F16) | 1), pack(F16, sgn(r), eb, 0x200)];
}

type Kind = "moderate" | "bits" | "near" | "tie" | "edge";

/** The kind of the next pair: random mixes all but edges; mixed adds 15% edges; edges is only edges. */
function kind(r: () => number, mode: Fp16Mode): Kind {
  if (mode === "edges") return "edge";
  if (mode === "mixed" && r() < 0.15) return "edge";
  const k = r();
  return k < 0.55 ? "moderate" : k < 0.7 ? "bits" : k < 0.85 ? "near" : "tie";
}

function addPair(r: () => number, f: Fmt, mode: Fp16Mode): [number, number] {
  const k = kind(r, mode);
  switch (k) {
    case "edge": return edgePair(r, f);
    case "bits": return [bits(r, f), bits(r, f)];
    case "tie": return addTie(r, f);
    case "near": {
      const x = moderate(r, f);
      return [x, r() < 0.25 ? sameMag(r, f, x) : near(r, f, x)];
    }
    default: return [moderate(r, f), moderate(r, f)];
  }
}

/**
 * A binary16 rounding tie as a binary32 value: biased binary32 exponent e in 102..142, the bit
 * worth half a binary16 ulp set, everything below it clear, random bits above. That bit is
 * fraction bit 12 for binary16 normals (e >= 113) and 125 - e in its subnormal range (e = 102,
 * 2^-25, has it in the hidden bit: fraction 0).
 */
function cvtTie(r: () => number): number {
  const e = randInt(r, 102, 142), k = e >= 113 ? 12 : 125 - e;
  const above = k >= 23 ? 0 : Math.floor(r() * 2 ** (22 - k)) * 2 ** (k + 1);
  return pack(F32, sgn(r), e, k >= 23 ? 0 : above + 2 ** k);
}

/** Within 8 binary32 ulps of 65504, 65520 or 65536 (the overflow boundary), or in 65440 .. 65568. */
function cvtNearOverflow(r: () => number): number {
  const mag = r() < 0.5
    ? pickOf(r, [0x477fe000, 0x477ff000, 0x47800000]) + randInt(r, -8, 8)
    : randInt(r, 0x477fa000, 0x47800000 + 0x40);
  return (mag | (sgn(r) << 31)) >>> 0;
}

/** The FP32 -> FP16 converter's operand. */
function cvtOperand(r: () => number, mode: Fp16Mode): number {
  if (mode === "edges" || (mode === "mixed" && r() < 0.15)) return pickOf(r, EDGES_CVT32);
  const k = r();
  if (k < 0.45) return pack(F32, sgn(r), randInt(r, 127 - 26, 127 + 16), manOf(r, F32)); // 2^-26 .. 2^17
  if (k < 0.6) return bits(r, F32);
  if (k < 0.85) return cvtTie(r);
  return cvtNearOverflow(r);
}

/**
 * Operands of one cycle: (a, b) for the multipliers and the dot product (a also for the FP16 ->
 * FP32 converter), (c, d) FP16 add, (x, y) FP32 add and compare, w the FP32 -> FP16 converter.
 */
export interface Fp16Cycle {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
}

export function nextCycle(r: () => number, mode: Fp16Mode): Fp16Cycle {
  const k = kind(r, mode);
  let a: number, b: number;
  if (k === "edge") [a, b] = edgePair(r, F16);
  else if (k === "bits") [a, b] = [bits(r, F16), bits(r, F16)];
  else if (k === "tie") [a, b] = r() < 0.5 ? mulTie(r) : mulTie(r).reverse() as [number, number];
  else if (k === "near") {
    a = moderate(r, F16);
    b = near(r, F16, a);
  } else [a, b] = [moderate(r, F16), moderate(r, F16)];
  const [c, d] = addPair(r, F16, mode);
  const [x, y] = addPair(r, F32, mode);
  return { a, b, c, d, x, y, w: cvtOperand(r, mode) };
}

// --- classification, for the metrics -------------------------------------------------------

/** Exponent field 0 and fraction nonzero. */
export const isSub16 = (h: number): boolean => (h & 0x7c00) === 0 && (h & 0x3ff) !== 0;
export const isSub32 = (w: number): boolean => (w & 0x7f800000) === 0 && (w & 0x7fffff) !== 0;
export const isNaN32 = (w: number): boolean => (w & 0x7f800000) === 0x7f800000 && (w & 0x7fffff) !== 0;

/**
 * True when the exact value v (a finite double holding it exactly) lies halfway between two
 * neighbours of the format with `man` fraction bits and minimum normal exponent `emin`, below the
 * overflow threshold 2^(emax+1).
 */
export function isTie(v: number, man: number, emin: number, emax: number): boolean {
  const a = Math.abs(v);
  if (!Number.isFinite(a) || a === 0 || a >= 2 ** (emax + 1)) return false;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const q = a / 2 ** (Math.max(e, emin) - man); // exact: scaling by a power of two
  return q - Math.floor(q) === 0.5;
}

/** The exact sum of two doubles when it is a double (TwoSum error term zero), else undefined. */
export function exactSum(p: number, q: number): number | undefined {
  const s = p + q;
  if (!Number.isFinite(s)) return undefined;
  const bb = s - p, err = (p - (s - bb)) + (q - bb);
  return err === 0 ? s : undefined;
}
