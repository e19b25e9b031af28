/**
 * `tessera octopus --graph <file|agent|rag> --platform <preset|file> --scheduler baseline|octopus
 *                  [--instances n] [--rate r] [--seed s] [--sweep n] [--cluster WxH] [--share n]
 *                  [--grain ns] [--control-ns ns] [--alpha a] [--diffusion-period ns]
 *                  [--steal-delay ns] [--forwarding store-and-forward|cut-through]
 *                  [--disable mechanisms] [--json]`:
 * orchestrated AI workflows on a scale-out spatial architecture (Octopus, src/system/octopus):
 * instances of a workflow graph (a JSON file, or a seeded agent or RAG graph) arrive in time and
 * run on the platform's TBUs under the chosen scheduler. One run reports makespan, TBU
 * utilization, idle time, instance latency, the lower bounds and the golden checks, and Octopus's
 * speedup over the baseline on the same instances; --sweep n runs n seeded graphs (or n runs of a
 * file's graph) under both schedulers and reports the speedup's mean, min and max.
 * Exit 0, 1 when a golden check fails, 2 on usage errors.
 */
import { existsSync } from "node:fs";
import { UserError } from "../../io/user-error.js";
import { loadPlatform } from "../../system/platform/index.js";
import { checkRun, makespanBounds, realizeRun } from "../../system/octopus/checks.js";
import { runWorkflows, type WorkflowRunOptions, type WorkflowRunResult } from "../../system/octopus/executor.js";
import { GENERATED_GRAPHS, generateGraph, type GeneratedGraphKind } from "../../system/octopus/generate.js";
import type { WorkflowGraph } from "../../system/octopus/owg.js";
import { readWorkflowGraphFile } from "../../system/octopus/owg-read.js";
import { MECHANISMS, SCHEDULER_NAMES, type Mechanism, type SchedulerName } from "../../system/octopus/schedulers.js";
import { speedupSweepAsync, summarizeRun, type SweepResult } from "../../system/octopus/sweep.js";
import type { Forwarding } from "../../system/octopus/transfer.js";
import { table } from "../format.js";
import type { Io } from "../io.js";
import { progress } from "../progress.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";
import { OCTOPUS_DEFAULTS } from "../defaults.js";

export interface OctopusArgs {
  graph?: string;
  platform?: string;
  scheduler?: SchedulerName;
  instances?: number;
  rate?: number;
  seed?: number;
  sweep?: number;
  cluster?: string;
  share?: number;
  grain?: number;
  controlNs?: number;
  alpha?: number;
  diffusionPeriod?: number;
  stealDelay?: number;
  forwarding?: Forwarding;
  disable?: string;
  json?: boolean;
}

export { OCTOPUS_DEFAULTS };

function loadGraph(name: string, seed: number): { graph: WorkflowGraph; generated: GeneratedGraphKind | undefined } {
  if ((GENERATED_GRAPHS as readonly string[]).includes(name)) return { graph: generateGraph(name as GeneratedGraphKind, seed), generated: name as GeneratedGraphKind };
  if (!existsSync(name)) throw new UserError(`no such file, and not a generated graph; give a workflow graph JSON file or one of ${GENERATED_GRAPHS.join(", ")}`, { argument: "--graph", file: name });
  return { graph: readWorkflowGraphFile(name, "--graph"), generated: undefined };
}

function parseCluster(text: string | undefined): { x: number; y: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--cluster '${text}': give the cluster's side in tiles as WxH, e.g. 4x4`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

function parseDisable(text: string | undefined, scheduler: SchedulerName): Partial<Record<Mechanism, boolean>> | undefined {
  if (text === undefined) return undefined;
  if (scheduler !== "octopus") throw new UsageError(`--disable turns off mechanisms of --scheduler octopus; the baseline has none of them (${MECHANISMS.join(", ")})`);
  const out: Partial<Record<Mechanism, boolean>> = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(MECHANISMS as readonly string[]).includes(part)) throw new UsageError(`--disable '${part}': the mechanisms are ${MECHANISMS.join(", ")} (comma-separated)`);
    out[part as Mechanism] = false;
  }
  return out;
}

const us = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : `${(ns / 1e3).toFixed(1)} us`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const count = (x: number) => x.toLocaleString("en-US");

function runSummary(r: WorkflowRunResult, baseline: WorkflowRunResult | undefined, bounds: { criticalPathNs: number; workPerUnitNs: number }, problems: string[]): string {
  const speed = baseline && r.scheduler === "octopus" ? ` (baseline ${us(baseline.makespanNs)}: ${(baseline.makespanNs / r.makespanNs).toFixed(2)}x)` : "";
  return table([
    ["measure", "value"],
    ["makespan", us(r.makespanNs) + speed],
    ["TBU utilization", pct(r.utilization)],
    ["idle TBU time (of it held by a block, not computing)", `${us(r.idleNs)} (${us(r.heldIdleNs)})`],
    ["instance latency p50 / p99 / mean", `${us(r.latency.p50)} / ${us(r.latency.p99)} / ${us(r.latency.mean)}`],
    ["lower bounds: critical path / work per TBU", `${us(bounds.criticalPathNs)} / ${us(bounds.workPerUnitNs)}`],
    ["waits for inputs over the mesh (summed over pieces)", us(r.transferWaitNs)],
    ["weight reloads (time)", `${count(r.reloads.count)} (${us(r.reloads.ns)})`],
    ["jobs moved between groups", count(r.moves.jobs)],
    ["control decisions on TBUs / on CBUs", `${count(r.completions.filter((c) => c.kind !== "task" && c.on === "tbu").length)} / ${count(r.completions.filter((c) => c.on === "cbu").length)}`],
    ["events", count(r.events)],
    ["golden checks", problems.length ? `FAILED: ${problems.slice(0, 3).join("; ")}` : "pass (every reached block once, work conserved, makespan >= both bounds)"],
  ]);
}

