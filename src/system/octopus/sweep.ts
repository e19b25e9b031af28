/**
 * Octopus against the baseline over a sweep of seeded workflow graphs: each seed generates a graph
 * (or, for a given graph, only draws a different run), both schedulers run the same instances
 * with the same arrivals, decisions and task times (seeded-draw.ts), and the speedup is the
 * baseline's makespan over Octopus's. Reported as mean (the paper's "average"), geometric mean,
 * min and max, with every point and its seed.
 */
import type { Platform } from "../platform/types.js";
import { runWorkflows, type WorkflowRunOptions, type WorkflowRunResult } from "./executor.js";
import { generateGraph, type GeneratedGraphKind, type GeneratorOptions } from "./generate.js";
import type { WorkflowGraph } from "./owg.js";

/** What a report keeps of one run. */
export interface RunSummary {
  readonly makespanNs: number;
  readonly utilization: number;
  readonly idleNs: number;
  readonly heldIdleNs: number;
  readonly transferWaitNs: number;
  readonly meanLatencyNs: number;
  readonly p99LatencyNs: number;
  readonly movedJobs: number;
  readonly events: number;
}

export function summarizeRun(r: WorkflowRunResult): RunSummary {
  return {
    makespanNs: r.makespanNs, utilization: r.utilization, idleNs: r.idleNs, heldIdleNs: r.heldIdleNs, transferWaitNs: r.transferWaitNs,
    meanLatencyNs: r.latency.mean, p99LatencyNs: r.latency.p99, movedJobs: r.moves.jobs, events: r.events,
  };
}

export interface SweepPoint {
  readonly seed: number;
  readonly graph: string;
  readonly baseline: RunSummary;
  readonly octopus: RunSummary;
  /** Baseline makespan / Octopus makespan. */
  readonly speedup: number;
}

export interface SpeedupStats {
  readonly mean: number;
  readonly geomean: number;
  readonly min: number;
  readonly max: number;
}

export interface SweepResult {
  readonly points: readonly SweepPoint[];
  readonly speedup: SpeedupStats;
}

export interface SweepOptions extends Omit<WorkflowRunOptions, "scheduler" | "seed" | "record"> {
  /** A generated family (a new graph per seed) or one graph (a new run per seed). */
  readonly graph: GeneratedGraphKind | WorkflowGraph;
  /** The seeds: firstSeed, firstSeed + 1, ..., firstSeed + count - 1. */
  readonly firstSeed: number;
  readonly count: number;
  readonly generator?: GeneratorOptions;
}

export function speedupStats(xs: readonly number[]): SpeedupStats {
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    geomean: Math.exp(xs.reduce((a, b) => a + Math.log(b), 0) / xs.length),
    min: Math.min(...xs), max: Math.max(...xs),
  };
}

/** One seed of a sweep: its graph under both schedulers. */
export function sweepPoint(platform: Platform, o: SweepOptions, seed: number): SweepPoint {
  const { graph: g, firstSeed: _f, count: _c, generator, ...run } = o;
  const graph: WorkflowGraph = typeof g === "string" ? generateGraph(g, seed, generator) : g;
  const b = runWorkflows(graph, platform, { ...run, scheduler: "baseline", seed });
  const x = runWorkflows(graph, platform, { ...run, scheduler: "octopus", seed });
  return { seed, graph: graph.name, baseline: summarizeRun(b), octopus: summarizeRun(x), speedup: b.makespanNs / x.makespanNs };
}

function checkCount(o: SweepOptions): void {
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`sweep count = ${o.count}: must be a whole number >= 1`);
}

export function speedupSweep(platform: Platform, o: SweepOptions): SweepResult {
  checkCount(o);
  const points = Array.from({ length: o.count }, (_, k) => sweepPoint(platform, o, o.firstSeed + k));
  return { points, speedup: speedupStats(points.map((p) => p.speedup)) };
}

/** The same sweep, yielding to the event loop between seeds; `onPoint(done, total)` after each (for a progress bar). */
export async function speedupSweepAsync(platform: Platform, o: SweepOptions, onPoint?: (done: number, total: number) => void): Promise<SweepResult> {
  checkCount(o);
  const points: SweepPoint[] = [];
  for (let k = 0; k < o.count; k++) {
    points.push(sweepPoint(platform, o, o.firstSeed + k));
    onPoint?.(k + 1, o.count);
    await new Promise((r) => setImmediate(r));
  }
  return { points, speedup: speedupStats(points.map((p) => p.speedup)) };
}
