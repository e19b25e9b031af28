/**
 * SCALE-Sim v2's USER bandwidth mode (`InterfaceBandwidth: USER`) for one GEMM layer: the three
 * buffers talk to DRAM at `Bandwidth[0]` words/cycle, and the read buffers (memory/read_buffer.py)
 * stall the array when a request is not in their active half. src/scalesim/NOTES.md ("USER mode")
 * says where each rule comes from; test/scalesim/user-reference.test.ts replays SCALE-Sim's
 * algorithm address by address and checks this model against it.
 *
 * What makes a closed formulation possible:
 * - A read buffer's state is a window of `activeSets` consecutive sets (chunks of ceil(words/100)
 *   entries of the operand's prefetch order, taken circularly) that moves on by `prefetchSets`
 *   sets per DRAM prefetch. Which demand rows move it depends on addresses only, never on time.
 * - DRAM delivers prefetches back to back from cycle -firstLines: the j-th one lands at cycle
 *   -1 + j*(prefetchLines + 1) however early it was asked for. A row that moved the window is
 *   served then, so its "stall" is that cycle - issue cycle - 1 (negative when the data came early).
 * - Within a fold every demand row of a skewed operand is a run of consecutive ranks of the
 *   prefetch order, higher than the row before; the preloaded (stationary) operand's rows are runs
 *   too, in falling order. So the rows that move a window are found by binary search per fold,
 *   and a window move over k sets is arithmetic, not a loop.
 * The timing then walks the OFMAP write buffer (WriteBufferModel, as in CALC mode) over the layer,
 * stopping only at rows where a read buffer moved or the write buffer drains.
 */
import {
  WriteBufferModel,
  assembleLayerStats,
  checkLayer,
  sramWindows,
  forEachOfmapRun,
  foldCounts,
  foldLength,
  forEachFold,
  operandBand,
  spatioTemporal,
  type DramOperand,
  type ScaleSimArch,
  type ScaleSimGemm,
  type ScaleSimLayerOptions,
  type ScaleSimLayerStats,
} from "./scalesim.js";

const cdiv = (a: number, b: number) => Math.ceil(a / b);
const mod = (a: number, n: number) => ((a % n) + n) % n;

// ---------------------------------------------------------------------------------------------
// The prefetch order (compute/systolic_compute_*.create_*_prefetch_mat)

/**
 * An operand's prefetch matrix: `blocks` blocks of `height` x `width` entries stacked vertically,
 * the last one only `lastWidth` wide (its other columns -1, no request). "diag": read along the
 * anti-diagonals of the whole stack, column ascending (the skewed operands: os ifmap and filter, ws
 * ifmap, is filter); "rows": read row by row (the preloaded tile: ws filter, is ifmap).
 */
export interface PrefetchOrder {
  readonly kind: "diag" | "rows";
  readonly blocks: number;
  readonly height: number;
  readonly width: number;
  readonly lastWidth: number;
}

/** Entries of the prefetch matrix, -1 padding included (it takes room in the DRAM lines). */
export const orderEntries = (p: PrefetchOrder) => p.blocks * p.height * p.width;
/** Real entries: the ones grouped into sets. */
export const orderValid = (p: PrefetchOrder) => (p.blocks - 1) * p.height * p.width + p.height * p.lastWidth;

/** sum over c in [0, w) of clamp(d - c, 0, h): entries (r, c) of an h x w block with r + c < d. */
function below(h: number, w: number, d: number): number {
  const G = (v: number) => (v <= 0 ? 0 : v <= h ? (v * (v + 1)) / 2 : (h * (h + 1)) / 2 + (v - h) * h);
  return G(d) - G(d - w);
}

/** Position of the real entry (r, c) of the stack among the real entries, in prefetch order. */
export function rankOf(p: PrefetchOrder, r: number, c: number): number {
  const r0 = (p.blocks - 1) * p.height; // first row of the last block
  if (p.kind === "rows") return r < r0 ? r * p.width + c : r0 * p.width + (r - r0) * p.lastWidth + c;
  const d = r + c;
  const before = below(r0, p.width, d) + below(p.height, p.lastWidth, d - r0);
  const cmin = Math.max(0, d - (p.blocks * p.height - 1));
  // Earlier entries of the same diagonal, less the padding among them (last block, columns >= lastWidth).
  const pad = Math.max(0, Math.min(c, d - r0 + 1) - Math.max(cmin, p.lastWidth));
  return before + (c - cmin) - pad;
}

/** Where one read operand's data sits: its prefetch order and how a fold maps onto it. */
export interface ReadLayout {
  readonly order: PrefetchOrder;
  /** Block of the stack a fold reads. */
  readonly blockOf: (rowFold: number, colFold: number) => number;
}

