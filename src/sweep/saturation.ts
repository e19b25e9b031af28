/**
 * Saturation of a load sweep: the offered load at which average packet latency (source queueing
 * included) reaches twice the zero-load latency. Points are averaged over seeds per load; a point
 * that did not reach steady state (measured packets still in flight when the cooldown ended, or,
 * measured the BookSim way, an average latency past its threshold) counts as infinitely slow. Between the last load below the threshold and the first at or above it, the
 * load is interpolated linearly in latency.
 */
import type { Saturation, SweepPoint } from "./types.js";

export interface LoadSummary {
  readonly rate: number;
  /** Mean over seeds of the average latency (Infinity when a seed was unstable). */
  readonly latency: number;
  readonly p99: number;
  readonly throughput: number;
  readonly offered: number;
  readonly stable: boolean;
  /** Why the first unstable seed was unstable ("" when stable, or when the run did not say). */
  readonly instability: string;
  readonly passed: boolean;
  readonly seeds: number;
}

const num = (v: unknown) => (typeof v === "number" ? v : Number(v));

/** Per-load means over seeds, ascending by load. */
export function summarizeLoads(points: readonly SweepPoint[]): LoadSummary[] {
  const byRate = new Map<number, SweepPoint[]>();
  for (const p of points) {
    const list = byRate.get(p.rate) ?? [];
    list.push(p);
    byRate.set(p.rate, list);
  }
  return [...byRate.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rate, ps]) => {
      const stable = ps.every((p) => p.metrics.stable === true);
      const mean = (k: string) => ps.reduce((a, p) => a + num(p.metrics[k]), 0) / ps.length;
      return {
        rate,
        latency: stable ? mean("avgLatency") : Infinity,
        p99: stable ? mean("p99Latency") : Infinity,
        throughput: mean("throughput"),
        offered: mean("offered"),
        stable,
        instability: String(ps.find((p) => p.metrics.stable !== true)?.metrics.instability ?? ""),
        passed: ps.every((p) => p.passed),
        seeds: ps.length,
      };
    });
}

export function findSaturation(points: readonly SweepPoint[]): Saturation {
  const zl = points.map((p) => num(p.metrics.zeroLoadLatency)).filter((v) => Number.isFinite(v));
  const zeroLoad = zl.length ? zl.reduce((a, b) => a + b, 0) / zl.length : NaN;
  const threshold = 2 * zeroLoad;
  const loads = summarizeLoads(points);
  const best = loads.reduce<LoadSummary | null>((a, l) => (a === null || l.throughput > a.throughput ? l : a), null);
  const peakThroughput = best ? { throughput: Math.round(best.throughput * 1e5) / 1e5, rate: best.rate } : null;
  const k = loads.findIndex((l) => l.latency >= threshold);
  if (k < 0) return { zeroLoad, threshold, rate: null, bracket: null, how: "not-reached", peakThroughput };
  if (k === 0) return { zeroLoad, threshold, rate: loads[0].rate, bracket: [0, loads[0].rate], how: "below-lowest-rate", peakThroughput };
  const a = loads[k - 1], b = loads[k];
  const rate = Number.isFinite(b.latency)
    ? a.rate + ((b.rate - a.rate) * (threshold - a.latency)) / (b.latency - a.latency)
    : (a.rate + b.rate) / 2;
  return { zeroLoad, threshold, rate: Math.round(rate * 1e5) / 1e5, bracket: [a.rate, b.rate], how: "interpolated", peakThroughput };
}
