/**
 * The balancer study of issue 11: over a seeded skewed expert-load trace with temporal locality
 * (load-trace.ts), four policies run side by side on one wafer mapping:
 *   - none: experts stay on their home devices;
 *   - invasive: the EPLB-style greedy baseline (greedy-balancer.ts): when max/mean predicted load
 *     > 1 + alpha it pauses the model, copies, resumes; the copies serve from this iteration on,
 *     and the pause (pauseCycles) is exposed on the critical path;
 *   - invasive-topo: NI-Balancer's topology-aware plan (nearest target) run invasively, in a pause:
 *     what the wsc-moe testbench's `greedy` balancer does; it separates the two gains, nearer
 *     copies (invasive -> invasive-topo) and hiding them (invasive-topo -> ni);
 *   - ni: NI-Balancer (golden niBalancerPlan: nearest target); its copies go to the background
 *     MigrationStream (migration-schedule.ts), which moves each step inside the phase windows of
 *     the golden latency model where the step is legal, as much as fits without lengthening the
 *     phase, over as many iterations as it takes; a copy serves from the iteration after it lands;
 *     a step no window can take is exposed (a pause at the end of its iteration).
 *
 * Per iteration t (t >= 1 plans; iteration 0 has no history): the predicted load of each expert is
 * its mean over the last `history` iterations; cooled replicas are evicted (below); the planner
 * runs on the predicted loads; the iteration's real loads (trace[t]) then give each device's load
 * H_d = sum over the experts it holds of l_e / r_e (replicas share an expert's tokens evenly).
 * MoE compute time is proportional to the busiest device's load (token-expert pairs it computes).
 *
 * Replicas persist across iterations, at most `slots` shadow copies per device. Eviction rule: at
 * each planning point, a shadow copy (never the home copy, nor one still in flight) of expert e is
 * dropped, newest first, when the expert has cooled, l_e / (r_e - 1) < COOL x mean H_d (with one
 * copy fewer each copy would still carry less than half an average device's load: the factor 1/2
 * is hysteresis, so a copy made when the expert was hot is not dropped at the first dip of a noisy
 * history), and dropping it keeps every device's predicted load at or below the current maximum.
 * Dropping is free (no traffic) and frees the slot. Evicting and planning both never raise the
 * maximum predicted load, which the study records per iteration.
 */
import { type BalancerPlan, type BalancerSpec, type WscMappingKind, deviceLoads, expertPlacement, imbalance, moeLayerTraffic, niBalancerPlan, wscMapping } from "../../golden/wsc.js";
import { greedyBalancerPlan } from "./greedy-balancer.js";
import { TRACE_DEFAULTS, expertLoadTrace } from "./load-trace.js";
import { type LinkModel, MigrationStream, PHASES, pauseCycles, phaseWindows } from "./migration-schedule.js";

export type BalancePolicy = "none" | "invasive" | "invasive-topo" | "ni";
export const BALANCE_POLICIES: readonly BalancePolicy[] = ["none", "invasive", "invasive-topo", "ni"];

export interface BalanceStudySpec extends LinkModel {
  readonly W: number;
  readonly H: number;
  readonly bw: number;
  readonly bh: number;
  /** FTD mapping the migration steps and phase windows follow (NI-Balancer is built for entwined). */
  readonly mapping: WscMappingKind;
  readonly experts: number;
  readonly topk: number;
  /** Tokens per TP group per iteration (the trace has tokens x bw x bh tokens per iteration). */
  readonly tokens: number;
  readonly bytesPerToken: number;
  /** Bytes of one expert's weights (what a copy moves). */
  readonly expertBytes: number;
  /** Shadow slots per device. */
  readonly slots: number;
  /** Trigger: plan when max/mean predicted device load > 1 + alpha. */
  readonly alpha: number;
  /** Iterations the predicted loads average over. */
  readonly history: number;
  readonly iterations: number;
  /** MoE layers per iteration: windows of each kind a copy can use (default STUDY_DEFAULTS.layers). */
  readonly layers?: number;
  /** stepLegal threshold (default STUDY_DEFAULTS.threshold). */
  readonly threshold?: number;
  /** Gate skew of the layer's routing (golden moeRouting) the phase windows come from (default 0). */
  readonly routingSkew?: number;
  /** Trace shape (defaults TRACE_DEFAULTS): Zipf exponent and drift of the expert popularity. */
  readonly skew?: number;
  readonly drift?: number;
  readonly seed: number;
}

