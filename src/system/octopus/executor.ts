/**
 * A workflow run in time on the event engine (src/system/des): instances of one workflow graph
 * arrive (arrivals.ts), and each one's control flow (control-flow.ts) turns the task blocks it
 * reaches into jobs on TBUs and its control blocks into decisions, on a CBU or on TBUs, as the
 * scheduler's mechanisms say (schedulers.ts). Where a block's jobs run is the spatial mapping made
 * before the run (mapping.ts): groups of TBUs, each serving some blocks, with one queue per group.
 *
 * A job is one task execution (or, without the dual mechanism, one control decision): pieces
 * (task-time.ts) that TBUs run one at a time. A piece on TBU t first waits for its share of each
 * input to cross the mesh from where it was made to t (transfer.ts) and, if t is set up for
 * another block, for its weights to come from DRAM (the two overlap); then it computes. Every TBU
 * starts set up for a block of its group; running another block's piece sets it up for that one.
 * The tile of a job's first piece is where its result lies for the blocks after it.
 *   adaptive on:  a group's free TBUs take pieces from its queue in order: the first job with
 *                 pieces left and fewer running than its cap (ceil(work / grain), at most its
 *                 pieces and the group's TBUs), on a free TBU set up for its block if there is one,
 *                 else the one nearest its data; a TBU is free again when its piece ends.
 *   adaptive off: the job at the head of the queue waits for `share` free TBUs (lowest tile
 *                 first), runs its pieces over them and frees them all when its last piece ends.
 * A new job goes to the least loaded of its block's groups (load: work queued, on its way, and
 * left on busy TBUs, per TBU). Queues are in order of when jobs became ready (a job moved to
 * another group keeps its place). Jobs not started yet may move, with their inputs (the data
 * crosses the mesh to the new group's first TBU, and the job is queued there when it lands):
 *   diffusion on:  every period, diffusion.ts's flows between neighbouring groups over their
 *                  loads; a job moves when the flow covers at least half of it (nearest rounding);
 *   diffusion off: a group left with free TBUs and nothing to start steals, after the steal
 *                  delay, the newest unstarted job of the group with the most unstarted work;
 *                  finding none, it waits until some job has to queue.
 */
import { EventSim, Resource } from "../des/index.js";
import type { Platform, TileCoord } from "../platform/types.js";
import { distribution, type Distribution } from "../serve/distribution.js";
import { arrivalTimes } from "./arrivals.js";
import { InstanceRun, type ControlFlowHooks, type DataRef } from "./control-flow.js";
import { diffusionFlows } from "./diffusion.js";
import { expectedFrequencies, expectedOpWorkNs } from "./expected-work.js";
import { buildFabric, type Fabric } from "./fabric.js";
import { indiscriminateMapping, proactiveMapping, tbuBlocks, type Mapping } from "./mapping.js";
import { allBlocks, indexRegion, type BranchBlock, type LoopBlock, type TaskBlock, type WorkflowGraph } from "./owg.js";
import type { ExecutionKind } from "./realize.js";
import { SCHEDULER_DEFAULTS, SCHEDULER_PARAM_KEYS, checkSchedulerParams, mechanismsOf, type Mechanisms, type SchedulerName, type SchedulerParams } from "./schedulers.js";
import { taskWork } from "./task-time.js";
import { TransferModel } from "./transfer.js";

/** Bytes a control decision on a TBU reads from each of its inputs (the value its predicate tests). */
export const CONTROL_INPUT_BYTES = 64;

export interface WorkflowRunOptions extends Partial<SchedulerParams> {
  readonly scheduler: SchedulerName;
  /** Override single mechanisms of the scheduler (e.g. octopus without diffusion). */
  readonly mechanisms?: Partial<Mechanisms>;
  /** Workflow instances (requests) in the run. */
  readonly instances: number;
  /** Mean arrival rate, instances per ms (Infinity: all at time 0). */
  readonly ratePerMs: number;
  /** Seed of the arrivals, control decisions and task durations. */
  readonly seed: number;
  /** Keep every piece's placement and times (the schedule). */
  readonly record?: boolean;
}

/** One piece as it ran. */
export interface PieceRecord {
  readonly key: string;
  readonly piece: number;
  readonly unit: number;
  /** The TBU was taken at `start`, computed from `computeStart` (inputs and weights in) to `end`. */
  readonly start: number;
  readonly computeStart: number;
  readonly end: number;
}

