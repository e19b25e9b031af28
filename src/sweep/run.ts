/**
 * NoC load sweeps: the `noc` testbench at many offered loads (and seeds) in parallel worker threads
 * (a piscina pool), the saturation load found from the results, and JSON + SVG outputs.
 *
 *   const r = await runSweep({ params: { w: 8, h: 8 }, rates: parseRates("0.05..0.5:0.05"), out: "out/noc.json" });
 *   // out/noc.json, out/noc-latency.svg, out/noc-throughput.svg, out/noc-links.svg
 *
 * Scale-out: give every machine the same options and --shard i/n; each writes its JSON; merge
 * them with mergeSweeps (writeSweepOutputs redraws the plots from the merged result). Refinement
 * (extra loads bisecting the saturation bracket) needs every point at hand, so it is for unsharded
 * runs only.
 */
import { writeFileAtomic } from "../io/output-file.js";
import { availableParallelism } from "node:os";
import { join, parse } from "node:path";
import { Piscina } from "piscina";
import { NOC_PARAMS, nocParamsOf, nocTb } from "../tb/noc/noc.js";
import type { Params } from "../tb/types.js";
import { planPoints, shardOf } from "./plan.js";
import { runPoint } from "./point.js";
import { findSaturation } from "./saturation.js";
import { latencyPlot, linkHeatmap, throughputPlot } from "./svg.js";
import { SWEEP_VERSION, SweepPoint, SweepResult, SweepShard, SweepTask } from "./types.js";

export interface SweepOptions {
  /** noc testbench parameters (defaults for the rest; `rate` is what the sweep varies). */
  readonly params?: Params;
  /** Offered loads, flits/node/cycle. */
  readonly rates: readonly number[];
  /** How many seeds per load (default 1), starting at `seed` (default 1). */
  readonly seeds?: number;
  readonly seed?: number;
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  readonly shard?: SweepShard;
  /** Rounds of extra loads inside the saturation bracket (unsharded sweeps only; default 0). */
  readonly refine?: number;
  /** Cycles a saturated point may spend draining before it is cut short (default 20000). */
  readonly drainLimit?: number;
  /** Write the JSON here, and the SVG plots next to it. */
  readonly out?: string;
  /** Run the points in this thread, one after another (no pool): for tests and debugging. */
  readonly inProcess?: boolean;
  readonly onPoint?: (p: SweepPoint, done: number, total: number) => void;
}

/** The sweep's complete parameters (rate left out), checked like `tessera run` would. */
export function sweepParams(overrides: Params = {}): Params {
  const params: Params = Object.fromEntries(NOC_PARAMS.map((p) => [p.name, p.default]));
  for (const [k, v] of Object.entries(overrides)) {
    if (!NOC_PARAMS.some((p) => p.name === k)) throw new Error(`sweep: the noc testbench has no parameter '${k}'; its parameters: ${NOC_PARAMS.map((p) => p.name).join(", ")}`);
    params[k] = v;
  }
  const why = nocTb.validate?.(params);
  if (why) throw new Error(`sweep: ${why}`);
  nocParamsOf(params); // range checks of the hardware parameters
  delete params.rate;
  return params;
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const params = sweepParams(o.params);
  const seeds = Array.from({ length: o.seeds ?? 1 }, (_, k) => (o.seed ?? 1) + k);
  const shard = o.shard ?? { index: 0, count: 1 };
  const drainLimit = o.drainLimit ?? 20000;
  for (const r of o.rates) if (!(r > 0 && r <= 1)) throw new Error(`sweep: rate ${r} is not an offered load in (0, 1] flits/node/cycle`);
  const workers = Math.max(1, o.workers ?? availableParallelism());
  const pool = o.inProcess ? undefined : new Piscina({ filename: new URL("./worker.mjs", import.meta.url).href, maxThreads: workers, minThreads: 0 });
  const points: SweepPoint[] = [];
  let done = 0, total = 0;
  const runAll = async (planned: { rate: number; seed: number }[]) => {
    total += planned.length;
    const tasks = planned.map((pp): SweepTask => ({ params: { ...params, rate: pp.rate }, seed: pp.seed, drainLimit }));
    const run = async (t: SweepTask) => {
      const p = pool ? ((await pool.run(t)) as SweepPoint) : runPoint(t);
      points.push(p);
      o.onPoint?.(p, ++done, total);
    };
    if (pool) await Promise.all(tasks.map(run));
    else for (const t of tasks) await run(t);
  };
  const rates = new Set(o.rates);
  try {
    await runAll(shardOf(planPoints(o.rates, seeds), shard));
    if (shard.count === 1) {
      for (let round = 0; round < (o.refine ?? 0); round++) {
        const s = findSaturation(points);
        if (!s.bracket || s.how !== "interpolated") break;
        const [a, b] = s.bracket;
        const k = Math.max(2, Math.min(workers, 4));
        const extra = Array.from({ length: k }, (_, i) => Math.round((a + ((b - a) * (i + 1)) / (k + 1)) * 1e5) / 1e5).filter((x) => !rates.has(x));
        if (extra.length === 0) break;
        extra.forEach((x) => rates.add(x));
        await runAll(planPoints(extra, seeds));
      }
    }
  } finally {
    await pool?.destroy();
  }
  points.sort((a, b) => a.rate - b.rate || a.seed - b.seed);
  const result: SweepResult = {
    version: SWEEP_VERSION,
    testbench: "noc",
    params,
    rates: [...rates].sort((a, b) => a - b),
    seeds,
    shards: [shard],
    complete: shard.count === 1,
    points,
    saturation: findSaturation(points),
    timing: { createdAt: new Date().toISOString() },
  };
  if (o.out) writeSweepOutputs(result, o.out);
  return result;
}

/** The files writeSweepOutputs writes for a JSON path. */
export function sweepOutputFiles(out: string): { json: string; latency: string; throughput: string; links: string } {
  const { dir, name } = parse(out);
  return { json: out, latency: join(dir, `${name}-latency.svg`), throughput: join(dir, `${name}-throughput.svg`), links: join(dir, `${name}-links.svg`) };
}

/** Write the result's JSON and its three plots (latency, throughput, link heatmap). */
export function writeSweepOutputs(r: SweepResult, out: string): ReturnType<typeof sweepOutputFiles> {
  const f = sweepOutputFiles(out);
  writeFileAtomic(f.json, JSON.stringify(r, null, 1) + "\n", "--out");
  if (r.points.length) {
    writeFileAtomic(f.latency, latencyPlot(r) + "\n", "--out");
    writeFileAtomic(f.throughput, throughputPlot(r) + "\n", "--out");
    writeFileAtomic(f.links, linkHeatmap(r) + "\n", "--out");
  }
  return f;
}
