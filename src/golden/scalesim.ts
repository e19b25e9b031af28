/**
 * Golden model of one SCALE-Sim v2 layer run (scalesim-project/scale-sim-v2, `scalesim/`): the fold
 * enumeration and stall-free timing of its three compute modules, the utilisation and SRAM counts
 * its reports print, and its CALC-mode ("estimate bandwidth") memory system for the DRAM columns.
 * Pure functions, no imports but the Dataflow type. src/scalesim/NOTES.md says where every rule
 * comes from in SCALE-Sim's code; the names below follow it.
 *
 * R x C array, C(M x N) = A(M x K) * B(K x N): ifmap = A, filter = B, ofmap = C. SCALE-Sim maps the
 * GEMM onto the array as Sr x Sc spatial and T temporal (topology_utils.calc_spatio_temporal_params):
 *   os  Sr = M, Sc = N, T = K     fold = R + C + T - 2 demand rows
 *   ws  Sr = K, Sc = N, T = M     fold = 2R + C + T - 2
 *   is  Sr = K, Sc = M, T = N     fold = 2R + C + T - 2
 * with ceil(Sr/R) x ceil(Sc/C) folds, column fold outer, row fold inner. One demand row is one
 * cycle; a stall-free layer takes `folds * fold` cycles, and SCALE-Sim prints that count minus one
 * (the index of the cycle its last OFMAP row is served in) as "Total Cycles".
 */
import type { Dataflow } from "./systolic.js";

export type { Dataflow };

export interface ScaleSimArray {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
}

/** The array plus the three SRAMs (kB; SCALE-Sim's word is 1 byte, so 1 kB = 1024 words). */
export interface ScaleSimArch extends ScaleSimArray {
  readonly ifmapSramKB: number;
  readonly filterSramKB: number;
  readonly ofmapSramKB: number;
}