export function readLayout(arch: ScaleSimArch, gemm: ScaleSimGemm, op: "ifmap" | "filter"): ReadLayout {
  const st = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const lastRows = st.sr - (rowFolds - 1) * arch.rows, lastCols = st.sc - (colFolds - 1) * arch.cols;
  const byRow = (r: number) => r, byCol = (_r: number, c: number) => c;
  // os filter: column-fold slices of the filter (K x C each); the rest of the skewed operands:
  // row-fold slices (T x R each) of ifmap^T (os), ifmap (ws) or filter^T (is).
  if (arch.dataflow === "os" && op === "filter") return { order: { kind: "diag", blocks: colFolds, height: st.t, width: arch.cols, lastWidth: lastCols }, blockOf: byCol };
  const stationary = (arch.dataflow === "ws" && op === "filter") || (arch.dataflow === "is" && op === "ifmap");
  // ws filter / is ifmap: column-fold slices (Sr x C) of the filter / ifmap^T, row-major.
  if (stationary) return { order: { kind: "rows", blocks: colFolds, height: st.sr, width: arch.cols, lastWidth: lastCols }, blockOf: byCol };
  return { order: { kind: "diag", blocks: rowFolds, height: st.t, width: arch.rows, lastWidth: lastRows }, blockOf: byRow };
}

// ---------------------------------------------------------------------------------------------
// The read buffer (memory/read_buffer.py, v2)

/** read_buffer.set_params / prepare_hashed_buffer / the two prefetch methods, as numbers. */
export interface UserReadBufferShape {
  /** total_size_elems: 1024 words per kB (one-byte words). */
  readonly words: number;
  /** active_buf_size = ceil(words/2); prefetch_buf_size = the rest. */
  readonly activeWords: number;
  readonly prefetchWords: number;
  /** elems_per_set = ceil(words/100) real entries per set (duplicates counted, stored once). */
  readonly setSize: number;
  /** num_lines = floor(real entries / setSize) + 1: the last set may be partial, even empty. */
  readonly sets: number;
  /** Sets in the active window and how far a new prefetch moves it. */
  readonly activeSets: number;
  readonly prefetchSets: number;
  /** DRAM lines of `bw` words: the prefetch matrix's, the first fill's, each new prefetch's. */
  readonly fetchLines: number;
  readonly firstLines: number;
  readonly prefetchLines: number;
}

export function userReadBufferShape(kb: number, bw: number, order: PrefetchOrder): UserReadBufferShape {
  const words = 1024 * kb, activeWords = Math.ceil(words * 0.5), prefetchWords = words - activeWords;
  const setSize = Math.ceil(words / 100);
  const sets = Math.floor(orderValid(order) / setSize) + 1;
  const activeSets = Math.min(sets, cdiv(activeWords, setSize));
  const prefetchSets = Math.min(sets - activeSets, cdiv(prefetchWords, setSize));
  const fetchLines = cdiv(orderEntries(order), bw);
  return { words, activeWords, prefetchWords, setSize, sets, activeSets, prefetchSets, fetchLines, firstLines: Math.min(cdiv(activeWords, bw), fetchLines), prefetchLines: cdiv(prefetchWords, bw) };
}

/** The cycle the j-th new prefetch (1-based) has fully arrived: back to back after the first fill. */
export const prefetchArrival = (s: UserReadBufferShape, j: number) => -1 + j * (s.prefetchLines + 1);

/** Demand rows that moved the window, with the count of prefetches made up to and including them. */
export interface ReadEvents {
  readonly shape: UserReadBufferShape;
  readonly rows: number[];
  readonly prefetches: number[];
  /** new_prefetch calls over the layer. */
  readonly total: number;
}

/** The active window: sets [start, start + activeSets) taken circularly. */
class SetWindow {
  start = 0;
  moves = 0;
  constructor(private readonly s: UserReadBufferShape) {}

  has(set: number): boolean {
    return mod(set - this.start, this.s.sets) < this.s.activeSets;
  }

  /**
   * `while not active_buffer_hit(addr): new_prefetch()` in one step: the window moves forward by
   * prefetchSets (<= activeSets, so no set is jumped over) until it first covers `set` again.
   */
  reach(set: number): void {
    if (this.has(set)) return;
    const ahead = mod(set - this.start, this.s.sets); // >= activeSets
    const k = Math.floor((ahead - this.s.activeSets) / this.s.prefetchSets) + 1;
    this.start = mod(this.start + k * this.s.prefetchSets, this.s.sets);
    this.moves += k;
  }

  /** End (exclusive, linear) of the part of the window holding `set`, which it holds. */
  runEnd(set: number): number {
    const end = this.start + this.s.activeSets;
    if (end <= this.s.sets) return end;
    return set >= this.start ? this.s.sets : end - this.s.sets;
  }
}

