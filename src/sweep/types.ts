/**
 * What a NoC load sweep is made of and what it writes. The JSON is a contract with scripts and
 * with `mergeSweeps` (shards from several machines merge into one): change it deliberately, and
 * bump SWEEP_VERSION when you do.
 */
import type { Params } from "../tb/types.js";

export const SWEEP_VERSION = 2;

export interface SweepShard {
  readonly index: number;
  readonly count: number;
}

/** One simulation: the noc testbench at one offered load and seed. */
export interface SweepTask {
  /** Complete noc testbench parameters, rate included. */
  readonly params: Params;
  readonly seed: number;
  /** Stop draining a saturated point after this many cycles (its end-of-run checks are skipped). */
  readonly drainLimit: number;
}

export interface SweepPoint {
  readonly rate: number;
  readonly seed: number;
  readonly passed: boolean;
  /** The first few failures (empty when passed). */
  readonly failures: readonly string[];
  readonly cycles: number;
  /** How long the point took: the one field that differs between two runs of the same sweep. */
  readonly timing: { readonly wallMs: number };
  readonly metrics: Record<string, number | string | boolean>;
  /** Utilization of every router output during the measurement window, by golden linkIndex(node, dir). */
  readonly linkUtil: readonly number[];
}

export interface Saturation {
  /** Mean zero-load latency the pipeline formula predicts for this traffic (cycles). */
  readonly zeroLoad: number;
  /** 2 x zeroLoad: the average latency that marks saturation. */
  readonly threshold: number;
  /** Estimated offered load (flits/node/cycle) where average latency reaches the threshold, or null. */
  readonly rate: number | null;
  /** The two measured loads around it (below, at or above), or null. */
  readonly bracket: readonly [number, number] | null;
  /** "interpolated", "below-lowest-rate" (already saturated at the lowest load), "not-reached". */
  readonly how: "interpolated" | "below-lowest-rate" | "not-reached";
  /**
   * Saturation as the literature also quotes it: the highest accepted throughput (flits/node/cycle,
   * mean over seeds) at any offered load of the sweep, and that load. Null without points.
   */
  readonly peakThroughput: { readonly throughput: number; readonly rate: number } | null;
}

export interface SweepResult {
  readonly version: number;
  readonly testbench: "noc";
  /** The sweep's parameters, rate excluded. */
  readonly params: Params;
  /** Every offered load of the plan (all shards), and the seeds. */
  readonly rates: readonly number[];
  readonly seeds: readonly number[];
  /** Shards present in this result (one for a shard's own output, several after a merge). */
  readonly shards: readonly SweepShard[];
  /** True when every shard of the plan is present. */
  readonly complete: boolean;
  readonly points: readonly SweepPoint[];
  readonly saturation: Saturation;
  /** When the result was made: apart from this and the points' timing, a sweep's JSON repeats byte for byte. */
  readonly timing: { readonly createdAt: string };
}