export interface ScaleSimGemm {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

const cdiv = (a: number, b: number) => Math.ceil(a / b);

// ---------------------------------------------------------------------------------------------
// Mapping, folds, cycles

export interface SpatioTemporal {
  /** Spatial rows (mapped on R), spatial columns (mapped on C), temporal length. */
  readonly sr: number;
  readonly sc: number;
  readonly t: number;
}

export function spatioTemporal(df: Dataflow, g: ScaleSimGemm): SpatioTemporal {
  if (df === "os") return { sr: g.m, sc: g.n, t: g.k };
  if (df === "ws") return { sr: g.k, sc: g.n, t: g.m };
  return { sr: g.k, sc: g.m, t: g.n };
}

/** Demand rows (cycles) of one fold: the length of each operand's per-fold demand matrix. */
export function foldLength(a: ScaleSimArray, t: number): number {
  return a.dataflow === "os" ? a.rows + a.cols + t - 2 : 2 * a.rows + a.cols + t - 2;
}

/**
 * The per-fold cycle count SCALE-Sim divides by for Compute Util: rows + cols - 1 of the one
 * unskewed demand matrix it measures (os: the OFMAP fold before skew, (T-1+R) x C; ws: the FILTER
 * fold, (2R+C+T-2) x C; is: the IFMAP fold, same shape). For ws/is that is C - 1 more than the fold.
 */
export function utilCycles(a: ScaleSimArray, t: number): number {
  return a.dataflow === "os" ? a.rows + a.cols + t - 2 : 2 * a.rows + 2 * a.cols + t - 3;
}

export function foldCounts(a: ScaleSimArray, g: ScaleSimGemm): { rowFolds: number; colFolds: number } {
  const st = spatioTemporal(a.dataflow, g);
  return { rowFolds: cdiv(st.sr, a.rows), colFolds: cdiv(st.sc, a.cols) };
}

/** Stall-free cycles (a count): the closed forms, e.g. os ceil(M/R)ceil(N/C)(R+C+K-2). */
export function scaleSimComputeCycles(a: ScaleSimArray, g: ScaleSimGemm): number {
  const { rowFolds, colFolds } = foldCounts(a, g);
  return rowFolds * colFolds * foldLength(a, spatioTemporal(a.dataflow, g).t);
}

export interface ScaleSimFold {
  /** Position in SCALE-Sim's order: colFold * rowFolds + rowFold. */
  readonly index: number;
  readonly rowFold: number;
  readonly colFold: number;
  /** PE rows and columns holding real work in this fold. */
  readonly rowsUsed: number;
  readonly colsUsed: number;
  /** Demand rows (cycles) of the fold. */
  readonly cycles: number;
  /** SCALE-Sim's compute-util denominator for the fold (see utilCycles). */
  readonly utilCycles: number;
}

/** Calls `f` for every fold in SCALE-Sim's order without building the list. */
export function forEachFold(a: ScaleSimArray, g: ScaleSimGemm, f: (fold: ScaleSimFold) => void): void {
  const st = spatioTemporal(a.dataflow, g);
  const { rowFolds, colFolds } = foldCounts(a, g);
  const cycles = foldLength(a, st.t), uc = utilCycles(a, st.t);
  for (let c = 0; c < colFolds; c++) {
    const colsUsed = Math.min(a.cols, st.sc - c * a.cols);
    for (let r = 0; r < rowFolds; r++) {
      const rowsUsed = Math.min(a.rows, st.sr - r * a.rows);
      f({ index: c * rowFolds + r, rowFold: r, colFold: c, rowsUsed, colsUsed, cycles, utilCycles: uc });
    }
  }
}

export function scaleSimFolds(a: ScaleSimArray, g: ScaleSimGemm): ScaleSimFold[] {
  const out: ScaleSimFold[] = [];
  forEachFold(a, g, (f) => out.push(f));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Utilisation

/**
 * Python's built-in sum() over floats (3.12+: Neumaier-compensated), so that the means below round
 * exactly as SCALE-Sim's `sum(list) / len(list)` does.
 */
export class PythonFloatSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.c !== 0 && Number.isFinite(this.c) ? this.s + this.c : this.s;
  }
}

export interface ScaleSimUtilisation {
  /** Mean over folds of used PEs / (R*C), in percent (get_avg_mapping_efficiency * 100). */
  readonly mappingEfficiency: number;
  /** Mean over folds of usedPEs*T / (R*C*utilCycles), in percent (get_avg_compute_utilization * 100). */
  readonly computeUtil: number;
}

export function scaleSimUtilisation(a: ScaleSimArray, g: ScaleSimGemm): ScaleSimUtilisation {
  const t = spatioTemporal(a.dataflow, g).t;
  const pes = a.rows * a.cols;
  const map = new PythonFloatSum(), util = new PythonFloatSum();
  let folds = 0;
  forEachFold(a, g, (f) => {
    const used = f.rowsUsed * f.colsUsed;
    map.add(used / pes);
    util.add((used * t) / (pes * f.utilCycles));
    folds++;
  });
  return { mappingEfficiency: (map.value / folds) * 100, computeUtil: (util.value / folds) * 100 };
}

/**
 * Overall Util %: MACs*100 / (cycles*R*C) with SCALE-Sim's printed cycle count (the last cycle's
 * index, stalls included). That count is 0 only for one MAC on a 1x1 array under os, where SCALE-Sim
 * divides by zero; we divide by 1 there.
 */
export function overallUtil(a: ScaleSimArray, g: ScaleSimGemm, printedCycles: number): number {
  return (g.m * g.n * g.k * 100) / (Math.max(1, printedCycles) * a.rows * a.cols);
}

// ---------------------------------------------------------------------------------------------
// SRAM traffic (the compute modules' request counters)