export interface IterationRecord {
  readonly iteration: number;
  /** max/mean of the devices' real loads this iteration. */
  readonly imbalance: number;
  /** The busiest device's load: MoE compute time in token-expert computations. */
  readonly computeTime: number;
  readonly triggered: boolean;
  /** Max predicted device load with the replicas carried in, and after eviction + plan (t >= 1). */
  readonly predictedBefore: number;
  readonly predictedAfter: number;
  /** Migrations planned this iteration. */
  readonly migrations: number;
  /** Copies that started serving after this iteration (invasive: all planned, at once). */
  readonly landed: number;
  /** NI: landed copies none of whose steps was exposed. */
  readonly hiddenMigrations: number;
  /** NI: bytes moved inside phase windows this iteration. */
  readonly hiddenBytes: number;
  /** NI: copies still in flight after this iteration. */
  readonly pending: number;
  /** Bytes of the experts planned to be copied. */
  readonly migrationBytes: number;
  readonly exposedCycles: number;
  readonly evictions: number;
}

export interface PolicySummary {
  readonly policy: BalancePolicy;
  /** Mean over iterations of max/mean device load. */
  readonly meanImbalance: number;
  readonly computeTime: number;
  /** computeTime over the no-balancing policy's. */
  readonly computeRel: number;
  readonly exposedCycles: number;
  /** Iterations that paid exposed migration time. */
  readonly pauses: number;
  readonly triggers: number;
  readonly migrations: number;
  readonly hiddenMigrations: number;
  readonly migrationBytes: number;
  readonly evictions: number;
}

export interface BalanceStudy {
  readonly spec: Required<BalanceStudySpec>;
  /** Cycles of the all-reduce, dispatch and combine windows of one layer (golden phase latency). */
  readonly windows: { readonly allreduce: number; readonly dispatch: number; readonly combine: number };
  /** Communication cycles of one iteration (layers x the three windows), to weigh exposed time. */
  readonly commCyclesPerIteration: number;
  readonly summary: Record<BalancePolicy, PolicySummary>;
  readonly iterations: Record<BalancePolicy, IterationRecord[]>;
}

/**
 * Defaults of the study's own knobs. threshold 0.5: a local step may use an intra-FTD link that
 * carries at most half the all-reduce's busiest link ("relatively cold": under ER with 2 x 2 FTDs
 * an entwined ring puts one ring edge on the intra-FTD links it uses and up to two on the links
 * between FTDs); 0 is the strict rule, which exposes every local step over a link a ring uses.
 */
export const STUDY_DEFAULTS = { iterations: 200, layers: 1, threshold: 0.5 } as const;

function withDefaults(s: BalanceStudySpec): Required<BalanceStudySpec> {
  return { ...s, layers: s.layers ?? STUDY_DEFAULTS.layers, threshold: s.threshold ?? STUDY_DEFAULTS.threshold, routingSkew: s.routingSkew ?? 0, skew: s.skew ?? TRACE_DEFAULTS.skew, drift: s.drift ?? TRACE_DEFAULTS.drift };
}

function checkSpec(s: Required<BalanceStudySpec>): void {
  const whole: [string, number, number][] = [["slots", s.slots, 0], ["history", s.history, 1], ["iterations", s.iterations, 1], ["layers", s.layers, 1], ["expertBytes", s.expertBytes, 1]];
  for (const [k, v, lo] of whole) if (!Number.isInteger(v) || v < lo) throw new Error(`balanceStudy: ${k} = ${v} must be a whole number >= ${lo}`);
  for (const [k, v] of [["alpha", s.alpha], ["threshold", s.threshold]] as const) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`balanceStudy: ${k} = ${v} must be a number >= 0`);
  for (const [k, v] of [["linkBytes", s.linkBytes], ["linkLatency", s.linkLatency]] as const) if (!(Number.isFinite(v) && v > 0)) throw new Error(`balanceStudy: ${k} = ${v} must be a number > 0`);
}

/** A copy is dropped when, with one copy fewer, each copy would carry less than this fraction of an average device's load. */
export const COOL = 0.5;

/** Drop cooled shadow copies (rule in the header); returns how many were dropped. */
export function evictCooled(replicas: number[][], predicted: readonly number[], N: number, inFlight: (e: number, d: number) => boolean = () => false): number {
  const mean = predicted.reduce((a, b) => a + b, 0) / N;
  let dropped = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let e = 0; e < replicas.length; e++) {
      const r = replicas[e].length;
      if (r < 2 || predicted[e] / (r - 1) >= COOL * mean || inFlight(e, replicas[e][r - 1])) continue;
      const before = Math.max(...deviceLoads(replicas, predicted, N));
      const trial = replicas.map((devs, i) => (i === e ? devs.slice(0, -1) : devs));
      if (Math.max(...deviceLoads(trial, predicted, N)) > before + 1e-9) continue;
      replicas[e] = trial[e];
      dropped++;
      changed = true;
    }
  }
  return dropped;
}

/** Mean load of each expert over trace[from, to). */
function windowMean(trace: readonly (readonly number[])[], from: number, to: number): number[] {
  const out = new Array<number>(trace[0].length).fill(0);
  for (let t = from; t < to; t++) trace[t].forEach((v, e) => (out[e] += v / (to - from)));
  return out;
}

