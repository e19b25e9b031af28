/**
 * Driving the BRCR engine (src/hw/bitslice/brcr-engine.ts) from a testbench: the pattern stream in
 * the engine's order, the activations (backdoor before reset, or through the x write port), and a
 * job run that checks every output write the cycle it shows, done and the counters, then reads y
 * back. Shared by the `mcbp-brcr` testbench and the unit tests, and meant for the end-to-end
 * `mcbp-gemm`, whose pattern stream comes from the BSTC decoder: there the engine is an instance
 * inside a larger top (give `prefix`, e.g. "brcr."), and `BrcrMonitor` checks it while the caller
 * steps the design.
 */
import { bitPlanes, brcrPlane, gemvInt, groupCount, groupPattern, halfPlane } from "../../golden/bitslice.js";
import { BrcrPass, BrcrSchedule, brcrAccCycle, brcrPasses, brcrSchedule, brcrTiledCounts } from "../../golden/bitslice-brcr-timing.js";
import { s } from "../../hdl/index.js";
import { BrcrEngineParams, brcrLayout, xMemName, yMemName } from "../../hw/bitslice/brcr-params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, randInt, writeWords } from "../harness.js";

const S32 = s(32);

/** One column on the pattern stream. */
export interface BrcrColumn {
  readonly mag: number;
  readonly sign: number;
  readonly last: 0 | 1;
}

/** The engine's pattern stream for W: plane p = 1..7, column tile, group, column (brcr-engine.ts). */
export function brcrPatternStream(W: readonly (readonly number[])[], p: BrcrEngineParams): BrcrColumn[] {
  const L = brcrLayout(p);
  const bp = bitPlanes(W);
  const out: BrcrColumn[] = [];
  for (let pl = 1; pl <= 7; pl++) {
    for (let c0 = 0; c0 < p.cols; c0 += L.camCols) {
      const c1 = Math.min(p.cols, c0 + L.camCols);
      for (let g = 0; g < groupCount(p.rows, p.m); g++) {
        for (let c = c0; c < c1; c++) {
          out.push({ mag: groupPattern(bp.planes[pl - 1], p.m, g, c), sign: groupPattern(bp.sign, p.m, g, c), last: c === c1 - 1 ? 1 : 0 });
        }
      }
    }
  }
  return out;
}

/** Find a memory of the design by its local name (under `prefix` when the engine is an instance). */
function memId(sim: Simulator, name: string): number {
  const hit = sim.net.memories.find((mm) => mm.name === name || mm.name.endsWith("." + name));
  if (!hit) throw new Error(`brcr drive: the design has no memory '${name}'`);
  return hit.id;
}

/**
 * Backdoor fill of the activation banks (call before reset, so co-simulation can start the Verilog
 * from the same contents): every word random first (what SRAM holds at power-up; words past the
 * last column must not matter), then X[b][c] at xPlace(c) of lane b.
 */
export function loadActivations(sim: Simulator, p: BrcrEngineParams, X: readonly (readonly number[])[], r: () => number): void {
  const L = brcrLayout(p);
  for (let b = 0; b < p.batch; b++) {
    const ids = Array.from({ length: L.convs }, (_, k) => memId(sim, xMemName(b, k)));
    for (const id of ids) for (let a = 0; a < L.xDepth; a++) sim.engine.writeMemory(id, a, BigInt(randInt(r, -128, 127)));
    X[b].forEach((v, c) => {
      const at = L.xPlace(c);
      sim.engine.writeMemory(ids[at.bank], at.addr, BigInt(v));
    });
  }
  sim.engine.settleAll();
}

/** Write X through the engine's x port, one word per cycle (after reset); returns the cycles. */
export function writeActivations(sim: Simulator, p: BrcrEngineParams, X: readonly (readonly number[])[], prefix = ""): number {
  const L = brcrLayout(p);
  return writeWords(sim, `${prefix}x_`, X.flatMap((x, b) => x.map((v, c) => {
    const at = L.xPlace(c);
    return { lane: b, bank: at.bank, addr: at.addr, data: v };
  })));
}

/** One expected output write: the accumulated value of `row` in every lane after pass n's half. */
export interface BrcrAccEvent {
  readonly pass: number;
  readonly negative: boolean;
  /** Group row (0..m-1) and output row. */
  readonly i: number;
  readonly row: number;
  readonly values: number[];
}

/**
 * Every output write of a job, in order, with the partial sums golden brcrPlane gives per plane,
 * half and column tile: y[row] after the write = sum over the passes so far of (+/-) 2^(p-1) y_tile.
 */