export interface ScaleSimSramCounts {
  /** "SRAM IFMAP Reads", "SRAM Filter Reads", "SRAM OFMAP Writes" as the reports print them. */
  readonly ifmapReads: number;
  readonly filterReads: number;
  readonly ofmapWrites: number;
  /** OFMAP words actually pushed into the write buffer (ofmapWrites without the os quirk below). */
  readonly ofmapElements: number;
}

/**
 * os re-reads the ifmap once per column fold and the filter once per row fold; ws/is re-read their
 * streamed operand per column fold and write each output once per row fold (partial sums). os adds
 * R + C per fold to its OFMAP write counter (systolic_compute_os.create_ofmap_demand_mat counts the
 * flipped tile's rows + columns on top of its elements) - a SCALE-Sim quirk we reproduce.
 */
export function scaleSimSramCounts(a: ScaleSimArray, g: ScaleSimGemm): ScaleSimSramCounts {
  const { rowFolds, colFolds } = foldCounts(a, g);
  const mk = g.m * g.k, kn = g.k * g.n, mn = g.m * g.n;
  if (a.dataflow === "os") {
    return { ifmapReads: colFolds * mk, filterReads: rowFolds * kn, ofmapWrites: mn + rowFolds * colFolds * (a.rows + a.cols), ofmapElements: mn };
  }
  if (a.dataflow === "ws") return { ifmapReads: colFolds * mk, filterReads: kn, ofmapWrites: rowFolds * mn, ofmapElements: rowFolds * mn };
  return { ifmapReads: mk, filterReads: colFolds * kn, ofmapWrites: rowFolds * mn, ofmapElements: rowFolds * mn };
}

// ---------------------------------------------------------------------------------------------
// Where each operand's requests sit inside a fold

export type Operand = "ifmap" | "filter" | "ofmap";

/**
 * The valid requests of one operand in one fold, as rows of its demand matrix: `w` columns, each
 * holding `h` consecutive requests starting at row `b` (+ c for column c when `skew`, the systolic
 * skew; all at rows b..b+h-1 otherwise).
 */
export interface Band {
  readonly b: number;
  readonly h: number;
  readonly w: number;
  readonly skew: boolean;
}

export function operandBand(a: ScaleSimArray, t: number, op: Operand, rowsUsed: number, colsUsed: number): Band {
  const R = a.rows;
  switch (a.dataflow) {
    case "os": // ifmap rows stream down R rows, filter columns across C columns, outputs drain flipped
      if (op === "ifmap") return { b: 0, h: t, w: rowsUsed, skew: true };
      if (op === "filter") return { b: 0, h: t, w: colsUsed, skew: true };
      return { b: t - 1 + R - rowsUsed, h: rowsUsed, w: colsUsed, skew: true };
    case "ws": // R-row weight preload first (filter tile flipped), then ifmap streams, then outputs
      if (op === "ifmap") return { b: R, h: t, w: rowsUsed, skew: true };
      if (op === "filter") return { b: R - rowsUsed, h: rowsUsed, w: colsUsed, skew: false };
      return { b: 2 * R - 1, h: t, w: colsUsed, skew: true };
    default: // is: the ifmap tile is the preloaded one, the filter streams
      if (op === "ifmap") return { b: R - rowsUsed, h: rowsUsed, w: colsUsed, skew: false };
      if (op === "filter") return { b: R, h: t, w: rowsUsed, skew: true };
      return { b: 2 * R - 1, h: t, w: colsUsed, skew: true };
  }
}

export const bandFirstRow = (x: Band) => x.b;
export const bandLastRow = (x: Band) => x.b + x.h - 1 + (x.skew ? x.w - 1 : 0);

/** Requests of the band in fold rows [0, d). */
export function bandBefore(x: Band, d: number): number {
  const y = d - x.b;
  if (!x.skew) return Math.min(Math.max(y, 0), x.h) * x.w;
  // sum over columns c < w of clamp(y - c, 0, h) = G(y) - G(y - w), G the running sum of clamp(j, 0, h)
  const G = (v: number) => (v <= 0 ? 0 : v <= x.h ? (v * (v + 1)) / 2 : (x.h * (x.h + 1)) / 2 + (v - x.h) * x.h);
  return G(y) - G(y - x.w);
}

