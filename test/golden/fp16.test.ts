/**
 * The binary16/binary32 golden against references written independently of it: binary16 rounding
 * by searching the ordered table of every finite binary16 pattern (ties to the even pattern), and
 * binary32 addition in exact integer arithmetic (BigInt units of 2^-149) with its own rounding.
 * Exhaustive where it is cheap, random pairs plus every pair of edge cases otherwise.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { dotF16, f16Add, f16Mul, f16ToF32, f16ToNumber, f32Add, F16_QNAN, F32_QNAN, isNaN16 } from "../../src/golden/fp16.js";
import { f32Greater, f32ToF16 } from "../../src/golden/fp16.js";

const dv = new DataView(new ArrayBuffer(4));
const bitsOf32 = (x: number) => (dv.setFloat32(0, x), dv.getUint32(0));
const valueOf32 = (w: number) => (dv.setUint32(0, w), dv.getFloat32(0));

// ---- reference binary16 rounding: the ordered table of finite non-negative patterns 0x0000..0x7bff
const VALUES = Array.from({ length: 0x7c00 }, (_, p) => {
  const e = p >> 10, m = p & 1023;
  return e === 0 ? m / 2 ** 24 : (1 + m / 1024) * 2 ** (e - 15);
});
function ref16(x: number): number {
  if (Number.isNaN(x)) return F16_QNAN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0, a = Math.abs(x);
  let lo = 0, hi = VALUES.length - 1;
  if (a >= VALUES[hi]) {
    // Above the largest finite: the next "value" is 2^16 (infinity); halfway 65520 ties to even (up).
    return sign | (a - VALUES[hi] < 65536 - a ? hi : 0x7c00);
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (VALUES[mid] <= a) lo = mid;
    else hi = mid - 1;
  }
  const below = VALUES[lo], above = VALUES[lo + 1];
  if (a === below) return sign | lo;
  const dBelow = a - below, dAbove = above - a;
  return sign | (dBelow < dAbove ? lo : dAbove < dBelow ? lo + 1 : lo % 2 === 0 ? lo : lo + 1);
}

// ---- reference binary32 addition in exact integers
function units32(w: number): bigint {
  const e = (w >>> 23) & 255, m = w & 0x7fffff;
  const mag = e === 0 ? BigInt(m) : BigInt(m | 0x800000) << BigInt(e - 1);
  return w >>> 31 ? -mag : mag;
}
function refF32Add(a: number, b: number): number {
  const ea = (a >>> 23) & 255, eb = (b >>> 23) & 255;
  const na = ea === 255, nb = eb === 255;
  if (na || nb) {
    const x = valueOf32(a) + valueOf32(b);
    return Number.isNaN(x) ? F32_QNAN : bitsOf32(x);
  }
  const S = units32(a) + units32(b);
  if (S === 0n) return (a >>> 31) && (b >>> 31) ? 0x80000000 : 0;
  const sign = S < 0n ? 0x80000000 : 0;
  let mag = S < 0n ? -S : S;
  if (mag < 1n << 23n) return (sign | Number(mag)) >>> 0;
  let shift = mag.toString(2).length - 24;
  if (shift > 0) {
    const rem = mag & ((1n << BigInt(shift)) - 1n), half = 1n << BigInt(shift - 1);
    mag >>= BigInt(shift);
    if (rem > half || (rem === half && (mag & 1n) === 1n)) mag += 1n;
    if (mag === 1n << 24n) {
      mag >>= 1n;
      shift++;
    }
  }
  const e = shift + 1;
  if (e >= 255) return (sign | 0x7f800000) >>> 0;
  return (sign | (e << 23) | Number(mag - (1n << 23n))) >>> 0;
}

const EDGES16 = [
  0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x83ff, 0x0400, 0x8400, 0x3c00, 0xbc00, 0x3c01, 0x3bff, 0x7bff, 0xfbff, 0x7c00, 0xfc00,
  0x7e00, 0xfe00, 0x7c01, 0x7fff, 0x3800, 0x4000, 0x0200, 0x1400, 0x5bff, 0x6400, 0x0401, 0x7800, 0x3555, 0x2e66,
];
const f16 = fc.integer({ min: 0, max: 0xffff });
const sameNaN16 = (got: number, want: number) => (isNaN16(want) ? isNaN16(got) : got === want);

describe("binary16 golden", () => {
  it("f16ToF32 is exact for all 65,536 patterns (built from the fields directly)", () => {
    for (let h = 0; h < 0x10000; h++) {
      const s = (h >> 15) << 31, e = (h >> 10) & 31, m = h & 1023;
      let want: number;
      if (e === 31) want = m ? F32_QNAN : (s | 0x7f800000) >>> 0;
      else if (e === 0 && m === 0) want = s >>> 0;
      else if (e === 0) {
        const k = 31 - Math.clz32(m); // leading one of the subnormal mantissa
        want = (s | ((k - 24 + 127) << 23) | ((m << (23 - k)) & 0x7fffff)) >>> 0;
      } else want = (s | ((e - 15 + 127) << 23) | (m << 13)) >>> 0;
      if (f16ToF32(h) !== want) expect([h.toString(16), f16ToF32(h).toString(16)]).toEqual([h.toString(16), want.toString(16)]);
    }
  });

  it("every pair of edge cases: multiply and add equal the table rounding of the exact result", () => {
    for (const a of EDGES16) for (const b of EDGES16) {
      const x = f16ToNumber(a), y = f16ToNumber(b);
      expect(sameNaN16(f16Mul(a, b), ref16(x * y)), `mul ${a.toString(16)} ${b.toString(16)}`).toBe(true);
      expect(sameNaN16(f16Add(a, b), ref16(x + y)), `add ${a.toString(16)} ${b.toString(16)}`).toBe(true);
    }
  });

  it("signed zeros, overflow, ties", () => {
    expect(f16Mul(0x8000, 0x3c00)).toBe(0x8000); // -0 x 1 = -0
    expect(f16Add(0x8000, 0x0000)).toBe(0x0000); // -0 + +0 = +0
    expect(f16Add(0x8000, 0x8000)).toBe(0x8000);
    expect(f16Add(0x3c00, 0xbc00)).toBe(0x0000); // x - x = +0
    expect(f16Mul(0x7bff, 0x4000)).toBe(0x7c00); // 65504 x 2 overflows
    expect(isNaN16(f16Mul(0x7c00, 0x0000))).toBe(true); // inf x 0
    expect(isNaN16(f16Add(0x7c00, 0xfc00))).toBe(true); // inf - inf
    expect(f16Add(0x3c00, 0x1000)).toBe(0x3c00); // 1 + 2^-11: a tie, to even (1.0)
    expect(f16Add(0x3c01, 0x1000)).toBe(0x3c02); // 1+2^-10 + 2^-11: a tie, to even (up)
    expect(f16Mul(0x0001, 0x3800)).toBe(0x0000); // 2^-24 x 0.5: a tie, to even (0)
    expect(f16Mul(0x0003, 0x3800)).toBe(0x0002); // 3 x 2^-25: a tie, to even (2 x 2^-24)
  });

  test.prop([f16, f16], { numRuns: 20000 })("random pairs: multiply and add equal the table rounding", (a, b) => {
    const x = f16ToNumber(a), y = f16ToNumber(b);
    expect(sameNaN16(f16Mul(a, b), ref16(x * y))).toBe(true);
    expect(sameNaN16(f16Add(a, b), ref16(x + y))).toBe(true);
  });
});

describe("binary32 golden", () => {
  const f32 = fc.integer({ min: 0, max: 0xffffffff });
  const edges32 = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x33800000, 0x4b800000, 0x3f800001];
  const same32 = (got: number, want: number) => (Number.isNaN(valueOf32(want)) ? Number.isNaN(valueOf32(got)) : got === want);

  it("every pair of edge cases: f32Add equals exact-integer addition rounded", () => {
    for (const a of edges32) for (const b of edges32) expect(same32(f32Add(a, b), refF32Add(a, b)), `${a.toString(16)} + ${b.toString(16)}`).toBe(true);
  });

  test.prop([f32, f32], { numRuns: 20000 })("random pairs: f32Add equals exact-integer addition rounded", (a, b) => {
    expect(same32(f32Add(a, b), refF32Add(a, b))).toBe(true);
  });

  test.prop([fc.array(fc.tuple(f16, f16), { maxLength: 40 })], { numRuns: 2000 })("dotF16: exact products accumulated in binary32 from +0, left to right", (pairs) => {
    let acc = 0;
    for (const [a, b] of pairs) {
      const p = f16ToNumber(a) * f16ToNumber(b); // exact, and exactly a binary32 value
      acc = refF32Add(acc, Number.isNaN(p) ? F32_QNAN : bitsOf32(p));
    }
    const got = dotF16(pairs.map((x) => x[0]), pairs.map((x) => x[1]));
    expect(same32(got, acc)).toBe(true);
  });

  it("dotF16 of nothing is +0; of -0 products is +0 (the accumulator starts at +0)", () => {
    expect(dotF16([], [])).toBe(0);
    expect(dotF16([0x8000, 0x8000], [0x3c00, 0x3c00])).toBe(0);
  });
});

describe("binary32 <-> binary16 conversion and the binary32 comparator", () => {
  const f32 = fc.integer({ min: 0, max: 0xffffffff });
  // Across binary16's range (2^-26 .. 2^17), where the rounding happens.
  const inRange = fc.tuple(fc.boolean(), fc.integer({ min: 101, max: 144 }), fc.integer({ min: 0, max: 0x7fffff }))
    .map(([neg, e, f]) => ((neg ? 0x80000000 : 0) | (e << 23) | f) >>> 0);
  const edges = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x33000000, 0x33000001, 0x33c00000, 0x387fe000, 0x3f801000, 0x3f803000,
    0x477fe000, 0x477fefff, 0x477ff000, 0xc77ff000, 0x47800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7f800001, 0xffc00000];

  it("f32ToF16 of the edge cases equals the table rounding of the exact value (any NaN -> 0x7e00)", () => {
    for (const w of edges) expect(f32ToF16(w), w.toString(16)).toBe(ref16(valueOf32(w)));
    expect(f32ToF16(0xffc00000)).toBe(F16_QNAN);
  });

  test.prop([fc.oneof(f32, inRange)], { numRuns: 20000 })("f32ToF16 equals the table rounding of the exact value", (w) => {
    expect(f32ToF16(w)).toBe(ref16(valueOf32(w)));
  });

  it("f32ToF16 inverts f16ToF32 on every non-NaN binary16 pattern", () => {
    for (let h = 0; h < 0x10000; h++) if (!isNaN16(h)) expect(f32ToF16(f16ToF32(h))).toBe(h);
  });

  // Reference order on the patterns themselves: sign-magnitude to a signed integer, zeros merged.
  const key = (w: number) => ((w & 0x7fffffff) === 0 ? 0 : w >>> 31 ? -(w & 0x7fffffff) : w & 0x7fffffff);
  const isNaN32 = (w: number) => (w & 0x7fffffff) > 0x7f800000;
  const refGreater = (a: number, b: number) => !isNaN32(a) && !isNaN32(b) && key(a) > key(b);

  it("f32Greater on every pair of edge cases equals the order of the patterns", () => {
    for (const a of edges) for (const b of edges) expect(f32Greater(a, b), `${a.toString(16)} > ${b.toString(16)}`).toBe(refGreater(a, b));
  });

  test.prop([f32, f32, fc.integer({ min: 0, max: 3 })], { numRuns: 20000 })("f32Greater equals the order of the patterns (random, equal, negated, neighbour pairs)", (a, z, k) => {
    const b = [z, a, (a ^ 0x80000000) >>> 0, (a + 1) >>> 0][k];
    expect(f32Greater(a, b)).toBe(refGreater(a, b));
    expect(f32Greater(b, a)).toBe(refGreater(b, a));
  });
});
