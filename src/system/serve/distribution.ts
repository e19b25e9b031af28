/**
 * Latency distributions of a serving run (TTFT, TBT) as p50, p99, mean and max.
 *
 * Percentiles are nearest-rank: the p-th percentile of n samples sorted ascending is the sample
 * at rank ceil(p / 100 * n) (1-based), so it is always a sample that occurred, never an
 * interpolation between two, and p99 of fewer than 100 samples is the largest.
 */

export interface Distribution {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** The worst sample: the longest stall, which a percentile can hide when stalls are rare. */
  readonly max: number;
  /** Samples; 0 leaves p50, p99, mean and max NaN (null in JSON). */
  readonly count: number;
}

/** Nearest-rank percentile of samples sorted ascending (NaN when there are none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p}: must be in (0, 100]`);
  const n = sorted.length;
  return n === 0 ? NaN : sorted[Math.max(1, Math.ceil((p * n) / 100)) - 1];
}

export function distribution(samples: readonly number[] | Float64Array): Distribution {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const x of sorted) sum += x;
  const n = sorted.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: n ? sum / n : NaN, max: n ? sorted[n - 1] : NaN, count: n };
}
