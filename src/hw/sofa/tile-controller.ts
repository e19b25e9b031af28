/**
 * Cross-stage tiling controller (SOFA's pipeline over query tiles): `stages` units in a chain, each
 * pair joined by a buffer of `banks` banks. Stage s starts tile t once it finished tile t-1, stage
 * s-1 finished tile t (the data is in bank t mod banks) and stage s+1 finished tile t-banks (the
 * bank stage s writes is free). So with ping-pong buffers DLZS predicts tile t+1 while SADS sorts
 * tile t and SU-FA attends over tile t-1. The golden is `tileSchedule` (src/golden/sofa-pipeline.ts)
 * with handoff 1: a done pulse in cycle e makes the next start visible in cycle e+1.
 *
 * It also measures what the issue asks of the pipeline: per stage the cycles busy (start cycle to
 * the cycle before done) and stalled (idle between its first start and its last done while work
 * remains), and per buffer the banks holding data (from the producer's start to the consumer's
 * done): the most at once and the sum over cycles (mean = sum / cycles).
 */
import { Module, Signal, u } from "../../hdl/index.js";
import { counterBits, fit } from "../systolic/rtl-util.js";

export interface TileControllerParams {
  readonly stages: number;
  readonly banks: number;
  readonly tiles: number;
  /** Width of the cycle counters (busy, stalls, occupancy sums). */
  readonly counterWidth?: number;
}

export interface TileControllerIo {
  readonly module: Module;
  /** Level: run (tiles start only while go is high; raise it once and keep it). */
  readonly go: Signal;
  readonly done: Signal[];
  readonly start: Signal[];
  readonly tile: Signal[];
  readonly bank: Signal[];
  readonly finished: Signal;
  readonly busyCycles: Signal[];
  readonly stallCycles: Signal[];
  readonly occMax: Signal[];
  readonly occSum: Signal[];
}

export function makeTileController(p: TileControllerParams): TileControllerIo {
  const { stages: S, banks: B, tiles: T } = p;
  if (!Number.isInteger(S) || S < 1) throw new Error(`tile controller: stages = ${S} must be a positive integer`);
  if (!Number.isInteger(B) || B < 1) throw new Error(`tile controller: banks = ${B} must be a positive integer`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`tile controller: tiles = ${T} must be a positive integer (queries / tile, rounded up)`);
  const cw = p.counterWidth ?? 32;
  const m = new Module("tile_controller");
  const tb = counterBits(T), bb = Math.max(1, counterBits(B - 1));
  const go = m.input("go", u(1));
  const done = Array.from({ length: S }, (_, s) => m.input(`done_${s}`, u(1)));
  const start = Array.from({ length: S }, (_, s) => m.output(`start_${s}`, u(1)));
  const tile = Array.from({ length: S }, (_, s) => m.output(`tile_${s}`, u(tb)));
  const bank = Array.from({ length: S }, (_, s) => m.output(`bank_${s}`, u(bb)));
  const finished = m.output("finished", u(1));
  const started = Array.from({ length: S }, (_, s) => m.signal(`started_${s}`, u(tb)));
  const ended = Array.from({ length: S }, (_, s) => m.signal(`ended_${s}`, u(tb)));
  const inFlight = Array.from({ length: S }, (_, s) => m.signal(`in_flight_${s}`, u(1)));
  const bankReg = Array.from({ length: S }, (_, s) => m.signal(`bank_reg_${s}`, u(bb)));
  const busyCycles = Array.from({ length: S }, (_, s) => m.output(`busy_cycles_${s}`, u(cw)));
  const stallCycles = Array.from({ length: S }, (_, s) => m.output(`stall_cycles_${s}`, u(cw)));
  const occMax = Array.from({ length: S - 1 }, (_, b) => m.output(`occ_max_${b}`, u(bb + 1)));
  const occSum = Array.from({ length: S - 1 }, (_, b) => m.output(`occ_sum_${b}`, u(cw)));

  for (let s = 0; s < S; s++) {
    // Start conditions, all from registers: a done pulse in cycle e shows in the counts in e+1.
    let cond = go.and(inFlight[s].not()).and(started[s].lt(T));
    if (s > 0) cond = cond.and(ended[s - 1].gt(started[s]));
    // Bank free: stage s+1 finished tile started[s] - B, i.e. ended[s+1] + B > started[s].
    if (s < S - 1) cond = cond.and(ended[s + 1].add(B).gt(started[s]));
    m.comb.set(start[s], cond);
    m.comb.set(tile[s], started[s]);
    m.comb.set(bank[s], bankReg[s]);
    m.if(start[s], () => {
      m.sync.set(started[s], fit(started[s].add(1), tb));
      m.sync.set(bankReg[s], B === 1 ? 0 : fit(bankReg[s].eq(B - 1).select(0, bankReg[s].add(1)), bb));
      m.sync.set(inFlight[s], 1);
    }).elif(done[s], () => m.sync.set(inFlight[s], 0));
    m.if(done[s], () => m.sync.set(ended[s], fit(ended[s].add(1), tb)));
    // Busy: the start cycle up to the cycle before done. Stalled: idle inside [first start, last done).
    const active = start[s].or(inFlight[s].and(done[s].not()));
    const lastDone = done[s].and(ended[s].eq(T - 1));
    const stalled = active.not().and(started[s].gt(0)).and(ended[s].lt(T)).and(lastDone.not());
    const busyReg = m.signal(`busy_count_${s}`, u(cw)), stallReg = m.signal(`stall_count_${s}`, u(cw));
    m.if(active, () => m.sync.set(busyReg, fit(busyReg.add(1), cw)));
    m.if(stalled, () => m.sync.set(stallReg, fit(stallReg.add(1), cw)));
    m.comb.set(busyCycles[s], busyReg);
    m.comb.set(stallCycles[s], stallReg);
  }
  for (let b = 0; b < S - 1; b++) {
    // Banks in use this cycle: tiles the producer started (its start cycle included) and the consumer
    // has not finished (its done cycle excluded: the bank is free from then on).
    const occ = fit(started[b].add(start[b]).sub(ended[b + 1]).sub(done[b + 1]), bb + 1);
    const maxReg = m.signal(`occ_max_reg_${b}`, u(bb + 1)), sumReg = m.signal(`occ_sum_reg_${b}`, u(cw));
    m.if(occ.gt(maxReg), () => m.sync.set(maxReg, occ));
    m.sync.set(sumReg, fit(sumReg.add(occ), cw));
    m.comb.set(occMax[b], maxReg);
    m.comb.set(occSum[b], sumReg);
  }
  m.comb.set(finished, ended[S - 1].eq(T));
  return { module: m, go, done, start, tile, bank, finished, busyCycles, stallCycles, occMax, occSum };
}
