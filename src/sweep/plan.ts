/**
 * A sweep's plan: the (offered load, seed) points in one canonical order, and the deterministic
 * split of that list into shards (point k belongs to shard k mod n), so that n machines given
 * --shard 0/n .. n-1/n run every point exactly once and their outputs merge.
 */
import type { SweepShard } from "./types.js";

export interface PlannedPoint {
  readonly rate: number;
  readonly seed: number;
}

/** Rates ascending and deduplicated, then seeds: the canonical order. */
export function planPoints(rates: readonly number[], seeds: readonly number[]): PlannedPoint[] {
  const rs = [...new Set(rates)].sort((a, b) => a - b);
  return rs.flatMap((rate) => seeds.map((seed) => ({ rate, seed })));
}

export function shardOf(points: readonly PlannedPoint[], shard: SweepShard): PlannedPoint[] {
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new Error(`shard ${shard.index}/${shard.count}: expected i/n with 0 <= i < n`);
  }
  return points.filter((_, k) => k % shard.count === shard.index);
}

/**
 * Offered loads from text: "0.05,0.1,0.2", or a range "lo..hi:step" (inclusive, step > 0).
 * Every rate must be in (0, 1].
 */
export function parseRates(text: string): number[] {
  const t = text.trim();
  const range = /^([0-9.]+)\s*\.\.\s*([0-9.]+)\s*:\s*([0-9.]+)$/.exec(t);
  let rates: number[];
  if (range) {
    const lo = Number(range[1]), hi = Number(range[2]), step = Number(range[3]);
    if (!(step > 0) || !(hi >= lo)) throw new Error(`rates '${text}': expected lo..hi:step with lo <= hi and step > 0`);
    rates = [];
    for (let k = 0; lo + k * step <= hi + 1e-9; k++) rates.push(Math.round((lo + k * step) * 1e6) / 1e6);
  } else {
    rates = t.split(",").map((s) => Number(s.trim()));
  }
  for (const r of rates) if (!(r > 0 && r <= 1)) throw new Error(`rates '${text}': ${r} is not an offered load in (0, 1] flits/node/cycle`);
  if (rates.length === 0) throw new Error(`rates '${text}': no rates`);
  return rates;
}