/** One execution (task, or control decision) as it ran. */
export interface CompletionRecord {
  readonly key: string;
  readonly instance: number;
  readonly block: string;
  readonly kind: ExecutionKind;
  /** Task: the sum of its pieces' compute time as run; control: the decision's time. */
  readonly executedNs: number;
  /** Where it ran: "tbu" (pieces on TBUs) or "cbu". */
  readonly on: "tbu" | "cbu";
  /** The group whose TBUs ran it, or for a CBU the cluster. */
  readonly group: number;
  /** Distinct TBUs its pieces ran on (0 on a CBU). */
  readonly units: number;
  readonly start: number;
  readonly end: number;
}

/** The TBUs a block was mapped to before the run (its share of each group it is in). */
export interface BlockPlacement {
  readonly block: string;
  readonly groups: readonly number[];
  readonly tbus: number;
}

export interface WorkflowRunResult {
  readonly scheduler: SchedulerName;
  readonly mechanisms: Mechanisms;
  readonly params: SchedulerParams;
  readonly platform: string;
  readonly graph: string;
  readonly seed: number;
  readonly instances: number;
  readonly ratePerMs: number;
  readonly tbus: number;
  readonly clusters: number;
  readonly clusterSide: { readonly x: number; readonly y: number };
  readonly cbus: number;
  readonly groups: number;
  readonly placement: readonly BlockPlacement[];
  /** From time 0 (the first arrival) to the last instance's end, ns. */
  readonly makespanNs: number;
  /** TBU time spent computing pieces (tasks, and control decisions on TBUs), ns. */
  readonly busyNs: number;
  /** Of which task blocks' work. */
  readonly taskWorkNs: number;
  readonly controlOnTbuNs: number;
  /** busy / (TBUs x makespan). */
  readonly utilization: number;
  /** TBUs x makespan - busy: TBU time not computing. */
  readonly idleNs: number;
  /** Of the idle time, what TBUs spent held by a block but not computing (waiting for inputs or weights, or allocated and unused). */
  readonly heldIdleNs: number;
  /** Time pieces waited for inputs to cross the mesh, ns (summed over pieces). */
  readonly transferWaitNs: number;
  /** Pieces that had to load their weights first (their TBU was set up for another block), and the time. */
  readonly reloads: { readonly count: number; readonly ns: number };
  /** Jobs moved between groups (steals or diffusion) and the bytes that moved with them. */
  readonly moves: { readonly jobs: number; readonly bytes: number };
  /** Instance latency, arrival to end, ns. */
  readonly latency: Distribution;
  readonly arrivals: readonly number[];
  readonly finishes: readonly number[];
  readonly completions: readonly CompletionRecord[];
  readonly schedule?: readonly PieceRecord[];
  readonly events: number;
}

interface Job {
  readonly seq: number;
  readonly key: string;
  readonly instance: number;
  readonly block: string;
  readonly kind: ExecutionKind;
  readonly pieces: readonly number[];
  readonly weights: readonly number[] | undefined;
  readonly work: number;
  readonly cap: number;
  inputs: readonly DataRef[];
  group: number;
  next: number;
  running: number;
  done: number;
  executed: number;
  moving: boolean;
  home?: TileCoord;
  start: number;
  readonly usedUnits: Set<number>;
  held?: number[];
  heldSince: number;
  readonly onDone: (home: TileCoord) => void;
}

interface GroupState {
  readonly unitList: readonly number[];
  readonly units: number;
  readonly queue: Job[];
  readonly free: number[];
  /** Work of pieces queued here and not started (jobs on their way included). */
  queuedWork: number;
  stealPending: boolean;
}

const movable = (j: Job) => j.next === 0 && !j.moving && j.held === undefined;

