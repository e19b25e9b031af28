/**
 * The golden model of a workflow instance's control flow: which executions the seed makes it
 * reach, what each waits for, and how much work each task is. Written as a plain recursive walk
 * over the structured graph (regions in topological order, loops unrolled trip by trip), a
 * different path from the event-driven run (control-flow.ts, which passes live and dead signals
 * in time), so that checks.ts can hold the run to it: every task the control flow reaches
 * completes exactly once, and the work done is the work reached.
 *
 * Dependencies are the live ones only (a task waits for the live blocks that flow into it; a
 * block after a branch waits for the decision). The run also waits for dead signals, which come
 * with decisions already counted, so the critical path over live dependencies is a lower bound on
 * any schedule.
 */
import type { Platform, Precision } from "../platform/types.js";
import { branchTarget, loopContinues } from "./decisions.js";
import { indexRegion, type Region, type WorkflowGraph } from "./owg.js";
import { executionKey } from "./seeded-draw.js";
import { taskWork, type TaskWork } from "./task-time.js";

export type ExecutionKind = "task" | "branch" | "loop";

export interface RealizedExecution {
  /** executionKey(instance, block, trips); a loop's decision after trip t has trips [..., t]. */
  readonly key: string;
  readonly instance: number;
  readonly block: string;
  readonly trips: readonly number[];
  /** "task": a TB; "branch", "loop": a control decision (a loop decides after every trip). */
  readonly kind: ExecutionKind;
  /** Tasks only. */
  readonly work?: TaskWork;
  /** Keys of the executions it waits for (earlier in the list). */
  readonly deps: readonly string[];
  /** Branch: the target taken; loop: whether another trip follows. */
  readonly choice?: string | boolean;
}

/** Every execution of instance `instance` of `graph` under `seed`, dependencies before dependents. */
export function realizeInstance(graph: WorkflowGraph, platform: Platform, seed: number, instance: number, precision: Precision = "fp16"): RealizedExecution[] {
  const out: RealizedExecution[] = [];
  const region = (r: Region, trips: readonly number[], entry: readonly string[]): string[] => {
    const ix = indexRegion(r);
    const live = new Map<string, boolean>();
    const produced = new Map<string, readonly string[]>();
    const taken = new Map<string, string>();
    for (const id of ix.order) {
      const preds = ix.preds.get(id)!;
      // A source starts with its region; any other block is live if a live flow reaches it.
      const livePreds = preds.filter((p) => live.get(p) && (!taken.has(p) || taken.get(p) === id));
      const isLive = preds.length === 0 || livePreds.length > 0;
      live.set(id, isLive);
      if (!isLive) continue;
      const deps = preds.length === 0 ? [...entry] : unique(livePreds.flatMap((p) => produced.get(p)!));
      const b = ix.byId.get(id)!;
      const key = executionKey(instance, id, trips);
      if (b.kind === "task") {
        out.push({ key, instance, block: id, trips, kind: "task", work: taskWork(b, platform, seed, key, precision), deps });
        produced.set(id, [key]);
      } else if (b.kind === "branch") {
        const target = branchTarget(b, seed, key);
        out.push({ key, instance, block: id, trips, kind: "branch", deps, choice: target });
        taken.set(id, target);
        produced.set(id, [key]);
      } else {
        let prev: readonly string[] = deps;
        for (let t = 0; ; t++) {
          const tripsT = [...trips, t];
          const bodyOut = region(b.body, tripsT, prev);
          const dkey = executionKey(instance, id, tripsT);
          const more = loopContinues(b, t, seed, dkey);
          out.push({ key: dkey, instance, block: id, trips: tripsT, kind: "loop", deps: bodyOut, choice: more });
          prev = [dkey];
          if (!more) break;
        }
        produced.set(id, prev);
      }
    }
    return unique(ix.sinks.filter((s) => live.get(s)).flatMap((s) => produced.get(s)!));
  };
  region(graph, [], []);
  return out;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/**
 * The longest chain of the instance's executions, each at its shortest: a task its longest piece
 * (all pieces side by side on enough TBUs), a control decision `controlNs`; data movement counted
 * as free. No schedule of the instance ends sooner after its arrival.
 */
export function criticalPathNs(executions: readonly RealizedExecution[], controlNs: number): number {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const e of executions) {
    let start = 0;
    for (const d of e.deps) start = Math.max(start, finish.get(d)!);
    const own = e.kind === "task" ? Math.max(...e.work!.pieces) : controlNs;
    finish.set(e.key, start + own);
    longest = Math.max(longest, start + own);
  }
  return longest;
}

/** Sum of the work of the task executions (ns of one TBU). */
export function realizedWorkNs(executions: readonly RealizedExecution[]): number {
  let s = 0;
  for (const e of executions) if (e.work) s += e.work.work;
  return s;
}
