/**
 * Expected execution frequencies of a workflow's blocks, from its branch and loop probabilities:
 * the demand Octopus's proactive cluster scheduling plans for before an instance has run
 * (mapping.ts). Per instance:
 *   - a source block of a region runs once per entry of the region;
 *   - a block's chance of being reached is the sum over its incoming flows of the chance the flow
 *     is live (a branch's flow: the branch's chance times its probability), capped at 1. That is
 *     exact for a branch whose arms merge again (the arms exclude each other) and for a fork that
 *     joins (each arm is certain); for joins of independent branches it over-counts, an
 *     estimate the planner can live with (the paper gives no estimator);
 *   - a do-while loop of continue probability c and at most M trips runs
 *     sum_{t<M} c^t = (1 - c^M) / (1 - c) trips on average (M when c = 1).
 * A task's expected work is its work at the middle of each range (a log-normal's mean for
 * sampled tasks), not the mean of the work over the range (the unit models are not linear in m);
 * again an estimate, which is all a plan needs.
 */
import type { Platform, Precision } from "../platform/types.js";
import { indexRegion, type Range, type Region, type TaskOp, type WorkflowGraph } from "./owg.js";
import { opWork, TASK_DEFAULTS } from "./task-time.js";

/** Expected trips of a do-while loop. */
export function expectedTrips(continueProb: number, maxTrips: number): number {
  if (continueProb >= 1) return maxTrips;
  return (1 - continueProb ** maxTrips) / (1 - continueProb);
}

/** Expected executions per instance of every block (loop bodies included; a loop's own entry counts its entries). */
export function expectedFrequencies(graph: WorkflowGraph): Map<string, number> {
  const freq = new Map<string, number>();
  const region = (r: Region, entries: number) => {
    const ix = indexRegion(r);
    const reach = new Map<string, number>();
    for (const id of ix.order) {
      const preds = ix.preds.get(id)!;
      let p = preds.length === 0 ? 1 : 0;
      for (const q of preds) {
        const pb = ix.byId.get(q)!;
        p += reach.get(q)! * (pb.kind === "branch" ? pb.probs[id] : 1);
      }
      p = Math.min(1, p);
      reach.set(id, p);
      freq.set(id, p * entries);
      const b = ix.byId.get(id)!;
      if (b.kind === "loop") region(b.body, p * entries * expectedTrips(b.continueProb, b.maxTrips));
    }
  };
  region(graph, 1);
  return freq;
}

const mid = (r: Range | undefined, dflt: number): number => (r === undefined ? dflt : typeof r === "number" ? r : Math.round((r[0] + r[1]) / 2));

/** The expected work of one execution of `op` (ns of one TBU), as the header says. */
export function expectedOpWorkNs(op: TaskOp, platform: Platform, precision: Precision = "fp16"): number {
  if (op.op === "sampled") return op.medianNs * Math.exp((op.sigma ?? TASK_DEFAULTS.sampledSigma) ** 2 / 2);
  const fixed: TaskOp = op.op === "gemm" ? { ...op, m: mid(op.m, 1) } : { ...op, rows: mid(op.rows, 1), context: mid(op.context, 0) };
  return opWork(fixed, platform, 0, "expected", precision).work;
}

/** Expected TB work of one instance (ns of one TBU) and expected control decisions. */
export function expectedInstanceWork(graph: WorkflowGraph, platform: Platform, precision: Precision = "fp16"): { workNs: number; decisions: number } {
  const freq = expectedFrequencies(graph);
  let workNs = 0, decisions = 0;
  const walk = (r: Region) => {
    for (const b of r.blocks) {
      const f = freq.get(b.id)!;
      if (b.kind === "task") workNs += f * expectedOpWorkNs(b.task, platform, precision);
      else if (b.kind === "branch") decisions += f;
      else {
        decisions += f * expectedTrips(b.continueProb, b.maxTrips);
        walk(b.body);
      }
    }
  };
  walk(graph);
  return { workNs, decisions };
}
