/**
 * Golden checks of a workflow run against the realization of its control flow (realize.ts). Each
 * returns the violations it finds, as sentences (an empty list: the run passes), so a test can
 * print them and a user's own harness can call them on its runs:
 *   checkExactlyOnce      every execution the control flow reaches (per instance, per loop trip)
 *                         completes exactly once, and nothing else runs;
 *   checkWorkConserved    the work the TBUs executed for tasks is the work of the reached tasks;
 *   checkMakespanBounds   makespan >= every instance's arrival + its critical path, and
 *                         >= total task work / TBUs;
 *   checkSameSchedule     two runs placed and timed every piece alike (same seed, same schedule).
 */
import type { Platform } from "../platform/types.js";
import type { WorkflowRunResult } from "./executor.js";
import type { WorkflowGraph } from "./owg.js";
import { criticalPathNs, realizeInstance, realizedWorkNs, type RealizedExecution } from "./realize.js";

/** Relative slack for sums of floating-point durations. */
const REL = 1e-9;

/** The realization of every instance of a run (same graph, platform, seed and precision as the run). */
export function realizeRun(graph: WorkflowGraph, platform: Platform, run: Pick<WorkflowRunResult, "instances" | "seed" | "params">): RealizedExecution[][] {
  return Array.from({ length: run.instances }, (_, i) => realizeInstance(graph, platform, run.seed, i, run.params.precision));
}

export function checkExactlyOnce(run: WorkflowRunResult, realized: readonly (readonly RealizedExecution[])[]): string[] {
  const problems: string[] = [];
  const expected = new Map<string, RealizedExecution>();
  for (const inst of realized) for (const e of inst) expected.set(e.key, e);
  const seen = new Map<string, number>();
  for (const c of run.completions) {
    seen.set(c.key, (seen.get(c.key) ?? 0) + 1);
    const e = expected.get(c.key);
    if (!e) problems.push(`${c.key} (${c.kind}) ran but the control flow never reaches it`);
    else if (e.kind !== c.kind) problems.push(`${c.key} ran as a ${c.kind}, the graph has a ${e.kind}`);
  }
  for (const [key, n] of seen) if (n > 1) problems.push(`${key} completed ${n} times`);
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`${key} is reached but never completed`);
  return problems;
}

export function checkWorkConserved(run: WorkflowRunResult, realized: readonly (readonly RealizedExecution[])[]): string[] {
  const want = realized.reduce((s, inst) => s + realizedWorkNs(inst), 0);
  let got = 0;
  for (const c of run.completions) if (c.kind === "task") got += c.executedNs;
  const problems: string[] = [];
  if (Math.abs(got - want) > REL * Math.max(1, want)) problems.push(`tasks executed ${got} ns of work; the reached tasks hold ${want} ns`);
  if (Math.abs(run.taskWorkNs - want) > REL * Math.max(1, want)) problems.push(`the run reports ${run.taskWorkNs} ns of task work; the reached tasks hold ${want} ns`);
  return problems;
}

/** The two lower bounds on a run's makespan, from its realization. */
export function makespanBounds(run: Pick<WorkflowRunResult, "arrivals" | "params" | "tbus">, realized: readonly (readonly RealizedExecution[])[]): { criticalPathNs: number; workPerUnitNs: number } {
  let cp = 0, work = 0;
  realized.forEach((inst, i) => {
    cp = Math.max(cp, run.arrivals[i] + criticalPathNs(inst, run.params.controlNs));
    work += realizedWorkNs(inst);
  });
  return { criticalPathNs: cp, workPerUnitNs: work / run.tbus };
}

export function checkMakespanBounds(run: WorkflowRunResult, realized: readonly (readonly RealizedExecution[])[]): string[] {
  const b = makespanBounds(run, realized);
  const problems: string[] = [];
  const slack = REL * Math.max(1, run.makespanNs);
  if (run.makespanNs < b.criticalPathNs - slack) problems.push(`makespan ${run.makespanNs} ns is shorter than the critical path ${b.criticalPathNs} ns`);
  if (run.makespanNs < b.workPerUnitNs - slack) problems.push(`makespan ${run.makespanNs} ns is shorter than total work / TBUs = ${b.workPerUnitNs} ns`);
  return problems;
}

export function checkSameSchedule(a: WorkflowRunResult, b: WorkflowRunResult): string[] {
  if (!a.schedule || !b.schedule) return ["both runs must be made with record: true to compare their schedules"];
  const problems: string[] = [];
  if (a.schedule.length !== b.schedule.length) problems.push(`${a.schedule.length} pieces against ${b.schedule.length}`);
  const n = Math.min(a.schedule.length, b.schedule.length);
  for (let i = 0; i < n && problems.length < 5; i++) {
    const x = a.schedule[i], y = b.schedule[i];
    if (x.key !== y.key || x.piece !== y.piece || x.unit !== y.unit || x.start !== y.start || x.computeStart !== y.computeStart || x.end !== y.end) {
      problems.push(`piece ${i} differs: ${JSON.stringify(x)} against ${JSON.stringify(y)}`);
    }
  }
  if (a.makespanNs !== b.makespanNs) problems.push(`makespan ${a.makespanNs} ns against ${b.makespanNs} ns`);
  return problems;
}

/** The run checks (exactly once, work conserved, makespan bounds) at once. */
export function checkRun(graph: WorkflowGraph, platform: Platform, run: WorkflowRunResult): string[] {
  const realized = realizeRun(graph, platform, run);
  return [...checkExactlyOnce(run, realized), ...checkWorkConserved(run, realized), ...checkMakespanBounds(run, realized)];
}
