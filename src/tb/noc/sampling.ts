/**
 * Measurement the way BookSim2 does it (TrafficManager::_SingleSim, booksim_config.cpp), so a
 * latency or throughput we print means what the literature's numbers mean:
 *
 * - Warm-up: `warmupPeriods` sample periods of `samplePeriod` cycles; nothing is measured. The
 *   statistics are cleared at the start of every other warm-up period (BookSim clears at even
 *   phases), so the last warm-up period's averages are what the first measured period is
 *   compared with.
 * - Measurement: packets created from now on are measured. After every sample period, the
 *   running averages since the start of measurement (packet latency, source queueing included;
 *   accepted flits per node per cycle) are compared with those after the previous period. When
 *   both change by at most `convergeThreshold` (relative) for 3 periods in a row, or after
 *   `maxSamples` periods in all (warm-up included), measurement stops; packets created after that
 *   are not measured, traffic keeps flowing until the measured ones are delivered.
 * - Unstable: after every period, and every 1000 cycles while the measured packets drain, the
 *   average age of the measured packets delivered so far together with every flit still in
 *   flight (source queues included) is compared with `latencyThreshold`; above it the run is
 *   declared unstable (saturated) and stops. A run whose warm-up never ends within `maxSamples`
 *   periods (warmupPeriods 0: warm-up lasts until the averages settle) is unstable too.
 *
 * A relative change that cannot be computed (no packet delivered yet: 0/0) does not hold
 * convergence back, as in BookSim, where such a comparison is false.
 *
 * This module is the decision logic alone; the mesh driver (driver.ts) feeds it the statistics.
 */
import { UserError } from "../../io/user-error.js";

export interface SamplingOptions {
  /** Cycles per sample period (BookSim sample_period). */
  readonly samplePeriod: number;
  /** Warm-up periods (warmup_periods); 0: warm up until latency and throughput settle. */
  readonly warmupPeriods: number;
  /** Periods in all, warm-up included (max_samples). */
  readonly maxSamples: number;
  /** Average latency above which the run is unstable (latency_thres). */
  readonly latencyThreshold: number;
  /** Relative change that counts as settled (warmup_thres, stopping_thres and their acc_ twins). */
  readonly convergeThreshold: number;
}

/** BookSim2's defaults (booksim_config.cpp). */
export const BOOKSIM_SAMPLING: SamplingOptions = {
  samplePeriod: 1000,
  warmupPeriods: 3,
  maxSamples: 10,
  latencyThreshold: 500,
  convergeThreshold: 0.05,
};

/** Consecutive settled periods that end measurement (BookSim's `converged < 3`). */
export const SETTLED_PERIODS = 3;
/** While measured packets drain, the latency check runs every this many cycles (BookSim: 1000). */
export const DRAIN_CHECK_CYCLES = 1000;

export class SamplingError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "SamplingError";
  }
}

/** The options checked: whole positive period, whole non-negative counts, positive thresholds. */
export function checkSampling(o: SamplingOptions): SamplingOptions {
  const whole = (name: keyof SamplingOptions, min: number) => {
    const v = o[name];
    if (!(Number.isInteger(v) && v >= min)) throw new SamplingError(`${name} = ${v} must be a whole number >= ${min}`);
  };
  whole("samplePeriod", 1);
  whole("warmupPeriods", 0);
  whole("maxSamples", 1);
  if (!(o.latencyThreshold > 0)) throw new SamplingError(`latencyThreshold = ${o.latencyThreshold} must be > 0 cycles`);
  if (!(o.convergeThreshold >= 0)) throw new SamplingError(`convergeThreshold = ${o.convergeThreshold} must be >= 0 (a relative change, 0.05 = 5%)`);
  return o;
}

/** What the driver measured over the statistics interval (since the last clear). */
export interface SampleStats {
  /** Sum and count of the latencies of the packets counted (warm-up: all delivered; measuring: measured ones). */
  readonly latencySum: number;
  readonly latencyCount: number;
  /** Flits ejected since the last clear, over all nodes. */
  readonly acceptedFlits: number;
  /** Cycles since the last clear. */
  readonly cycles: number;
  readonly nodes: number;
  /** Every flit not yet delivered (source queues included): how many and their summed age. */
  readonly inFlightFlits: number;
  readonly inFlightAgeSum: number;
}

export type SamplePhase = "warm-up" | "measuring" | "done";

