/**
 * SCALE-Sim v2's CALC-mode memory system (`single_layer_sim.run` with InterfaceBandwidth CALC,
 * `memory/read_buffer_estimate_bw.py`, `memory/write_buffer.py`): DRAM reads that never stall, the
 * read bandwidth it estimates, and the OFMAP write buffer (WriteBufferModel, shared with USER mode)
 * whose drains set the total cycles. src/scalesim/NOTES.md gives the rules and their sources.
 */
import type { Dataflow } from "./systolic.js";
import { type ScaleSimArch, type ScaleSimGemm, bandFirstRow, bandRowOf, foldCounts, foldLength, forEachOfmapRun, operandBand, spatioTemporal } from "./scalesim-map.js";

const cdiv = (a: number, b: number) => Math.ceil(a / b);
// ---------------------------------------------------------------------------------------------
// CALC-mode memory system (single_layer_sim.run with InterfaceBandwidth CALC)

/** Read-side DRAM bandwidth SCALE-Sim assumes in CALC mode ("the number 10 elems per cycle is arbitrary"). */
export const CALC_READ_BANDWIDTH = 10;

export interface DramOperand {
  readonly words: number;
  readonly startCycle: number;
  readonly stopCycle: number;
  /** False when the result rests on an approximation (a conv ifmap larger than half its SRAM). */
  readonly exact: boolean;
}

/**
 * One read operand's request stream, as SCALE-Sim's order visits it: a list of sweeps, each a run
 * of consecutive folds; sweeps of the same block visit the same addresses in the same order, and
 * different blocks are disjoint (GEMM addresses are i*K + k etc., so this holds exactly).
 */
interface Sweep {
  readonly block: number;
  readonly firstFold: number;
  readonly folds: number;
}

function readSweeps(df: Dataflow, op: "ifmap" | "filter", rowFolds: number, colFolds: number): Sweep[] {
  const out: Sweep[] = [];
  const all = rowFolds * colFolds;
  // Operands read once: ws filter (every fold its own tile), is ifmap (same).
  if ((df === "ws" && op === "filter") || (df === "is" && op === "ifmap")) return [{ block: 0, firstFold: 0, folds: all }];
  // os filter: column fold c reads the same K x C block in each of its rowFolds folds.
  if (df === "os" && op === "filter") {
    for (let c = 0; c < colFolds; c++) for (let r = 0; r < rowFolds; r++) out.push({ block: c, firstFold: c * rowFolds + r, folds: 1 });
    return out;
  }
  // os/ws ifmap, is filter: each column fold sweeps the whole operand once.
  for (let c = 0; c < colFolds; c++) out.push({ block: 0, firstFold: c * rowFolds, folds: rowFolds });
  return out;
}

/**
 * ReadBufferEstimateBw as an "epoch" cache: a request for an address not fetched since the last
 * flush is a miss (a DRAM word); every `cap` misses (50 sets of floor(words/100)) the whole buffer
 * is forgotten. For a block of U words swept P times starting c = misses-mod-cap into an epoch:
 *   U >= cap          every sweep misses entirely: P*U
 *   c + U < cap       only the first sweep misses: U
 *   else              the flush lands inside sweep 1, so sweep 2 refetches its head: U + (U - c1)
 *                     with c1 = c + U - cap (P >= 2), U when P = 1.
 * Misses within a sweep always form a prefix of it, so the n-th miss of a sweep is its n-th request.
 */
function epochMisses(U: number, P: number, c: number, cap: number): number {
  if (U >= cap) return P * U;
  if (c + U < cap || P === 1) return U;
  return 2 * U - (c + U - cap);
}

/** Which (sweep within block, request within sweep) the block's t-th miss (1-based) is. */
function epochMissAt(U: number, cap: number, t: number): { sweep: number; pos: number } {
  if (U >= cap) return { sweep: Math.floor((t - 1) / U), pos: (t - 1) % U };
  return t <= U ? { sweep: 0, pos: t - 1 } : { sweep: 1, pos: t - 1 - U };
}

export interface CalcReadInput {
  readonly arch: ScaleSimArch;
  readonly gemm: ScaleSimGemm;
  readonly op: "ifmap" | "filter";
  /** Distinct addresses of the operand when they are fewer than its requests per sweep (conv ifmaps). */
  readonly uniqueWords?: number;
  /** Demand row -> cycle (stalls included). */
  readonly cycleOf: (row: number) => number;
}

