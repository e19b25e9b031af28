/** Small statistics for the mesh testbench's metrics. */

/** Nearest-rank percentile (q in 0..100) of values sorted ascending; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil((q / 100) * n));
  return sorted[Math.min(n, rank) - 1];
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Round for reports (metrics stay numbers, with a sensible number of decimals). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A growable array of numbers without per-push allocation (doubling typed array). */
export class NumList {
  private a: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.a = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  get(i: number): number {
    return this.a[i];
  }
  set(i: number, v: number): void {
    this.a[i] = v;
  }
  /** A sorted copy. */
  sorted(): Float64Array {
    return this.a.slice(0, this.length).sort();
  }
  view(): Float64Array {
    return this.a.subarray(0, this.length);
  }
}