/** One sample period as the monitor saw it (for reports and for replaying a decision). */
export interface SampleRecord {
  readonly phase: Exclude<SamplePhase, "done">;
  /** Average latency and accepted flits/node/cycle since the last clear. */
  readonly latency: number;
  readonly accepted: number;
  /** Relative changes from the previous period (NaN when 0/0). */
  readonly latencyChange: number;
  readonly acceptedChange: number;
}

export type SampleDecision =
  | "continue"
  /** Warm-up over: clear the statistics and measure packets created from now on. */
  | "start-measuring"
  /** Measurement over: packets created from now on are not measured; drain the measured ones. */
  | "stop-measuring"
  | "unstable";

const relChange = (cur: number, prev: number) => Math.abs((cur - prev) / cur);
/** A change above the threshold; NaN (0/0) is not above it (BookSim's comparison is false). */
const exceeds = (change: number, threshold: number) => change > threshold;

export function averageWithInFlight(s: Pick<SampleStats, "latencySum" | "latencyCount" | "inFlightFlits" | "inFlightAgeSum">): number {
  return (s.latencySum + s.inFlightAgeSum) / (s.latencyCount + s.inFlightFlits);
}

export class ConvergenceMonitor {
  phase: SamplePhase = "warm-up";
  /** Periods simulated so far, warm-up included. */
  periods = 0;
  /** Consecutive settled measurement periods. */
  settled = 0;
  /** Why the run is unstable, or "". */
  instability = "";
  readonly samples: SampleRecord[] = [];
  private prevLatency = 0;
  private prevAccepted = 0;
  private clearNext = true;

  constructor(readonly o: SamplingOptions) {
    checkSampling(o);
  }

  /** Whether the driver clears its statistics before the period that starts now. */
  clearsBeforePeriod(): boolean {
    const clear = this.clearNext || (this.phase === "warm-up" && this.periods % 2 === 0);
    this.clearNext = false;
    return clear;
  }

  /** Whether measurement settled (3 periods in a row) rather than ran out of periods. */
  get converged(): boolean {
    return this.settled >= SETTLED_PERIODS;
  }

  /** Measurement periods simulated. */
  get measuredPeriods(): number {
    return this.samples.filter((s) => s.phase === "measuring").length;
  }

  /** Called at the end of every sample period with the statistics since the last clear. */
  endOfPeriod(s: SampleStats): SampleDecision {
    if (this.phase === "done") throw new Error("ConvergenceMonitor: period ended after measurement was over");
    const latency = s.latencySum / s.latencyCount;
    const accepted = s.acceptedFlits / s.cycles / s.nodes;
    const latencyChange = relChange(latency, this.prevLatency);
    const acceptedChange = relChange(accepted, this.prevAccepted);
    this.prevLatency = latency;
    this.prevAccepted = accepted;
    this.samples.push({ phase: this.phase, latency, accepted, latencyChange, acceptedChange });
    const settled = !exceeds(latencyChange, this.o.convergeThreshold) && !exceeds(acceptedChange, this.o.convergeThreshold);
    const age = averageWithInFlight(s);
    if (age > this.o.latencyThreshold) {
      return this.unstable(`average latency with the flits in flight, ${age.toFixed(1)} cycles, passed latencyThreshold ${this.o.latencyThreshold} after ${this.periods + 1} periods`);
    }
    this.periods++;
    if (this.phase === "warm-up") {
      const warm = this.o.warmupPeriods > 0 ? this.periods >= this.o.warmupPeriods : settled;
      if (warm) {
        this.phase = "measuring";
        this.clearNext = true;
        return "start-measuring";
      }
      if (this.periods >= this.o.maxSamples) return this.unstable(`warm-up did not settle within maxSamples ${this.o.maxSamples} periods`);
      return "continue";
    }
    this.settled = settled ? this.settled + 1 : 0;
    if (this.settled >= SETTLED_PERIODS || this.periods >= this.o.maxSamples) {
      this.phase = "done";
      return "stop-measuring";
    }
    return "continue";
  }

  /** While the measured packets drain (every DRAIN_CHECK_CYCLES): "unstable" or "continue". */
  duringDrain(s: Pick<SampleStats, "latencySum" | "latencyCount" | "inFlightFlits" | "inFlightAgeSum">, drainCycles: number): SampleDecision {
    const age = averageWithInFlight(s);
    if (age > this.o.latencyThreshold) {
      return this.unstable(`average latency with the flits in flight, ${age.toFixed(1)} cycles, passed latencyThreshold ${this.o.latencyThreshold} after ${drainCycles} cycles of draining the measured packets`);
    }
    return "continue";
  }

  private unstable(why: string): SampleDecision {
    this.phase = "done";
    this.instability = why;
    return "unstable";
  }
}
