/**
 * Bit-exact IEEE 754 binary16 (and the binary32 it accumulates into), round to nearest even, with
 * subnormals, signed zeros, infinities and NaN. Values are bit patterns held in plain numbers
 * (16-bit for FP16, 32-bit unsigned for FP32). Pure functions, no imports.
 *
 * Public contract (outside tests import these): f16Mul(a, b), f16Add(a, b), f32Add(a, b),
 * f16ToF32(a), dotF16(a[], b[]); and f32ToF16(w), f32Greater(a, b) (the conversion and the
 * argmax comparator of SPEQ's RTL).
 *
 * Why computing in doubles is exact here: every binary16 and binary32 value is a double; the exact
 * sum or product of two binary16 values fits a double's 53 bits; and for binary32 addition a double
 * carries more than 2p + 2 = 50 bits, so rounding the double result to binary32 equals rounding the
 * exact result once (double rounding is innocuous for +, -, x when the wider format has >= 2p + 2
 * bits). Results that are NaN come back as the canonical quiet NaN (0x7e00, 0x7fc00000); any NaN
 * pattern is accepted as NaN on input.
 */

export const F16_QNAN = 0x7e00;
export const F32_QNAN = 0x7fc00000;
export const F16_INF = 0x7c00;

const scratch = new DataView(new ArrayBuffer(4));

function checkF16(h: number, who: string): void {
  if (!Number.isInteger(h) || h < 0 || h > 0xffff) throw new Error(`${who}: ${h} is not a 16-bit pattern (0..0xffff)`);
}

function checkF32(w: number, who: string): void {
  if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new Error(`${who}: ${w} is not a 32-bit pattern (0..0xffffffff)`);
}

/** The value of a binary16 pattern, exactly. */
export function f16ToNumber(h: number): number {
  checkF16(h, "f16ToNumber");
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 31) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** -24;
  return sign * (1024 + m) * 2 ** (e - 25);
}

export function isNaN16(h: number): boolean {
  return (h & 0x7c00) === 0x7c00 && (h & 1023) !== 0;
}

/** Round half to even of a non-negative number to an integer. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The binary16 pattern nearest to x (ties to even), NaN to the canonical quiet NaN. */
export function numberToF16(x: number): number {
  if (Number.isNaN(x)) return F16_QNAN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  // 65520 is halfway between the largest finite (65504) and 2^16: ties to even round it up, to infinity.
  if (a >= 65520) return sign | F16_INF;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 rounds up into the smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

/** The value of a binary32 pattern, exactly. */
export function f32ToNumber(w: number): number {
  checkF32(w, "f32ToNumber");
  scratch.setUint32(0, w);
  return scratch.getFloat32(0);
}

/** The binary32 pattern nearest to x (ties to even), NaN to the canonical quiet NaN. */
export function numberToF32(x: number): number {
  if (Number.isNaN(x)) return F32_QNAN;
  scratch.setFloat32(0, Math.fround(x));
  return scratch.getUint32(0);
}

/** binary16 x binary16, rounded to binary16. */
export function f16Mul(a: number, b: number): number {
  return numberToF16(f16ToNumber(a) * f16ToNumber(b));
}

/** binary16 + binary16, rounded to binary16. */
export function f16Add(a: number, b: number): number {
  return numberToF16(f16ToNumber(a) + f16ToNumber(b));
}

/** binary32 + binary32, rounded to binary32. */
export function f32Add(a: number, b: number): number {
  return numberToF32(f32ToNumber(a) + f32ToNumber(b));
}

/** The binary32 pattern of a binary16 value (exact; NaN canonical). */
export function f16ToF32(a: number): number {
  return numberToF32(f16ToNumber(a));
}

/** The binary16 pattern nearest to a binary32 value (ties to even; any NaN -> 0x7e00, binary32 subnormals -> signed zero). */
export function f32ToF16(w: number): number {
  return numberToF16(f32ToNumber(w));
}

/** a > b as real numbers: false when either is NaN, +0 and -0 equal (argmax's comparator). */
export function f32Greater(a: number, b: number): boolean {
  return f32ToNumber(a) > f32ToNumber(b);
}

/**
 * The exact product of two binary16 values as binary32 (no rounding happens: 11 x 11 significand
 * bits fit in 24, and 2^-48 .. 2^32 lies within binary32's range).
 */
export function f16MulExactF32(a: number, b: number): number {
  return numberToF32(f16ToNumber(a) * f16ToNumber(b));
}

/**
 * Dot product of two binary16 vectors: each exact product (binary32) added to a binary32
 * accumulator that starts at +0, left to right, each addition rounded to nearest even. Returns the
 * binary32 pattern.
 */
export function dotF16(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`dotF16: vectors of length ${a.length} and ${b.length}`);
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc = f32Add(acc, f16MulExactF32(a[i], b[i]));
  return acc;
}