export function expectedAccEvents(W: readonly (readonly number[])[], X: readonly (readonly number[])[], p: BrcrEngineParams, passes: readonly BrcrPass[]): BrcrAccEvent[] {
  const L = brcrLayout(p);
  const part = new Map<string, number[][]>(); // plane,neg,tile -> per lane y of that tile
  const tileY = (pl: number, neg: boolean, t: number): number[][] => {
    const k = `${pl},${neg},${t}`;
    let v = part.get(k);
    if (!v) {
      const c0 = t * L.camCols, c1 = Math.min(p.cols, c0 + L.camCols);
      const plane = halfPlane(W, pl, neg).map((row) => row.slice(c0, c1));
      v = X.map((x) => brcrPlane(plane, x.slice(c0, c1), p.m).y);
      part.set(k, v);
    }
    return v;
  };
  const y = X.map(() => new Array<number>(p.rows).fill(0));
  const out: BrcrAccEvent[] = [];
  passes.forEach((ps, n) => {
    for (const neg of [false, true]) {
      const ty = tileY(ps.plane, neg, ps.tile);
      for (let i = 0; i < p.m; i++) {
        const row = ps.group * p.m + i;
        if (row >= p.rows) continue;
        const values = y.map((yb, b) => (yb[row] += (neg ? -1 : 1) * 2 ** (ps.plane - 1) * ty[b][row]));
        out.push({ pass: n, negative: neg, i, row, values });
      }
    }
  });
  return out;
}

/**
 * Checks the engine's outputs cycle by cycle: every acc write in order (row, every lane's value,
 * and with `sched` its cycle), pat_err low, done exactly once after the last write (at sched.total
 * with `sched`). Call `onCycle(cycle)` once per cycle before stepping.
 */
export class BrcrMonitor {
  private next = 0;
  doneAt = -1;
  private readonly accValid;
  private readonly accRow;
  private readonly accData;
  private readonly done;
  private readonly patErr;

  constructor(
    sim: Simulator, private readonly p: BrcrEngineParams, private readonly events: readonly BrcrAccEvent[], private readonly check: Checker,
    private readonly timing?: { passes: readonly BrcrPass[]; sched: BrcrSchedule }, prefix = "",
  ) {
    const a = (n: string) => sim.accessor(prefix + n);
    this.accValid = a("acc_valid");
    this.accRow = a("acc_row");
    this.accData = Array.from({ length: p.batch }, (_, b) => a(`acc_data_${b}`));
    this.done = a("done");
    this.patErr = a("pat_err");
  }

  get finished(): boolean {
    return this.doneAt >= 0;
  }

  onCycle(cycle: number): void {
    const { check } = this;
    if (this.accValid.get() === 1) {
      const e = this.events[this.next++];
      if (!e) check.fail(`cycle ${cycle}: an output write after the ${this.events.length} expected ones`);
      else {
        const at = `cycle ${cycle}: write ${this.next - 1} (pass ${e.pass}, ${e.negative ? "W-" : "W+"}, row ${e.row})`;
        check.equal(`${at}: acc_row`, this.accRow.get(), e.row);
        if (this.timing) check.equal(`${at}: its cycle`, cycle, brcrAccCycle(this.timing.passes, this.timing.sched, e.pass, e.negative, e.i));
        e.values.forEach((v, b) => {
          const got = this.accData[b].get();
          if (got !== v) check.equal(`${at}: acc_data_${b}`, got, v, S32);
          else check.checks++;
        });
      }
    }
    if (this.patErr.get() !== 0) check.equal(`cycle ${cycle}: pat_err`, this.patErr.get(), 0);
    if (this.done.get() === 1) {
      if (this.doneAt >= 0) check.fail(`cycle ${cycle}: done again (first at ${this.doneAt})`);
      else this.doneAt = cycle;
      check.equal(`cycle ${cycle}: output writes before done`, this.next, this.events.length);
      if (this.timing) check.equal("done at the modelled cycle", cycle, this.timing.sched.total);
    }
  }
}

/**
 * After done: busy low, merge_adds / recon_adds == golden brcrTiledCounts x batch, and y of every
 * lane == gemvInt, read through y_rd_addr one row a cycle (so a co-simulation sees the port) or,
 * with `backdoor` (the engine inside a top that drives y_rd_addr itself), from the memories.
 * Returns what it read, and the cycles counter.
 */