class WorkflowExecutor {
  readonly sim = new EventSim();
  readonly fabric: Fabric;
  readonly transfer: TransferModel;
  readonly mapping: Mapping;
  readonly gs: GroupState[];
  readonly cbus: Resource[];
  private seq = 0;
  private finished = 0;
  busyNs = 0;
  taskWorkNs = 0;
  controlOnTbuNs = 0;
  heldNs = 0;
  transferWaitNs = 0;
  reloadCount = 0;
  reloadNs = 0;
  movedJobs = 0;
  movedBytes = 0;
  readonly completions: CompletionRecord[] = [];
  readonly schedule: PieceRecord[] | undefined;
  readonly finishes: number[];
  private readonly hungry = new Set<number>();
  /** When each TBU's current piece ends. */
  private readonly busyUntil: Float64Array;
  /** The block each TBU is set up for. */
  private readonly resident: (string | undefined)[];

  constructor(
    readonly graph: WorkflowGraph,
    readonly platform: Platform,
    readonly mech: Mechanisms,
    readonly p: SchedulerParams,
    readonly seed: number,
    readonly instances: number,
    record: boolean,
  ) {
    this.fabric = buildFabric(platform, { clusterSide: p.clusterSide, cbusPerCluster: p.cbusPerCluster });
    this.transfer = new TransferModel(platform, p.forwarding);
    const blocks = tbuBlocks(graph, !mech.dual);
    if (mech.proactive) {
      const freq = expectedFrequencies(graph);
      const demand = new Map<string, number>();
      for (const b of allBlocks(graph)) {
        if (!blocks.includes(b.id)) continue;
        // A loop decides once per trip: its expected decisions are its body's expected entries.
        const decisions = b.kind === "loop" ? freq.get(indexRegion(b.body).order[0])! : freq.get(b.id)!;
        demand.set(b.id, b.kind === "task" ? freq.get(b.id)! * expectedOpWorkNs(b.task, platform, p.precision) : decisions * p.controlNs);
      }
      this.mapping = proactiveMapping(this.fabric, blocks, demand);
    } else {
      this.mapping = indiscriminateMapping(this.fabric, blocks);
    }
    this.gs = this.mapping.groups.map((g) => ({ unitList: g.units, units: g.units.length, queue: [], free: [...g.units], queuedWork: 0, stealPending: false }));
    this.resident = new Array(this.fabric.tiles.length).fill(undefined);
    for (const g of this.mapping.groups) g.units.forEach((u, k) => (this.resident[u] = g.blocks[k % g.blocks.length]));
    this.cbus = this.fabric.clusters.map((c) => new Resource(this.sim, p.cbusPerCluster, `cbu ${c.index}`));
    this.schedule = record ? [] : undefined;
    this.finishes = new Array<number>(instances).fill(NaN);
    this.busyUntil = new Float64Array(this.fabric.tiles.length);
  }

  placement(): BlockPlacement[] {
    return [...this.mapping.groupsOf].map(([block, groups]) => ({
      block, groups, tbus: groups.reduce((s, k) => s + this.mapping.groups[k].units.length / this.mapping.groups[k].blocks.length, 0),
    }));
  }

  private gang(g: number): number {
    return Math.min(this.p.share, this.gs[g].units);
  }

  /** Work left per TBU in group g: queued, on its way, and what its busy TBUs have left. */
  private load(g: number): number {
    const s = this.gs[g], now = this.sim.now;
    let w = s.queuedWork;
    for (const u of s.unitList) if (this.busyUntil[u] > now) w += this.busyUntil[u] - now;
    return w / s.units;
  }

  // ---- instances and their hooks ----

  startInstance(i: number): void {
    const hooks: ControlFlowHooks = {
      runTask: (key, b, _trips, inputs, done) => this.runTask(i, key, b, inputs, done),
      decide: (key, b, inputs, done) => this.decide(i, key, b, inputs, done),
    };
    new InstanceRun(i, this.seed, hooks).start(this.graph, () => {
      this.finishes[i] = this.sim.now;
      this.finished++;
    });
  }

  /** The least loaded group serving `block` (lowest index on a tie). */
  private route(block: string): number {
    const gs = this.mapping.groupsOf.get(block)!;
    let best = gs[0];
    if (gs.length > 1) {
      let bestLoad = this.load(best);
      for (let k = 1; k < gs.length; k++) {
        const l = this.load(gs[k]);
        if (l < bestLoad) { best = gs[k]; bestLoad = l; }
      }
    }
    return best;
  }

