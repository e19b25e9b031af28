/**
 * Runtime helpers that generated code calls for the rarer operations (exact bit operations on
 * 33..52-bit values held in doubles, parity, variable shifts). Kept tiny and monomorphic.
 */
const TWO32 = 4294967296;

export const P2: number[] = Array.from({ length: 1100 }, (_, k) => 2 ** k);

function par32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

export const H = {
  P2,
  par32,
  par52(x: number): number {
    return par32(x >>> 0) ^ par32(Math.floor(x / TWO32) >>> 0);
  },
  parBig(x: bigint): number {
    let p = 0;
    while (x > 0n) {
      p ^= par32(Number(x & 0xffffffffn));
      x >>= 32n;
    }
    return p;
  },
  /** Unsigned pattern of a negative-or-positive value of width w (w2 = 2^w). */
  toU(x: number, w2: number): number {
    return x < 0 ? x + w2 : x;
  },
  /** Signed value of an unsigned pattern (w2 = 2^w, h2 = 2^(w-1)). */
  toS(x: number, w2: number, h2: number): number {
    return x >= h2 ? x - w2 : x;
  },
  wrapU(x: number, w2: number): number {
    return x - Math.floor(x / w2) * w2;
  },
  wrapS(x: number, w2: number, h2: number): number {
    const r = x - Math.floor(x / w2) * w2;
    return r >= h2 ? r - w2 : r;
  },
  slice52(x: number, lo2: number, n2: number): number {
    const y = Math.floor(x / lo2);
    return y - Math.floor(y / n2) * n2;
  },
  and52(a: number, b: number): number {
    return (Math.floor(a / TWO32) & Math.floor(b / TWO32)) * TWO32 + ((a & b) >>> 0);
  },
  or52(a: number, b: number): number {
    return (Math.floor(a / TWO32) | Math.floor(b / TWO32)) * TWO32 + ((a | b) >>> 0);
  },
  xor52(a: number, b: number): number {
    return (Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) * TWO32 + ((a ^ b) >>> 0);
  },
  sar32(a: number, k: number): number {
    return k >= 32 ? a >> 31 : a >> k;
  },
  shr32(a: number, k: number): number {
    return k >= 32 ? 0 : a >>> k;
  },
  clampShift(k: bigint): number {
    return k > 4096n ? 4096 : Number(k);
  },
};
