/**
 * When expert copies cost time on the critical path, with the golden phase latency model
 * (phaseLatency: the busiest link's bytes / link bandwidth + the longest route's hops x the link
 * latency), for the balancer study:
 *
 *  - phaseWindows: the three phases of one MoE layer (all-reduce, dispatch, combine) with their
 *    per-link bytes, longest route and latency: the windows a migration stream can hide in;
 *  - pauseCycles: the invasive baseline pauses the model and copies with the network to itself,
 *    so all of the copies' time is exposed;
 *  - MigrationStream: NI-Balancer's background stream (its "three-stage pipelining"). Every
 *    iteration has `layers` MoE layers, each with an all-reduce, a dispatch and a combine window,
 *    in that order. A migration's steps run in order: a local step (links inside one FTD) in
 *    all-reduce windows, a global step (links between FTDs) in dispatch or combine windows. In a
 *    window a step may move bytes when it is legal there (golden stepLegal: its links carry no
 *    traffic of that phase, or at most `threshold` x the phase's busiest link), and it moves as
 *    many as keep the phase no longer than it is alone (each link's slack under the window's
 *    latency, shared first come first served with the steps placed before it). When a migration
 *    reaches a step that no window of its kind can ever take (illegal, or a route longer than the
 *    window allows), the rest of its route is copied in a pause at the end of the iteration, as the
 *    invasive baseline would (exposed: pauseCycles of what the pause carries). A copy may take
 *    several iterations; it serves once its last step is done.
 */
import { hops } from "../../golden/noc.js";
import { type Migration, type MigrationStep, type MoeLayerTraffic, phaseLatency, ringHops, stepLegal } from "../../golden/wsc.js";

export type PhaseName = "allreduce" | "dispatch" | "combine";
export const PHASES: readonly PhaseName[] = ["allreduce", "dispatch", "combine"];

/** Link bandwidth and latency of the mesh. */
export interface LinkModel {
  /** Bytes a link carries per cycle (the flit width: one flit per cycle). */
  readonly linkBytes: number;
  /** Cycles per hop. */
  readonly linkLatency: number;
}

export interface PhaseWindow {
  readonly loads: Readonly<Record<string, number>>;
  /** The longest route of the phase, in hops. */
  readonly maxHops: number;
  /** phaseLatency of the phase alone. */
  readonly cycles: number;
}

export function phaseWindows(W: number, t: MoeLayerTraffic, link: LinkModel): Record<PhaseName, PhaseWindow> {
  const H = t.dispatch.length / W;
  const matrixHops = (m: readonly (readonly number[])[]) => m.reduce((a, row, s) => row.reduce((b, v, d) => (v > 0 ? Math.max(b, hops(W, s, d)) : b), a), 0);
  const ringMax = t.allreduce.reduce((a, r) => (r.edgeBytes > 0 ? Math.max(a, ...ringHops(W, H, r.ring)) : a), 0);
  const win = (loads: Record<string, number>, maxHops: number): PhaseWindow => ({ loads, maxHops, cycles: phaseLatency(loads, maxHops, link.linkBytes, link.linkLatency) });
  return {
    allreduce: win(t.phases.allreduce, ringMax),
    dispatch: win(t.phases.dispatch, matrixHops(t.dispatch)),
    combine: win(t.phases.combine, matrixHops(t.combine)),
  };
}

/** Cycles to copy these steps (`bytes` each) with the network otherwise idle. */
export function stepsPauseCycles(steps: readonly MigrationStep[], bytes: number, link: LinkModel): number {
  if (steps.length === 0) return 0;
  const loads: Record<string, number> = {};
  for (const s of steps) for (const l of s.links) loads[l] = (loads[l] ?? 0) + bytes;
  return phaseLatency(loads, Math.max(...steps.map((s) => s.links.length)), link.linkBytes, link.linkLatency);
}

/** Migration `m` from its step k on, as one copy (the rest of an XY route is the XY route from there). */
function restOf(m: Migration, k: number): MigrationStep {
  const rest = m.steps.slice(k);
  return { kind: rest[0].kind, src: rest[0].src, dst: m.to, links: rest.flatMap((st) => st.links) };
}

/** The invasive baseline: pause, copy every expert along its whole route, resume. */
export function pauseCycles(migrations: readonly Migration[], expertBytes: number, link: LinkModel): number {
  return stepsPauseCycles(migrations.filter((m) => m.steps.length > 0).map((m) => restOf(m, 0)), expertBytes, link);
}