  private runTask(i: number, key: string, b: TaskBlock, inputs: readonly DataRef[], done: (out: readonly DataRef[]) => void): void {
    const w = taskWork(b, this.platform, this.seed, key, this.p.precision);
    const g = this.route(b.id);
    const cap = this.mech.adaptive ? Math.max(1, Math.min(w.pieces.length, Math.ceil(w.work / this.p.grainNs), this.gs[g].units)) : this.gang(g);
    this.enqueue(this.newJob(i, key, b.id, "task", w.pieces, w.pieceWeightBytes, cap, inputs, (home) => done([{ tile: home, bytes: w.outBytes }])), g);
  }

  private decide(i: number, key: string, b: BranchBlock | LoopBlock, inputs: readonly DataRef[], done: () => void): void {
    const kind: ExecutionKind = b.kind;
    if (this.mech.dual) {
      // Decided on the control plane beside the data it tests: the CBU of the cluster its first input lies in.
      const t = inputs[0]?.tile;
      const cluster = t ? this.fabric.clusterOf[t.y * this.fabric.mesh.x + t.x] : 0;
      const sim = this.sim, cbu = this.cbus[cluster], ns = this.p.controlNs;
      const rec = (start: number) => this.completions.push({ key, instance: i, block: b.id, kind, executedNs: ns, on: "cbu", group: cluster, units: 0, start, end: sim.now });
      sim.process((function* () {
        yield cbu.request();
        const start = sim.now;
        yield sim.timeout(ns);
        cbu.release();
        rec(start);
      })(), `decide ${key}`).then(done);
      return;
    }
    // Without the control plane a decision is a block like any other on the TBUs.
    const small = inputs.map((d) => ({ tile: d.tile, bytes: Math.min(d.bytes, CONTROL_INPUT_BYTES) }));
    const g = this.route(b.id);
    const cap = this.mech.adaptive ? 1 : this.gang(g);
    this.enqueue(this.newJob(i, key, b.id, kind, [this.p.controlNs], undefined, cap, small, () => done()), g);
  }

  private newJob(instance: number, key: string, block: string, kind: ExecutionKind, pieces: readonly number[], weights: readonly number[] | undefined, cap: number, inputs: readonly DataRef[], onDone: (home: TileCoord) => void): Job {
    let work = 0;
    for (const x of pieces) work += x;
    return { seq: this.seq++, key, instance, block, kind, pieces, weights, work, cap, inputs, group: -1, next: 0, running: 0, done: 0, executed: 0, moving: false, start: NaN, usedUnits: new Set(), heldSince: 0, onDone };
  }

  // ---- queues and dispatch ----

  private enqueue(job: Job, g: number): void {
    job.group = g;
    const s = this.gs[g];
    const q = s.queue;
    // In order of readiness: a job that moved here takes the place its age gives it.
    let at = q.length;
    while (at > 0 && q[at - 1].seq > job.seq) at--;
    q.splice(at, 0, job);
    s.queuedWork += job.work;
    this.dispatch(g);
    if (!this.mech.diffusion && movable(job) && this.hungry.size > 0) {
      for (const h of this.hungry) this.scheduleSteal(h);
      this.hungry.clear();
    }
  }

  private dispatch(g: number): void {
    const s = this.gs[g];
    if (this.mech.adaptive) {
      while (s.free.length > 0) {
        const job = s.queue.find((j) => j.next < j.pieces.length && j.running < j.cap);
        if (!job) break;
        this.startPiece(job, this.takeAffine(g, job));
        if (job.next === job.pieces.length) s.queue.splice(s.queue.indexOf(job), 1);
      }
    } else {
      const n = this.gang(g);
      while (s.free.length >= n && s.queue.length > 0) {
        const job = s.queue.shift()!;
        s.free.sort((a, b) => a - b);
        job.held = s.free.splice(0, n);
        job.heldSince = this.sim.now;
        for (const u of job.held) if (job.next < job.pieces.length) this.startPiece(job, u);
      }
    }
    if (!this.mech.diffusion && this.hasRoom(g)) this.scheduleSteal(g);
  }

  /** Whether group g could start a job now (it has the TBUs a job needs and none queued to take them). */
  private hasRoom(g: number): boolean {
    const s = this.gs[g];
    return this.mech.adaptive ? s.free.length > 0 : s.free.length >= this.gang(g);
  }