/** DRAM reads and their first/last cycles for one read operand in CALC mode. */
export function calcDramRead(x: CalcReadInput): DramOperand {
  const { arch, gemm, op } = x;
  const st = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const Lf = foldLength(arch, st.t);
  const kb = op === "ifmap" ? arch.ifmapSramKB : arch.filterSramKB;
  const setItems = Math.floor((1024 * kb) / 100); // num_items_per_set
  const cap = 50 * setItems; // int(0.5 * 100) sets in the active half
  const band = (f: number) => {
    const rUsed = Math.min(arch.rows, st.sr - (f % rowFolds) * arch.rows);
    const cUsed = Math.min(arch.cols, st.sc - Math.floor(f / rowFolds) * arch.cols);
    return operandBand(arch, st.t, op, rUsed, cUsed);
  };
  const sweeps = readSweeps(arch.dataflow, op, rowFolds, colFolds);
  const sweepRequests = (s: Sweep) => {
    let n = 0;
    for (let f = s.firstFold; f < s.firstFold + s.folds; f++) {
      const bd = band(f);
      n += bd.h * bd.w;
    }
    return n;
  };
  // Blocks in order with their size and sweep count.
  const blocks: { U: number; requests: number; sweeps: Sweep[] }[] = [];
  for (const s of sweeps) {
    const last = blocks[blocks.length - 1];
    if (last && last.sweeps[0].block === s.block) last.sweeps.push(s);
    else blocks.push({ U: 0, requests: sweepRequests(s), sweeps: [s] });
  }
  let exact = true;
  for (const b of blocks) b.U = b.requests;
  if (x.uniqueWords !== undefined && x.uniqueWords !== blocks[0].requests) {
    // A conv ifmap: requests repeat addresses inside a sweep. Exact while nothing is ever flushed.
    blocks[0].U = x.uniqueWords;
    exact = x.uniqueWords < cap;
  }
  let total = 0;
  const before: number[] = [];
  for (const b of blocks) {
    before.push(total);
    total += epochMisses(b.U, b.sweeps.length, total % cap, cap);
  }
  const firstReq = x.cycleOf(bandFirstRow(band(0)));
  const triggers = Math.floor(total / cap);
  if (triggers === 0) {
    // complete_all_prefetches: everything fetched "before" cycle 0, ending at -1.
    const sets = cdiv(total, setItems);
    return { words: total, startCycle: -cdiv(sets * setItems, CALC_READ_BANDWIDTH), stopCycle: -1, exact };
  }
  // The last flush happens at miss number triggers*cap; the last prefetch ends one cycle after it.
  const target = triggers * cap;
  let bi = blocks.length - 1;
  while (before[bi] >= target) bi--;
  const blk = blocks[bi];
  const at = epochMissAt(blk.U, cap, target - before[bi]);
  const sweep = blk.sweeps[Math.min(at.sweep, blk.sweeps.length - 1)];
  let pos = blk.U === blk.requests ? at.pos : Math.floor((at.pos * blk.requests) / blk.U);
  let row = 0;
  for (let f = sweep.firstFold; f < sweep.firstFold + sweep.folds; f++) {
    const bd = band(f), n = bd.h * bd.w;
    if (pos < n || f === sweep.firstFold + sweep.folds - 1) {
      row = f * Lf + bandRowOf(bd, Math.min(pos, n - 1));
      break;
    }
    pos -= n;
  }
  return { words: total, startCycle: firstReq - cdiv(50 * setItems, CALC_READ_BANDWIDTH), stopCycle: x.cycleOf(row) + 1, exact };
}

/**
 * write_buffer.py (v2) with only counts kept: OFMAP words enter lines of `bw` words; once more than
 * the drain half is occupied and no drain is running, the pending lines are closed (a partial line
 * padded) and up to ceil(drain/bw) lines drain, one per cycle from the current cycle. Free space
 * comes back when a drain starts. A write that finds the buffer full while a drain runs waits for
 * its end. A drain counts lines*bw words less the padding of its last line only (a padded line in
 * the middle counts as full: a SCALE-Sim quirk kept here). Exported for the USER-mode model
 * (scalesim-user.ts), where the same buffer drains at the user's Bandwidth instead of ArrayWidth.
 */
export class WriteBufferModel {
  readonly total: number;
  readonly active: number;
  readonly drainSize: number;
  free: number;
  lineIdx = 0;
  /** Pending lines as [words in line, how many such lines]. */
  private lines: [number, number][] = [];
  drainEnd = 0;
  words = 0;
  firstDrain: number | undefined;
  lastDrainCycle = 0;

  constructor(sizeKB: number, readonly bw: number) {
    this.total = 1024 * sizeKB;
    this.active = Math.ceil(this.total * 0.5);
    this.drainSize = this.total - this.active;
    this.free = this.total;
  }

  private pushLines(words: number, count: number): void {
    if (count <= 0) return;
    const last = this.lines[this.lines.length - 1];
    if (last && last[0] === words) last[1] += count;
    else this.lines.push([words, count]);
  }

  store(n: number): void {
    this.free -= n;
    const full = Math.floor((this.lineIdx + n) / this.bw);
    this.lineIdx = (this.lineIdx + n) % this.bw;
    this.pushLines(this.bw, full);
  }