/** The fold row holding the band's p-th request (0-based, in row-then-column order). */
export function bandRowOf(x: Band, p: number): number {
  let lo = bandFirstRow(x), hi = bandLastRow(x); // smallest d with bandBefore(x, d + 1) > p
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bandBefore(x, mid + 1) > p) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

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

// ---------------------------------------------------------------------------------------------
// One layer, everything the three reports print

export interface SramWindow {
  readonly startCycle: number;
  readonly stopCycle: number;
}

export interface ScaleSimLayerStats {
  readonly gemm: ScaleSimGemm;
  readonly mapping: SpatioTemporal;
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly macs: number;
  /** Stall-free cycles (a count): the closed form. */
  readonly computeCycles: number;
  /** Cycles including stalls (a count) = SCALE-Sim's printed Total Cycles + 1. */
  readonly totalCycles: number;
  /** What SCALE-Sim prints as Total Cycles: the index of the last cycle. */
  readonly printedTotalCycles: number;
  readonly stallCycles: number;
  /** Percentages, as SCALE-Sim computes them (Overall Util over the printed cycle count). */
  readonly overallUtil: number;
  readonly mappingEfficiency: number;
  readonly computeUtil: number;
  readonly sram: ScaleSimSramCounts & { readonly ifmap: SramWindow; readonly filter: SramWindow; readonly ofmap: SramWindow };
  readonly dram: { readonly ifmap: DramOperand; readonly filter: DramOperand; readonly ofmap: DramOperand };
  /** Words per cycle: SRAM counts over the printed cycles, DRAM words over their own windows. */
  readonly bandwidth: {
    readonly ifmapSram: number;
    readonly filterSram: number;
    readonly ofmapSram: number;
    readonly ifmapDram: number;
    readonly filterDram: number;
    readonly ofmapDram: number;
  };
}

export interface ScaleSimLayerOptions {
  /** Distinct ifmap addresses when a conv layer's windows overlap (default M*K, a GEMM's). */
  readonly ifmapUniqueWords?: number;
}

export function scaleSimLayer(arch: ScaleSimArch, gemm: ScaleSimGemm, opts: ScaleSimLayerOptions = {}): ScaleSimLayerStats {
  for (const [name, v] of Object.entries({ rows: arch.rows, cols: arch.cols, m: gemm.m, n: gemm.n, k: gemm.k, ifmapSramKB: arch.ifmapSramKB, filterSramKB: arch.filterSramKB, ofmapSramKB: arch.ofmapSramKB })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`scaleSimLayer: ${name} must be a whole number >= 1, got ${v}`);
  }
  const mapping = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const folds = rowFolds * colFolds, Lf = foldLength(arch, mapping.t);
  const computeCycles = folds * Lf;
  const sram = scaleSimSramCounts(arch, gemm);
  const run = calcWriteRun(arch, gemm);
  const printed = run.printedTotalCycles;

  // First request of the first fold, last request of the last fold; reads are served a hit latency
  // (1 cycle) after issue, writes in their (possibly delayed) cycle.
  const lastRows = Math.min(arch.rows, mapping.sr - (rowFolds - 1) * arch.rows);
  const lastCols = Math.min(arch.cols, mapping.sc - (colFolds - 1) * arch.cols);
  const firstRows = Math.min(arch.rows, mapping.sr), firstCols = Math.min(arch.cols, mapping.sc);
  const window = (op: Operand): SramWindow => {
    const first = operandBand(arch, mapping.t, op, firstRows, firstCols);
    const last = operandBand(arch, mapping.t, op, lastRows, lastCols);
    const r0 = bandFirstRow(first), r1 = (folds - 1) * Lf + bandLastRow(last);
    return op === "ofmap" ? { startCycle: run.ofmapCycleOf(r0), stopCycle: run.ofmapCycleOf(r1) } : { startCycle: run.cycleOf(r0) + 1, stopCycle: run.cycleOf(r1) + 1 };
  };
  const ifmap = calcDramRead({ arch, gemm, op: "ifmap", uniqueWords: opts.ifmapUniqueWords, cycleOf: run.cycleOf });
  const filter = calcDramRead({ arch, gemm, op: "filter", cycleOf: run.cycleOf });
  const ofmap = run.ofmapDram;
  return assembleLayerStats({ arch, gemm, mapping, rowFolds, colFolds, computeCycles, printed, stallCycles: run.stallCycles, sram: { ...sram, ifmap: window("ifmap"), filter: window("filter"), ofmap: window("ofmap") }, dram: { ifmap, filter, ofmap } });
}