/**
 * Every demand row where `op`'s read buffer makes new prefetches, in row order. Rows are visited
 * as runs of ranks [lo, hi]; only rows that can leave the window are looked at.
 */
export function userReadEvents(arch: ScaleSimArch, gemm: ScaleSimGemm, op: "ifmap" | "filter", bw: number): ReadEvents {
  const { order: p, blockOf } = readLayout(arch, gemm, op);
  const shape = userReadBufferShape(op === "ifmap" ? arch.ifmapSramKB : arch.filterSramKB, bw, p);
  const st = spatioTemporal(arch.dataflow, gemm);
  const Lf = foldLength(arch, st.t), eps = shape.setSize, R = arch.rows;
  const win = new SetWindow(shape);
  const rows: number[] = [], prefetches: number[] = [];
  const visit = (row: number, lo: number, hi: number) => {
    const before = win.moves;
    for (let s = Math.floor(lo / eps); s <= Math.floor(hi / eps); s++) win.reach(s);
    if (win.moves !== before) (rows.push(row), prefetches.push(win.moves));
  };
  const width = (b: number) => (b === p.blocks - 1 ? p.lastWidth : p.width);
  forEachFold(arch, gemm, (f) => {
    const blk = blockOf(f.rowFold, f.colFold), u = width(blk);
    const base = f.index * Lf + operandBand(arch, st.t, op, f.rowsUsed, f.colsUsed).b; // first request row
    if (p.kind === "rows") {
      // The fold's tile: block rows rowFold*R .. + rowsUsed - 1, demanded last row first (the
      // flip). The whole tile is one run of ranks.
      const x0 = blk * p.height + f.rowFold * R, n = f.rowsUsed;
      const s0 = Math.floor(rankOf(p, x0, 0) / eps), s1 = Math.floor(rankOf(p, x0 + n - 1, u - 1) / eps);
      if (win.has(s0) && win.runEnd(s0) > s1) return;
      for (let q = 0; q < n; q++) visit(base + q, rankOf(p, x0 + n - 1 - q, 0), rankOf(p, x0 + n - 1 - q, u - 1));
      return;
    }
    // Skewed: fold row b + t reads diagonal blk*T + t of the stack within the block, columns
    // max(0, t-T+1) .. min(u-1, t); t = 0 .. T+u-2, each run above the previous one.
    const T = p.height, last = T + u - 2;
    const lo = (t: number) => {
      const j = Math.max(0, t - T + 1);
      return rankOf(p, blk * T + t - j, j);
    };
    const hi = (t: number) => {
      const j = Math.min(u - 1, t);
      return rankOf(p, blk * T + t - j, j);
    };
    let t = 0;
    visit(base, lo(0), hi(0));
    const top = hi(last);
    for (;;) {
      const limit = win.runEnd(Math.floor(hi(t) / eps)) * eps; // first rank outside the window
      if (limit > top) return;
      let a = t + 1, b = last; // first row reaching `limit`
      while (a < b) {
        const mid = (a + b) >> 1;
        if (hi(mid) >= limit) b = mid;
        else a = mid + 1;
      }
      t = a;
      visit(base + t, lo(t), hi(t));
    }
  });
  return { shape, rows, prefetches, total: win.moves };
}

// ---------------------------------------------------------------------------------------------
// The layer's timing (double_buffered_scratchpad.service_memory_requests)

export interface UserRun {
  readonly printedTotalCycles: number;
  readonly stallCycles: number;
  /** Demand row -> issue cycle (row + stalls of the rows before it). */
  readonly cycleOf: (row: number) => number;
  /** Demand row -> the cycle its reads of `op` are served (issue + 1, or a prefetch's arrival). */
  readonly readCycleOf: (op: "ifmap" | "filter", row: number) => number;
  readonly ofmapCycleOf: (row: number) => number;
  readonly ofmapDram: DramOperand;
}

/** Index of the last entry <= x in a sorted array, -1 if none. */
function floorIndex(a: number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Row i is issued at i + S; its stall is max(ifmap, filter, ofmap) with a read's term 0 on a hit
 * and arrival - issue - 1 on a row that prefetched, the write's term delay - 1 (so -1 when not
 * delayed). Two reads prefetching early in the same row make it negative: S goes down.
 */