  /**
   * The free TBU of group g for the job's next piece: one set up for its block if any (no weights
   * to load), then the nearest to its data (its first piece's TBU, else its largest input, else
   * the group's first TBU), then the lowest tile.
   */
  private takeAffine(g: number, job: Job): number {
    const free = this.gs[g].free;
    let target = job.home;
    if (!target) {
      let big = -1;
      for (const d of job.inputs) if (d.bytes > big) { big = d.bytes; target = d.tile; }
    }
    target ??= this.fabric.tiles[this.gs[g].unitList[0]];
    const needsSetup = job.kind === "task" && job.weights !== undefined && job.weights[job.next] > 0;
    let best = -1, bestKey = Infinity;
    for (let k = 0; k < free.length; k++) {
      const u = free[k];
      const setup = needsSetup && this.resident[u] !== job.block ? 1 : 0;
      const key = setup * 1e9 + this.transfer.hops(this.fabric.tiles[u], target) * 1e6 + u;
      if (key < bestKey) { best = k; bestKey = key; }
    }
    return free.splice(best, 1)[0];
  }

  private startPiece(job: Job, unit: number): void {
    const piece = job.next++;
    job.running++;
    const now = this.sim.now, tile = this.fabric.tiles[unit];
    if (!job.home) {
      job.home = tile;
      job.start = now;
    }
    job.usedUnits.add(unit);
    let wait = 0;
    for (const d of job.inputs) wait = Math.max(wait, this.transfer.ns(d.tile, tile, d.bytes / job.pieces.length));
    this.transferWaitNs += wait;
    if (job.kind === "task" && this.resident[unit] !== job.block) {
      const bytes = job.weights?.[piece] ?? 0;
      if (bytes > 0) {
        const reload = this.transfer.fromDramNs(tile, bytes);
        this.reloadCount++;
        this.reloadNs += reload;
        wait = Math.max(wait, reload);
      }
      this.resident[unit] = job.block;
    }
    const dur = job.pieces[piece];
    this.busyNs += dur;
    this.gs[job.group].queuedWork -= dur;
    this.schedule?.push({ key: job.key, piece, unit, start: now, computeStart: now + wait, end: now + wait + dur });
    this.busyUntil[unit] = now + wait + dur;
    this.sim.schedule(wait + dur, () => this.pieceDone(job, unit, dur, wait + dur));
  }

  private pieceDone(job: Job, unit: number, dur: number, held: number): void {
    job.running--;
    job.done++;
    job.executed += dur;
    const g = job.group, s = this.gs[g];
    if (job.held) {
      if (job.next < job.pieces.length) this.startPiece(job, unit);
    } else {
      this.heldNs += held;
      s.free.push(unit);
    }
    if (job.done === job.pieces.length) {
      if (job.held) {
        this.heldNs += job.held.length * (this.sim.now - job.heldSince);
        s.free.push(...job.held);
      }
      if (job.kind === "task") this.taskWorkNs += job.executed;
      else this.controlOnTbuNs += job.executed;
      this.completions.push({ key: job.key, instance: job.instance, block: job.block, kind: job.kind, executedNs: job.executed, on: "tbu", group: g, units: job.usedUnits.size, start: job.start, end: this.sim.now });
      job.onDone(job.home!);
    }
    this.dispatch(g);
  }

  // ---- moving jobs between groups ----

  private move(job: Job, to: number): void {
    const from = this.gs[job.group];
    from.queue.splice(from.queue.indexOf(job), 1);
    from.queuedWork -= job.work;
    this.gs[to].queuedWork += job.work;
    job.moving = true;
    const dest = this.fabric.tiles[this.gs[to].unitList[0]];
    let delay = 0, bytes = 0;
    for (const d of job.inputs) {
      delay = Math.max(delay, this.transfer.ns(d.tile, dest, d.bytes));
      bytes += d.bytes;
    }
    this.movedJobs++;
    this.movedBytes += bytes;
    job.inputs = job.inputs.map((d) => ({ tile: dest, bytes: d.bytes }));
    this.sim.schedule(delay, () => {
      job.moving = false;
      // enqueue() counts the job's work again.
      this.gs[to].queuedWork -= job.work;
      this.enqueue(job, to);
    });
  }