  drain(cycle: number): void {
    if (this.lineIdx > 0) this.pushLines(this.lineIdx, 1);
    this.lineIdx = 0;
    let want = Math.ceil(this.drainSize / this.bw), taken = 0, lastWords = this.bw;
    while (want > 0 && this.lines.length > 0) {
      const head = this.lines[0], k = Math.min(want, head[1]);
      taken += k;
      want -= k;
      lastWords = head[0];
      head[1] -= k;
      if (head[1] === 0) this.lines.shift();
    }
    if (taken === 0) return;
    const data = taken * this.bw - (this.bw - lastWords);
    this.words += data;
    this.free += data;
    this.firstDrain ??= cycle;
    this.lastDrainCycle = cycle + taken - 1;
    this.drainEnd = this.lastDrainCycle;
  }

  /** One demand row of `k` words at `cycle`; returns the row's delay (SCALE-Sim's `offset`). */
  writeRow(cycle: number, k: number): number {
    let cur = cycle, left = k;
    while (left > 0) {
      if (cur < this.drainEnd) {
        if (this.free - left > 0) return this.store(left), cur - cycle;
        const n = Math.max(1, this.free); // the write that empties the buffer waits for the drain
        this.store(n);
        left -= n;
        cur = this.drainEnd;
      } else {
        const n = Math.max(1, this.free - this.active + 1); // the write that passes the drain mark
        if (left < n) return this.store(left), cur - cycle;
        this.store(n);
        left -= n;
        this.drain(cur);
      }
    }
    return cur - cycle;
  }

  /** Rows of `k` words at consecutive cycles from `cycle` that can be taken with no event. */
  quietRows(cycle: number, k: number): number {
    if (cycle < this.drainEnd) return Math.min(this.drainEnd - cycle, Math.max(0, Math.floor((this.free - 1) / k)));
    return Math.max(0, Math.floor((this.free - this.active) / k));
  }

  /** empty_all_buffers: drain everything left, chunk after chunk, from `cycle`. */
  flush(cycle: number): void {
    if (this.lineIdx > 0) this.pushLines(this.lineIdx, 1);
    this.lineIdx = 0;
    while (this.lines.length > 0) {
      this.drain(cycle);
      cycle = this.drainEnd + 1;
    }
  }
}

export interface CalcRun {
  /** SCALE-Sim's printed Total Cycles: the cycle the last demand row's OFMAP writes are served in. */
  readonly printedTotalCycles: number;
  readonly stallCycles: number;
  /** Demand row -> the cycle its reads are issued in (row + stalls of the rows before it). */
  readonly cycleOf: (row: number) => number;
  /** Demand row -> the cycle its OFMAP writes are served in. */
  readonly ofmapCycleOf: (row: number) => number;
  readonly ofmapDram: DramOperand;
}

/**
 * The OFMAP write buffer over the whole layer (double_buffered_scratchpad.service_memory_requests):
 * row i is issued at i + stalls so far; a row whose writes are delayed by `off` cycles adds
 * max(0, off - 1) stalls (reads never stall in CALC mode). `drainBandwidth` is the OFMAP backing
 * bandwidth: the array width in CALC mode.
 */
export function calcWriteRun(arch: ScaleSimArch, gemm: ScaleSimGemm, drainBandwidth = arch.cols): CalcRun {
  const st = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const Lf = foldLength(arch, st.t), L = rowFolds * colFolds * Lf;
  const wb = new WriteBufferModel(arch.ofmapSramKB, drainBandwidth);
  const stallRows: number[] = [], stallAfter: number[] = [], offsets = new Map<number, number>();
  let S = 0;
  const rowsOf = (k: number, row: number, n: number) => {
    while (n > 0) {
      const q = Math.min(n, wb.quietRows(row + S, k));
      if (q > 0) {
        wb.store(q * k);
        row += q;
        n -= q;
        continue;
      }
      const off = wb.writeRow(row + S, k);
      if (off > 0) offsets.set(row, off);
      if (off > 1) {
        S += off - 1;
        stallRows.push(row);
        stallAfter.push(S);
      }
      row++;
      n--;
    }
  };
  forEachOfmapRun(arch, gemm, rowsOf);
  const stallsBefore = (row: number) => {
    let lo = 0, hi = stallRows.length; // count of stall rows < row
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (stallRows[mid] < row) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : stallAfter[lo - 1];
  };
  const cycleOf = (row: number) => row + stallsBefore(row);
  const ofmapCycleOf = (row: number) => cycleOf(row) + (offsets.get(row) ?? 0);
  const printed = ofmapCycleOf(L - 1);
  wb.flush(printed);
  return {
    printedTotalCycles: printed,
    stallCycles: S,
    cycleOf,
    ofmapCycleOf,
    ofmapDram: { words: wb.words, startCycle: wb.firstDrain ?? printed, stopCycle: wb.lastDrainCycle, exact: true },
  };
}