export function userRun(arch: ScaleSimArch, gemm: ScaleSimGemm, bw: number, ifmap: ReadEvents, filter: ReadEvents): UserRun {
  const st = spatioTemporal(arch.dataflow, gemm);
  const { rowFolds, colFolds } = foldCounts(arch, gemm);
  const Lf = foldLength(arch, st.t), L = rowFolds * colFolds * Lf;
  const wb = new WriteBufferModel(arch.ofmapSramKB, bw);
  const changeRows: number[] = [], changeAfter: number[] = [], offsets = new Map<number, number>();
  let S = 0, ei = 0, ef = 0;
  const nextEvent = () => Math.min(ifmap.rows[ei] ?? Infinity, filter.rows[ef] ?? Infinity);
  /** One row taken alone: writes (k words), then whatever the read buffers did in it. */
  const single = (row: number, k: number) => {
    const cycle = row + S;
    const off = k > 0 ? wb.writeRow(cycle, k) : 0;
    if (off > 0) offsets.set(row, off);
    let a = 0, b = 0;
    if (ifmap.rows[ei] === row) a = prefetchArrival(ifmap.shape, ifmap.prefetches[ei++]) - cycle - 1;
    if (filter.rows[ef] === row) b = prefetchArrival(filter.shape, filter.prefetches[ef++]) - cycle - 1;
    const stall = Math.max(a, b, off - 1);
    if (stall !== 0) (S += stall, changeRows.push(row), changeAfter.push(S));
  };
  /** Rows without OFMAP writes up to `row`: only read events matter there. */
  const gapTo = (row: number) => {
    for (let e = nextEvent(); e < row; e = nextEvent()) single(e, 0);
  };
  /** n consecutive rows from `row` writing k words each. */
  const rowsOf = (k: number, row: number, n: number) => {
    gapTo(row);
    while (n > 0) {
      const e = nextEvent();
      if (e === row) {
        single(row, k);
        row++, n--;
        continue;
      }
      const q = Math.min(n, e - row, wb.quietRows(row + S, k));
      if (q > 0) {
        wb.store(q * k);
        row += q;
        n -= q;
        continue;
      }
      single(row, k);
      row++, n--;
    }
  };
  forEachOfmapRun(arch, gemm, rowsOf);
  gapTo(L);
  const cycleOf = (row: number) => {
    const i = floorIndex(changeRows, row - 1);
    return row + (i < 0 ? 0 : changeAfter[i]);
  };
  const readCycleOf = (op: "ifmap" | "filter", row: number) => {
    const ev = op === "ifmap" ? ifmap : filter;
    const i = floorIndex(ev.rows, row);
    return i >= 0 && ev.rows[i] === row ? prefetchArrival(ev.shape, ev.prefetches[i]) : cycleOf(row) + 1;
  };
  const ofmapCycleOf = (row: number) => cycleOf(row) + (offsets.get(row) ?? 0);
  const printed = ofmapCycleOf(L - 1); // the last row's read stall is counted in S, not here
  wb.flush(printed);
  return {
    printedTotalCycles: printed,
    stallCycles: S,
    cycleOf,
    readCycleOf,
    ofmapCycleOf,
    ofmapDram: { words: wb.words, startCycle: wb.firstDrain ?? printed, stopCycle: wb.lastDrainCycle, exact: true },
  };
}

// ---------------------------------------------------------------------------------------------
// One layer

/** DRAM reads of one operand: the first fill plus every new prefetch, whole lines each. */
export function userDramRead(ev: ReadEvents, bw: number, exact = true): DramOperand {
  const s = ev.shape;
  return { words: (s.firstLines + ev.total * s.prefetchLines) * bw, startCycle: -s.firstLines, stopCycle: ev.total > 0 ? prefetchArrival(s, ev.total) : -1, exact };
}

/**
 * scaleSimLayer's report fields with `InterfaceBandwidth: USER` and `Bandwidth: bandwidthWordsPerCycle`
 * (the first of the list: SCALE-Sim uses it for all three buffers). GEMM layers are exact; a conv
 * layer whose windows overlap (opts.ifmapUniqueWords below M*K) repeats ifmap addresses, which
 * this model does not follow: its ifmap DRAM is marked `exact: false` and its stalls are those of
 * the GEMM with distinct addresses.
 */
export function scaleSimLayerUser(arch: ScaleSimArch, gemm: ScaleSimGemm, bandwidthWordsPerCycle: number, opts: ScaleSimLayerOptions = {}): ScaleSimLayerStats {
  const bw = bandwidthWordsPerCycle;
  checkLayer("scaleSimLayerUser", arch, gemm, { bandwidth: bw });
  const ifEv = userReadEvents(arch, gemm, "ifmap", bw), flEv = userReadEvents(arch, gemm, "filter", bw);
  const run = userRun(arch, gemm, bw, ifEv, flEv);
  const sram = sramWindows(arch, gemm, run.readCycleOf, run.ofmapCycleOf);
  const conv = opts.ifmapUniqueWords !== undefined && opts.ifmapUniqueWords !== gemm.m * gemm.k;
  const dram = { ifmap: userDramRead(ifEv, bw, !conv), filter: userDramRead(flEv, bw), ofmap: run.ofmapDram };
  return assembleLayerStats({ arch, gemm, printed: run.printedTotalCycles, stallCycles: run.stallCycles, sram, dram });
}