  private scheduleSteal(g: number): void {
    const s = this.gs[g];
    if (s.stealPending) return;
    s.stealPending = true;
    this.sim.schedule(this.p.stealDelayNs, () => {
      s.stealPending = false;
      if (!this.hasRoom(g) || s.queue.some(movable)) return;
      let victim = -1, most = 0;
      this.gs.forEach((v, k) => {
        if (k === g) return;
        let w = 0;
        for (const j of v.queue) if (movable(j)) w += j.work;
        if (w > most) { most = w; victim = k; }
      });
      if (victim < 0) {
        this.hungry.add(g);
        return;
      }
      const q = this.gs[victim].queue;
      for (let k = q.length - 1; k >= 0; k--) {
        if (movable(q[k])) {
          this.move(q[k], g);
          break;
        }
      }
    });
  }

  diffusionRound(): void {
    if (this.finished === this.instances) return;
    const loads = this.gs.map((_, g) => this.load(g));
    const flows = diffusionFlows(loads, this.mapping.neighbours, this.p.alpha);
    const moved = new Set<Job>();
    for (const f of flows) {
      let budget = f.amount * Math.min(this.gs[f.from].units, this.gs[f.to].units);
      const q = [...this.gs[f.from].queue];
      for (let k = q.length - 1; k >= 0 && budget > 0; k--) {
        const j = q[k];
        if (!movable(j) || moved.has(j) || j.work > 2 * budget) continue;
        moved.add(j);
        budget -= j.work;
        this.move(j, f.to);
      }
    }
    this.sim.schedule(this.p.diffusionPeriodNs, () => this.diffusionRound());
  }
}

/** Run `o.instances` instances of `graph` on `platform` under `o.scheduler`. */
export function runWorkflows(graph: WorkflowGraph, platform: Platform, o: WorkflowRunOptions): WorkflowRunResult {
  const params = { ...SCHEDULER_DEFAULTS } as Record<keyof SchedulerParams, unknown>;
  for (const k of SCHEDULER_PARAM_KEYS) if (o[k] !== undefined) params[k] = o[k];
  checkSchedulerParams(params as SchedulerParams);
  return runChecked(graph, platform, o, params as SchedulerParams);
}

function runChecked(graph: WorkflowGraph, platform: Platform, o: WorkflowRunOptions, params: SchedulerParams): WorkflowRunResult {
  const mech: Mechanisms = { ...mechanismsOf(o.scheduler), ...o.mechanisms };
  const arrivals = arrivalTimes(o.instances, o.ratePerMs, o.seed);
  const x = new WorkflowExecutor(graph, platform, mech, params, o.seed, o.instances, o.record ?? false);
  arrivals.forEach((t, i) => x.sim.schedule(t, () => x.startInstance(i)));
  if (mech.diffusion) x.sim.schedule(params.diffusionPeriodNs, () => x.diffusionRound());
  x.sim.run();
  if (x.finishes.some((f) => Number.isNaN(f))) throw new Error(`internal: ${x.finishes.filter((f) => Number.isNaN(f)).length} workflow instances never finished`);
  const makespanNs = Math.max(...x.finishes);
  const tbus = x.fabric.tiles.length;
  const lat = x.finishes.map((f, i) => f - arrivals[i]);
  return {
    scheduler: o.scheduler, mechanisms: mech, params, platform: platform.name, graph: graph.name, seed: o.seed, instances: o.instances, ratePerMs: o.ratePerMs,
    tbus, clusters: x.fabric.clusters.length, clusterSide: x.fabric.clusterSide, cbus: mech.dual ? x.fabric.clusters.length * params.cbusPerCluster : 0,
    groups: x.gs.length, placement: x.placement(),
    makespanNs, busyNs: x.busyNs, taskWorkNs: x.taskWorkNs, controlOnTbuNs: x.controlOnTbuNs,
    utilization: makespanNs > 0 ? x.busyNs / (tbus * makespanNs) : 0, idleNs: tbus * makespanNs - x.busyNs, heldIdleNs: x.heldNs - x.busyNs,
    transferWaitNs: x.transferWaitNs, reloads: { count: x.reloadCount, ns: x.reloadNs }, moves: { jobs: x.movedJobs, bytes: x.movedBytes },
    latency: distribution(lat),
    arrivals, finishes: x.finishes, completions: x.completions, ...(x.schedule && { schedule: x.schedule }), events: x.sim.eventsProcessed,
  };
}