/** What a layer run found, before the report fields derived from it. */
export interface LayerParts {
  readonly arch: ScaleSimArray;
  readonly gemm: ScaleSimGemm;
  readonly mapping: SpatioTemporal;
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly computeCycles: number;
  /** Total Cycles as SCALE-Sim prints it (the index of the last cycle). */
  readonly printed: number;
  readonly stallCycles: number;
  readonly sram: ScaleSimLayerStats["sram"];
  readonly dram: ScaleSimLayerStats["dram"];
}

/** The layer's stats: utilisations and bandwidths derived from what the run found (CALC or USER). */
export function assembleLayerStats(x: LayerParts): ScaleSimLayerStats {
  const { arch, gemm, printed, sram, dram } = x;
  const util = scaleSimUtilisation(arch, gemm);
  const perCycle = (words: number) => words / Math.max(1, printed);
  const dramBw = (d: DramOperand) => d.words / (d.stopCycle - d.startCycle + 1);
  return {
    gemm,
    mapping: x.mapping,
    rowFolds: x.rowFolds,
    colFolds: x.colFolds,
    macs: gemm.m * gemm.n * gemm.k,
    computeCycles: x.computeCycles,
    totalCycles: printed + 1,
    printedTotalCycles: printed,
    stallCycles: x.stallCycles,
    overallUtil: overallUtil(arch, gemm, printed),
    mappingEfficiency: util.mappingEfficiency,
    computeUtil: util.computeUtil,
    sram,
    dram,
    bandwidth: {
      ifmapSram: perCycle(sram.ifmapReads),
      filterSram: perCycle(sram.filterReads),
      ofmapSram: perCycle(sram.ofmapWrites),
      ifmapDram: dramBw(dram.ifmap),
      filterDram: dramBw(dram.filter),
      ofmapDram: dramBw(dram.ofmap),
    },
  };
}

/**
 * The OFMAP writes of every fold in SCALE-Sim's order, as runs: `rows` consecutive demand rows from
 * `first`, each writing `words` words (the skewed band fills, runs full width, then drains).
 */
export function forEachOfmapRun(arch: ScaleSimArray, gemm: ScaleSimGemm, run: (words: number, first: number, rows: number) => void): void {
  const st = spatioTemporal(arch.dataflow, gemm), Lf = foldLength(arch, st.t);
  forEachFold(arch, gemm, (f) => {
    const x = operandBand(arch, st.t, "ofmap", f.rowsUsed, f.colsUsed);
    const lo = Math.min(x.w, x.h), hi = Math.max(x.w, x.h), base = f.index * Lf + x.b;
    for (let d = 0; d < lo - 1; d++) run(d + 1, base + d, 1); // skew fills
    run(lo, base + lo - 1, hi - lo + 1); // every column busy
    for (let d = hi; d < x.h + x.w - 1; d++) run(x.h + x.w - 1 - d, base + d, 1); // skew drains
  });
}