export function balanceStudy(spec: BalanceStudySpec): BalanceStudy {
  const s = withDefaults(spec);
  checkSpec(s);
  const N = s.W * s.H;
  const mapping = wscMapping(s.mapping, s.W, s.H, s.bw, s.bh);
  const placement = expertPlacement(s.experts, N);
  const layer = moeLayerTraffic({ W: s.W, H: s.H, bw: s.bw, bh: s.bh, mapping: s.mapping, experts: s.experts, topk: s.topk, tokens: s.tokens, bytesPerToken: s.bytesPerToken, seed: s.seed, skew: s.routingSkew });
  const windows = phaseWindows(s.W, layer, s);
  const trace = expertLoadTrace({ experts: s.experts, iterations: s.iterations, tokens: s.tokens * s.bw * s.bh, topk: s.topk, skew: s.skew, drift: s.drift, seed: s.seed });

  const run = (policy: BalancePolicy): IterationRecord[] => {
    // Devices holding each expert as the planner sees them (NI: copies in flight included).
    let replicas = placement.map((d) => [d]);
    const stream = new MigrationStream(windows, s, s);
    const inFlight = new Set<string>();
    const key = (e: number, d: number) => `${e}@${d}`;
    return trace.map((real, t) => {
      let plan: BalancerPlan | undefined;
      let evictions = 0, predictedBefore = 0, predictedAfter = 0, exposedCycles = 0;
      if (policy !== "none" && t >= 1) {
        const predicted = windowMean(trace, Math.max(0, t - s.history), t);
        predictedBefore = Math.max(...deviceLoads(replicas, predicted, N));
        const kept = replicas.map((r) => [...r]);
        evictions = evictCooled(kept, predicted, N, (e, d) => inFlight.has(key(e, d)));
        const bspec: BalancerSpec = { W: s.W, H: s.H, mapping, placement, loads: predicted, slots: s.slots, alpha: s.alpha, replicas: kept };
        plan = policy === "invasive" ? greedyBalancerPlan(bspec) : niBalancerPlan(bspec);
        predictedAfter = Math.max(...plan.after);
        replicas = plan.replicas;
        if (policy !== "ni") exposedCycles = pauseCycles(plan.migrations, s.expertBytes, s);
        else {
          for (const m of plan.migrations) inFlight.add(key(m.expert, m.to));
          stream.enqueue(plan.migrations);
        }
      }
      // The invasive copies serve at once (after the pause); NI's once they have landed.
      const serving = replicas.map((devs, e) => devs.filter((d) => !inFlight.has(key(e, d))));
      const Hd = deviceLoads(serving, real, N);
      let landed = 0, hiddenMigrations = 0, hiddenBytes = 0, pending = 0;
      if (policy === "ni") {
        const it = stream.iterate();
        for (const m of it.landed) inFlight.delete(key(m.expert, m.to));
        ({ hidden: hiddenMigrations, hiddenBytes, pending } = it);
        landed = it.landed.length;
        exposedCycles = it.exposedCycles;
      } else landed = plan?.migrations.length ?? 0;
      const migrations = plan?.migrations.length ?? 0;
      return {
        iteration: t, imbalance: imbalance(Hd), computeTime: Math.max(...Hd), triggered: plan?.triggered ?? false,
        predictedBefore, predictedAfter, migrations, landed, hiddenMigrations, hiddenBytes, pending,
        migrationBytes: migrations * s.expertBytes, exposedCycles, evictions,
      };
    });
  };

  const iterations = Object.fromEntries(BALANCE_POLICIES.map((p) => [p, run(p)])) as Record<BalancePolicy, IterationRecord[]>;
  const sum = (rs: readonly IterationRecord[], f: (r: IterationRecord) => number) => rs.reduce((a, r) => a + f(r), 0);
  const base = sum(iterations.none, (r) => r.computeTime);
  const summary = Object.fromEntries(BALANCE_POLICIES.map((policy) => {
    const rs = iterations[policy];
    const computeTime = sum(rs, (r) => r.computeTime);
    return [policy, {
      policy,
      meanImbalance: sum(rs, (r) => r.imbalance) / rs.length,
      computeTime,
      computeRel: base > 0 ? computeTime / base : 1,
      exposedCycles: sum(rs, (r) => r.exposedCycles),
      pauses: rs.filter((r) => r.exposedCycles > 0).length,
      triggers: rs.filter((r) => r.triggered).length,
      migrations: sum(rs, (r) => r.migrations),
      hiddenMigrations: sum(rs, (r) => r.hiddenMigrations),
      migrationBytes: sum(rs, (r) => r.migrationBytes),
      evictions: sum(rs, (r) => r.evictions),
    } satisfies PolicySummary];
  })) as Record<BalancePolicy, PolicySummary>;
  const w = { allreduce: windows.allreduce.cycles, dispatch: windows.dispatch.cycles, combine: windows.combine.cycles };
  return { spec: s, windows: w, commCyclesPerIteration: s.layers * PHASES.reduce((a, p) => a + w[p], 0), summary, iterations };
}