function sweepTable(s: SweepResult): string {
  return table([
    ["seed", "graph", "baseline makespan", "octopus makespan", "speedup", "baseline util.", "octopus util."],
    ...s.points.map((p) => [String(p.seed), p.graph, us(p.baseline.makespanNs), us(p.octopus.makespanNs), `${p.speedup.toFixed(2)}x`, pct(p.baseline.utilization), pct(p.octopus.utilization)]),
  ]);
}

export async function octopusCommand(args: OctopusArgs, io: Io): Promise<number> {
  try {
    const t0 = performance.now();
    const scheduler = args.scheduler ?? OCTOPUS_DEFAULTS.scheduler;
    if (!(SCHEDULER_NAMES as readonly string[]).includes(scheduler)) throw new UsageError(`--scheduler '${scheduler}': use ${SCHEDULER_NAMES.join(" or ")}`);
    if (args.sweep !== undefined && args.scheduler !== undefined) throw new UsageError("--sweep runs both schedulers on every seed; leave out --scheduler");
    if (args.sweep !== undefined && args.disable !== undefined) throw new UsageError("--disable applies to one octopus run; leave out --sweep to compare mechanisms");
    const platform = loadPlatform(args.platform ?? OCTOPUS_DEFAULTS.platform);
    const graphName = args.graph ?? OCTOPUS_DEFAULTS.graph;
    const seed = args.seed ?? OCTOPUS_DEFAULTS.seed;
    const { graph, generated } = loadGraph(graphName, seed);
    const run: Omit<WorkflowRunOptions, "scheduler" | "seed"> = {
      instances: args.instances ?? OCTOPUS_DEFAULTS.instances, ratePerMs: args.rate ?? OCTOPUS_DEFAULTS.rate,
      clusterSide: parseCluster(args.cluster), share: args.share, grainNs: args.grain, controlNs: args.controlNs, alpha: args.alpha,
      diffusionPeriodNs: args.diffusionPeriod, stealDelayNs: args.stealDelay, forwarding: args.forwarding,
      mechanisms: parseDisable(args.disable, scheduler),
    };
    const head = { graph: generated ? graphName : graph.name, platform: platform.name, instances: run.instances, ratePerMs: run.ratePerMs };

    if (args.sweep !== undefined) {
      const bar = progress(io, { json: args.json, label: `octopus sweep of ${graphName} on ${platform.name} (seeds)` });
      let s: SweepResult;
      try {
        s = await speedupSweepAsync(platform, { ...run, graph: generated ?? graph, firstSeed: seed, count: args.sweep }, (d, t) => bar.update(d, t));
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      } finally {
        bar.stop();
      }
      if (args.json) {
        io.out(JSON.stringify({ ...head, sweep: args.sweep, seeds: s.points.map((p) => p.seed), speedup: s.speedup, points: s.points, timing: { wallMs: Math.round(performance.now() - t0) } }, null, 2) + "\n");
      } else {
        io.out(`${generated ? `${args.sweep} seeded ${graphName} graphs` : `${args.sweep} runs of ${graph.name}`} on ${platform.name}, ${run.instances} instances at ${run.ratePerMs}/ms each; baseline against octopus\n`);
        io.out(sweepTable(s) + "\n");
        io.out(`speedup: mean ${s.speedup.mean.toFixed(2)}x, geometric mean ${s.speedup.geomean.toFixed(2)}x, min ${s.speedup.min.toFixed(2)}x, max ${s.speedup.max.toFixed(2)}x (Octopus reports 2.50x on average, up to 4.26x, on its own workloads)\n`);
      }
      return EXIT_PASS;
    }

    let r: WorkflowRunResult, baseline: WorkflowRunResult | undefined;
    try {
      r = runWorkflows(graph, platform, { ...run, scheduler, seed });
      baseline = scheduler === "octopus" ? runWorkflows(graph, platform, { ...run, mechanisms: undefined, scheduler: "baseline", seed }) : undefined;
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    const realized = realizeRun(graph, platform, r);
    const bounds = makespanBounds(r, realized);
    const problems = checkRun(graph, platform, r);
    if (args.json) {
      const { completions, arrivals, finishes, schedule, latency, ...rest } = r;
      io.out(JSON.stringify({
        ...rest, ...head, graphName: graph.name, latency: { p50: latency.p50, p99: latency.p99, mean: latency.mean, max: latency.max },
        bounds, executions: completions.length,
        ...(baseline && { baseline: summarizeRun(baseline), speedupOverBaseline: baseline.makespanNs / r.makespanNs }),
        checks: { passed: problems.length === 0, problems }, timing: { wallMs: Math.round(performance.now() - t0) },
      }, null, 2) + "\n");
    } else {
      const mech = Object.entries(r.mechanisms).filter(([, on]) => on).map(([m]) => m);
      io.out(`${graph.name} on ${platform.name} (${r.tbus} TBUs, ${r.clusters} clusters of ${r.clusterSide.x}x${r.clusterSide.y}${r.cbus ? `, ${r.cbus} CBUs` : ""}), ${scheduler}${scheduler === "octopus" && mech.length < 4 ? ` with ${mech.join(", ") || "no mechanisms"}` : ""}: ${count(r.instances)} instances at ${r.ratePerMs}/ms, seed ${seed}\n`);
      io.out(runSummary(r, baseline, bounds, problems));
    }
    return problems.length ? EXIT_FAIL : EXIT_PASS;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera octopus: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
