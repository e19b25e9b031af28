/**
 * Octopus against the baseline (issue 19): the generated agent and RAG workflow graphs on the
 * `tessera octopus` default platform (palm-wafer, 320 TBUs in 20 clusters of 4 x 4), each over a
 * sweep of seeded graphs (seed k generates graph k and draws its run), under both schedulers on
 * the same instances, arrivals, decisions and task times. Two loads: the command's default (100
 * instances at 100 per ms, TBUs about half busy under Octopus) and a burst of 200 instances at
 * 1,000 per ms, where both schedulers queue. Then Octopus with one mechanism off at a time, to
 * show what each brings here.
 *
 *   node --import tsx bench/octopus/run.ts      (prints markdown tables; writes bench/results/octopus.json)
 */
import { platformPreset } from "../../src/system/platform/index.js";
import { generateGraph, runWorkflows, speedupStats, sweepPoint, MECHANISMS, type GeneratedGraphKind, type SweepPoint } from "../../src/system/octopus/index.js";
import { OCTOPUS_DEFAULTS } from "../../src/cli/commands/octopus.js";
import { machine, markdownTable, writeResults } from "../report.js";

const SEEDS = Array.from({ length: 10 }, (_, k) => 1 + k);
const ABLATION_SEEDS = SEEDS.slice(0, 5);
const platform = platformPreset(OCTOPUS_DEFAULTS.platform);
const loads = [
  { name: "default", instances: OCTOPUS_DEFAULTS.instances, ratePerMs: OCTOPUS_DEFAULTS.rate },
  { name: "burst", instances: 200, ratePerMs: 1000 },
];
const kinds: GeneratedGraphKind[] = ["agent", "rag"];

// One small untimed run first, so the first case's wall time is not the JIT's warm-up.
runWorkflows(generateGraph("agent", 99), platform, { scheduler: "octopus", instances: 10, ratePerMs: 100, seed: 99 });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sweeps = kinds.flatMap((graph) => loads.map((load) => {
  const t0 = performance.now();
  const points: SweepPoint[] = SEEDS.map((seed) => sweepPoint(platform, { graph, firstSeed: seed, count: 1, instances: load.instances, ratePerMs: load.ratePerMs }, seed));
  return { graph, load: load.name, instances: load.instances, ratePerMs: load.ratePerMs, seeds: SEEDS, speedup: speedupStats(points.map((p) => p.speedup)), points, wallSeconds: (performance.now() - t0) / 1000 };
}));

// Octopus with one mechanism off, against the baseline, at the default load.
const ablation = kinds.flatMap((graph) => MECHANISMS.map((off) => {
  const speedups = ABLATION_SEEDS.map((seed) => {
    const g = generateGraph(graph, seed);
    const o = { instances: loads[0].instances, ratePerMs: loads[0].ratePerMs, seed };
    const base = runWorkflows(g, platform, { ...o, scheduler: "baseline" }).makespanNs;
    return base / runWorkflows(g, platform, { ...o, scheduler: "octopus", mechanisms: { [off]: false } }).makespanNs;
  });
  return { graph, without: off, seeds: ABLATION_SEEDS, speedup: speedupStats(speedups) };
}));

writeResults("octopus", { machine: machine(), platform: platform.name, sweeps, ablation });

const us = (ns: number) => (ns / 1e3).toLocaleString("en-US", { maximumFractionDigits: 0 });
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const x2 = (x: number) => `${x.toFixed(2)}x`;
// "All four" over the ablation's seeds, so each row compares the same runs.
const full = (g: string) => mean(sweeps.find((s) => s.graph === g && s.load === "default")!.points.filter((p) => ABLATION_SEEDS.includes(p.seed)).map((p) => p.speedup));
process.stdout.write(markdownTable([
  ["graph", "load", "scheduler", "makespan us (mean)", "TBU util. (mean)", "latency p99 us (mean)", "speedup mean / min / max", "wall s"],
  ...sweeps.flatMap((s) => (["baseline", "octopus"] as const).map((k) => [
    s.graph, `${s.instances} @ ${s.ratePerMs}/ms`, k,
    us(mean(s.points.map((p) => p[k].makespanNs))), pct(mean(s.points.map((p) => p[k].utilization))), us(mean(s.points.map((p) => p[k].p99LatencyNs))),
    k === "octopus" ? `${x2(s.speedup.mean)} / ${x2(s.speedup.min)} / ${x2(s.speedup.max)}` : "", k === "octopus" ? s.wallSeconds.toFixed(1) : "",
  ])),
]) + `\n\nSeeds ${SEEDS[0]}..${SEEDS[SEEDS.length - 1]} (seed k: generated graph k and its run), on ${platform.name}; speedup = baseline makespan / Octopus makespan. ` +
  "Octopus reports 2.50x on average and up to 4.26x on its workloads; these are ours.\n\n" +
  markdownTable([
    ["graph", "all four", ...MECHANISMS.map((m) => `without ${m}`)],
    ...kinds.map((g) => [g, x2(full(g)), ...MECHANISMS.map((m) => x2(ablation.find((a) => a.graph === g && a.without === m)!.speedup.mean))]),
  ]) + `\n\nMean speedup over the baseline at the default load with one of Octopus's mechanisms off (seeds ${ABLATION_SEEDS[0]}..${ABLATION_SEEDS[ABLATION_SEEDS.length - 1]}).\n`);
