/** A small seeded generator (xorshift64*) for reproducible test stimulus. */
export class Rng {
  private s: bigint;
  constructor(seed: number | bigint) {
    this.s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n) || 1n;
  }
  /** 64 random bits. */
  next64(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= BigInt.asUintN(64, x << 25n);
    x ^= x >> 27n;
    this.s = x;
    return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
  }
  /** Integer in 0..n-1. */
  int(n: number): number {
    return Number(this.next64() % BigInt(n));
  }
  bool(p = 0.5): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** `bits` random bits. */
  bits(bits: number): bigint {
    let r = 0n;
    for (let i = 0; i < bits; i += 64) r = (r << 64n) | this.next64();
    return BigInt.asUintN(bits, r);
  }
  /** A value of a shape, often an edge value (0, 1, -1, min, max). */
  value(width: number, signed: boolean): bigint {
    const min = signed ? -(1n << BigInt(width - 1)) : 0n;
    const max = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
    if (this.bool(0.3)) {
      const v = this.pick([0n, 1n, -1n, min, max, min + 1n, max - 1n]);
      if (v >= min && v <= max) return v;
    }
    const p = this.bits(width);
    return signed ? BigInt.asIntN(width, p) : p;
  }
}
