/**
 * One workflow instance's control flow in time: task flows carry live or dead signals, as owg.ts
 * defines them (dead-path elimination). A block fires once every incoming flow has signalled; if
 * one was live it runs (a task: its work on the TBUs; a branch: a decision, then a live signal on
 * the chosen flow and dead ones on the others; a loop: its body trip after trip, a decision after
 * each), else it is skipped and signals dead on. A region is done when all its sinks have
 * signalled. Dead signals travel at once; live ones when the block is done.
 *
 * It knows nothing of units or schedulers: `hooks` run the tasks and decisions and call back when
 * they are done, and carry where each result lies (DataRef), so the executor can charge moving
 * it. Decisions come from decisions.ts, so the path taken is the one realize.ts predicts.
 */
import type { TileCoord } from "../platform/types.js";
import { branchTarget, loopContinues } from "./decisions.js";
import { indexRegion, type BranchBlock, type LoopBlock, type Region, type RegionIndex, type TaskBlock } from "./owg.js";
import { executionKey } from "./seeded-draw.js";

/** A result waiting on a TBU: `bytes` at `tile`. */
export interface DataRef {
  readonly tile: TileCoord;
  readonly bytes: number;
}

export interface ControlFlowHooks {
  /** Run task `b` (execution `key`) on its inputs; call `done` with its result. */
  runTask(key: string, b: TaskBlock, trips: readonly number[], inputs: readonly DataRef[], done: (out: readonly DataRef[]) => void): void;
  /** Spend a control decision's time for `b` (execution `key`); call `done` when it is taken. */
  decide(key: string, b: BranchBlock | LoopBlock, inputs: readonly DataRef[], done: () => void): void;
}

class RegionRun {
  private readonly waiting = new Map<string, number>();
  private readonly anyLive = new Set<string>();
  private readonly inputs = new Map<string, DataRef[]>();
  private sinksLeft: number;
  private readonly out: DataRef[] = [];

  constructor(
    private readonly inst: InstanceRun,
    private readonly ix: RegionIndex,
    private readonly trips: readonly number[],
    private readonly onDone: (out: readonly DataRef[]) => void,
  ) {
    for (const [id, p] of ix.preds) this.waiting.set(id, p.length);
    this.sinksLeft = ix.sinks.length;
  }

  /** Enter the region live with `entry` as the sources' inputs. */
  start(entry: readonly DataRef[]): void {
    for (const id of this.ix.order) {
      if (this.ix.preds.get(id)!.length > 0) continue;
      this.anyLive.add(id);
      this.inputs.set(id, [...entry]);
      this.fire(id);
    }
  }

  private signal(to: string, live: boolean, data: readonly DataRef[]): void {
    if (live) {
      this.anyLive.add(to);
      let arr = this.inputs.get(to);
      if (!arr) this.inputs.set(to, (arr = []));
      arr.push(...data);
    }
    const left = this.waiting.get(to)! - 1;
    this.waiting.set(to, left);
    if (left === 0) this.fire(to);
  }

  private fire(id: string): void {
    if (!this.anyLive.has(id)) return this.finish(id, false, [], undefined);
    const b = this.ix.byId.get(id)!;
    const inputs = this.inputs.get(id) ?? [];
    const key = executionKey(this.inst.instance, id, this.trips);
    if (b.kind === "task") {
      this.inst.hooks.runTask(key, b, this.trips, inputs, (out) => this.finish(id, true, out, undefined));
    } else if (b.kind === "branch") {
      // A decision forwards its inputs: the data stays where it was made.
      this.inst.hooks.decide(key, b, inputs, () => this.finish(id, true, inputs, branchTarget(b, this.inst.seed, key)));
    } else {
      this.loopTrip(b, 0, inputs);
    }
  }

  private loopTrip(b: LoopBlock, t: number, entry: readonly DataRef[]): void {
    const trips = [...this.trips, t];
    const body = new RegionRun(this.inst, indexRegion(b.body), trips, (out) => {
      const key = executionKey(this.inst.instance, b.id, trips);
      this.inst.hooks.decide(key, b, out, () => {
        if (loopContinues(b, t, this.inst.seed, key)) this.loopTrip(b, t + 1, out);
        else this.finish(b.id, true, out, undefined);
      });
    });
    body.start(entry);
  }

  private finish(id: string, live: boolean, out: readonly DataRef[], taken: string | undefined): void {
    const succs = this.ix.succs.get(id)!;
    if (succs.length === 0) {
      if (live) this.out.push(...out);
      if (--this.sinksLeft === 0) this.onDone(this.out);
      return;
    }
    for (const s of succs) this.signal(s, live && (taken === undefined || taken === s), out);
  }
}

/** An instance of a workflow: start() runs it; `onDone` gets its final results. */
export class InstanceRun {
  constructor(
    readonly instance: number,
    readonly seed: number,
    readonly hooks: ControlFlowHooks,
  ) {}

  start(graph: Region, onDone: (out: readonly DataRef[]) => void): void {
    new RegionRun(this, indexRegion(graph), [], onDone).start([]);
  }
}