export function checkBrcrEnd(
  sim: Simulator, p: BrcrEngineParams, W: readonly (readonly number[])[], X: readonly (readonly number[])[], check: Checker,
  o: { prefix?: string; backdoor?: boolean } = {},
): { mergeAdds: number; reconAdds: number; cycles: number; Y: number[][] } {
  const pre = o.prefix ?? "";
  check.equal("busy low at done", sim.peekNumber(pre + "busy"), 0);
  const cycles = sim.peekNumber(pre + "cycles");
  const mergeAdds = sim.peekNumber(pre + "merge_adds"), reconAdds = sim.peekNumber(pre + "recon_adds");
  const want = brcrTiledCounts(W, p.m, p.tile);
  check.equal("merge_adds (golden brcrTiledCounts x batch)", mergeAdds, want.mergeAdds * p.batch);
  check.equal("recon_adds (golden brcrTiledCounts x batch)", reconAdds, want.reconAdds * p.batch);
  const Y = X.map(() => new Array<number>(p.rows).fill(0));
  if (o.backdoor) {
    X.forEach((_, b) => {
      const id = memId(sim, yMemName(b));
      for (let r = 0; r < p.rows; r++) Y[b][r] = Number(sim.engine.readMemory(id, r));
    });
  } else {
    const rd = sim.accessor(pre + "y_rd_addr");
    for (let r = 0; r < p.rows; r++) {
      rd.set(r);
      for (let b = 0; b < p.batch; b++) Y[b][r] = sim.peekNumber(`${pre}y_rd_data_${b}`);
      sim.step();
    }
  }
  X.forEach((x, b) => {
    const want = gemvInt(W, x);
    const bad = want.findIndex((v, r) => v !== Y[b][r]);
    check.ok(`lane ${b}: y == gemvInt(W, x)${bad >= 0 ? ` (first difference at row ${bad}: ${Y[b][bad]} vs ${want[bad]})` : ""}`, bad < 0);
  });
  return { mergeAdds, reconAdds, cycles, Y };
}

export interface BrcrJobOptions {
  /** Probability that the source has no column in a cycle (0: always valid; the cycle model holds only then). */
  readonly gaps?: number;
  readonly r?: () => number;
  /** Pattern stream to send instead of brcrPatternStream(W) (to inject faults). */
  readonly stream?: readonly BrcrColumn[];
}

export interface BrcrJobOutcome {
  readonly cycles: number;
  readonly mergeAdds: number;
  readonly reconAdds: number;
  /** Cycles the source had a column but the engine was not ready. */
  readonly stalls: number;
  /** The outputs read back, per lane. */
  readonly Y: number[][];
  readonly passes: readonly BrcrPass[];
}

/**
 * One job on a reset engine (the simulated top) whose activations are loaded: start, send the
 * stream (honouring pat_ready), check every output write and done (BrcrMonitor; with the cycle
 * model when the source never gaps), then checkBrcrEnd.
 */
export function runBrcrJob(sim: Simulator, p: BrcrEngineParams, W: readonly (readonly number[])[], X: readonly (readonly number[])[], check: Checker, o: BrcrJobOptions = {}): BrcrJobOutcome {
  const passes = brcrPasses(W, { m: p.m, tile: p.tile, converters: p.converters });
  const sched = brcrSchedule(passes, p.m);
  const gaps = o.gaps ?? 0;
  const mon = new BrcrMonitor(sim, p, expectedAccEvents(W, X, p, passes), check, gaps === 0 && !o.stream ? { passes, sched } : undefined);
  const stream = o.stream ?? brcrPatternStream(W, p);
  const a = (n: string) => sim.accessor(n);
  const start = a("start"), valid = a("pat_valid"), ready = a("pat_ready"), mag = a("pat_mag"), sign = a("pat_sign"), last = a("pat_last");
  start.set(1);
  sim.step();
  start.set(0);
  let cycle = 1, at = 0, stalls = 0;
  const limit = 4 * sched.total + 1000;
  while (!mon.finished && cycle < limit) {
    const offer = at < stream.length && !(gaps > 0 && o.r!() < gaps);
    valid.set(offer ? 1 : 0);
    if (offer) {
      mag.set(stream[at].mag);
      sign.set(stream[at].sign);
      last.set(stream[at].last);
    }
    const took = offer && ready.get() === 1;
    if (offer && !took) stalls++;
    mon.onCycle(cycle);
    if (mon.finished) break;
    sim.step();
    if (took) at++;
    cycle++;
  }
  valid.set(0);
  check.ok(`done within ${limit} cycles`, mon.finished);
  check.equal("columns taken", at, stream.length);
  const end = checkBrcrEnd(sim, p, W, X, check);
  check.equal("cycles counter", end.cycles, cycle);
  return { cycles: cycle, mergeAdds: end.mergeAdds, reconAdds: end.reconAdds, stalls, Y: end.Y, passes };
}
