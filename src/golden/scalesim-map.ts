/**
 * SCALE-Sim v2's mapping of a GEMM onto one R x C array (scalesim-project/scale-sim-v2,
 * `scalesim/compute/systolic_compute_{os,ws,is}.py`, `topology_utils.calc_spatio_temporal_params`):
 * the fold enumeration and stall-free timing, the utilisations and SRAM counts its reports print,
 * and the demand-matrix bands every memory model walks. Pure functions. src/scalesim/NOTES.md
 * says where every rule comes from in SCALE-Sim's code; the names below follow it.
 *
 * R x C array, C(M x N) = A(M x K) * B(K x N): ifmap = A, filter = B, ofmap = C, mapped as Sr x Sc
 * spatial and T temporal:
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