export interface StreamOptions {
  readonly expertBytes: number;
  /** MoE layers per iteration (windows of each kind per iteration). */
  readonly layers: number;
  /** stepLegal threshold: 0 strict (only links the phase leaves idle). */
  readonly threshold: number;
}

export interface StreamIteration {
  /** Migrations whose last step finished in this iteration (their copies serve from the next). */
  readonly landed: Migration[];
  /** Of those, the ones with no exposed step. */
  readonly hidden: number;
  /** Bytes moved inside phase windows (each step's bytes on its route counted once). */
  readonly hiddenBytes: number;
  /** Cycles of the end-of-iteration pause for the migrations with a step no window can take. */
  readonly exposedCycles: number;
  /** Copies (rests of routes) in that pause. */
  readonly exposedSteps: number;
  /** Migrations still in flight after this iteration. */
  readonly pending: number;
}

interface InFlight {
  readonly m: Migration;
  step: number;
  /** Bytes of the current step still to move. */
  left: number;
  exposed: boolean;
}

const KIND_OF: Record<PhaseName, MigrationStep["kind"]> = { allreduce: "local", dispatch: "global", combine: "global" };

export class MigrationStream {
  private readonly queue: InFlight[] = [];

  constructor(private readonly windows: Record<PhaseName, PhaseWindow>, private readonly link: LinkModel, private readonly o: StreamOptions) {}

  /** Bytes `step` may move in window `p` next to `placed` bytes already there (0: none). */
  private capacity(step: MigrationStep, p: PhaseName, placed: Readonly<Record<string, number>>): number {
    const w = this.windows[p];
    if (!stepLegal(step, w.loads, this.o.threshold)) return 0;
    // The phase stays as long as it is alone: per link, bytes / linkBytes + longest route x latency <= window.
    const budget = (w.cycles - Math.max(w.maxHops, step.links.length) * this.link.linkLatency) * this.link.linkBytes;
    return Math.max(0, Math.min(...step.links.map((l) => budget - (w.loads[l] ?? 0) - (placed[l] ?? 0))));
  }

  /** Whether some window of the step's kind can take it at all. */
  private hideable(step: MigrationStep): boolean {
    return PHASES.some((p) => KIND_OF[p] === step.kind && this.capacity(step, p, {}) > 0);
  }

  enqueue(migrations: readonly Migration[]): void {
    for (const m of migrations) this.queue.push({ m, step: 0, left: this.o.expertBytes, exposed: false });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Run one iteration's windows, then the pause for the exposed steps. */
  iterate(): StreamIteration {
    const done = (f: InFlight) => f.step >= f.m.steps.length;
    const advance = (f: InFlight) => {
      f.step++;
      f.left = this.o.expertBytes;
    };
    // Steps copied in this iteration's pause: a migration whose current step no window can take
    // copies the rest of its route there, as one message (dimension-order routes: the rest of the
    // route from a point on it is the route from that point), and is done.
    const pause: MigrationStep[] = [];
    let hiddenBytes = 0;
    const expose = (f: InFlight) => {
      if (done(f) || this.hideable(f.m.steps[f.step])) return;
      pause.push(restOf(f.m, f.step));
      f.step = f.m.steps.length;
      f.exposed = true;
    };
    this.queue.forEach(expose);
    for (let layer = 0; layer < this.o.layers; layer++) {
      for (const p of PHASES) {
        const placed: Record<string, number> = {};
        for (const f of this.queue) {
          if (done(f)) continue;
          const step = f.m.steps[f.step];
          if (step.kind !== KIND_OF[p]) continue;
          const moved = Math.min(f.left, this.capacity(step, p, placed));
          if (moved <= 0) continue;
          for (const l of step.links) placed[l] = (placed[l] ?? 0) + moved;
          hiddenBytes += moved;
          f.left -= moved;
          if (f.left <= 0) {
            advance(f);
            expose(f);
          }
        }
      }
    }
    const landed = this.queue.filter(done);
    for (const f of landed) this.queue.splice(this.queue.indexOf(f), 1);
    return {
      landed: landed.map((f) => f.m),
      hidden: landed.filter((f) => !f.exposed).length,
      hiddenBytes,
      exposedCycles: stepsPauseCycles(pause, this.o.expertBytes, this.link),
      exposedSteps: pause.length,
      pending: this.queue.length,
    };
  }
}
