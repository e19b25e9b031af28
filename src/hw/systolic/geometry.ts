/**
 * Everything the engine's RTL is specialised to, derived once from the parameters: buffer layouts
 * (in whole tiles: virtual padding), the global-memory walks of the load and store units, and the
 * tile table the scheduler dispatches (sorted by cost, the order XY-Serve's Task-Table uses).
 *
 * Buffers are "vector memories": one HDL memory per lane, a word being one vector across lanes.
 * Which matrix feeds which array edge depends on the dataflow:
 *
 *   dataflow  west edge (R lanes)           north edge (C lanes)             C buffer (C lanes)
 *   os        A word (mb,k) = A[mb*R+i][k]  B word (nb,k) = B[k][nb*C+j]     word (m,nb) = C[m][nb*C+j]
 *   ws        A word (kb,m) = A[m][kb*R+i]  B word (nb,k) = B[k][nb*C+j]     word (m,nb) = C[m][nb*C+j]
 *   is        B word (kb,n) = B[kb*R+i][n]  A word (mb,k) = A[mb*C+j][k]     word (mb,n) = C[mb*C+j][n]
 *
 * (i = lane of the west edge = PE row, j = lane of the north edge = PE column.)
 */
import { Shape } from "../../hdl/index.js";
import { accShapeFor, operandShape } from "../pe/mac.js";
import { Dataflow, EngineParams, checkParams } from "./params.js";

export const MAT_A = 0, MAT_B = 1, MAT_C = 2;
/** Request direction: lanes go along a row (col + lane) or down a column (row + lane). */
export const DIR_ALONG_ROW = 0, DIR_DOWN_COL = 1;

/**
 * A walk over vector words: outer index o < outer, inner x < inner. Word (o, x) is the request
 * for matrix `mat` at row = o*ro + x*rx, col = o*co + x*cx, lanes in `dir`, `count(o)` real lanes;
 * its buffer word is at o*ao + x*ax.
 */
export interface Walk {
  readonly mat: number;
  readonly dir: number;
  readonly outer: number;
  readonly inner: number;
  readonly ro: number; readonly rx: number;
  readonly co: number; readonly cx: number;
  readonly ao: number; readonly ax: number;
  /** Real lanes of words with o < outer - 1, and of the last outer index. */
  readonly countFull: number;
  readonly countLast: number;
}

export interface TileEntry {
  /** Tile row (M direction) and column (N direction). */
  readonly row: number;
  readonly col: number;
  /** Cycles the tile keeps its core busy (folds x fold length). */
  readonly cost: number;
}

export interface Geometry {
  readonly p: Required<EngineParams>;
  readonly R: number;
  readonly C: number;
  readonly df: Dataflow;
  readonly M: number; readonly N: number; readonly K: number;
  readonly aShape: Shape; readonly bShape: Shape; readonly accShape: Shape;
  /** Operand entering west (moving) and north (moving in os, held in ws/is). */
  readonly westShape: Shape; readonly northShape: Shape;
  readonly tm: number; readonly tn: number;
  /** Tiles down M and across N. */
  readonly TR: number; readonly TC: number;
  /** Padded extents (whole tiles) and K folds of R. */
  readonly Mp: number; readonly Np: number; readonly KB: number; readonly Kp: number;
  /** C words per row of C (os/ws). */
  readonly NbC: number;
  readonly westDepth: number; readonly northDepth: number; readonly cDepth: number;
  /** Load walks (west buffer first, then north) and the store walk. */
  readonly loadWalks: readonly [Walk, Walk];
  readonly storeWalk: Walk;
  /** Tiles in dispatch order: cost descending, ties by row-major index. */
  readonly tiles: readonly TileEntry[];
  /** Real rows of the last tile row, real columns of the last tile column. */
  readonly mLast: number; readonly nLast: number;
}

const ceil = (a: number, b: number) => Math.ceil(a / b);

export function words(w: Walk): number {
  return w.outer * w.inner;
}

export function geometry(params: EngineParams): Geometry {
  const p = checkParams(params);
  const R = p.rows, C = p.cols, M = p.m, N = p.n, K = p.k, df = p.dataflow;
  const aShape = operandShape(p.aType), bShape = operandShape(p.bType);
  const accShape = accShapeFor(aShape, bShape, p.accWidth);
  const tm = p.tileM, tn = p.tileN;
  const TR = ceil(M, tm), TC = ceil(N, tn);
  const Mp = TR * tm, Np = TC * tn;
  const KB = ceil(K, R), Kp = KB * R;
  const NbC = df === "is" ? 0 : Np / C;
  const lastCount = (total: number, lanes: number) => total - (ceil(total, lanes) - 1) * lanes;
  const walk = (w: Omit<Walk, "countLast">, total: number): Walk => ({ ...w, countLast: lastCount(total, w.countFull) });

  let loadWalks: [Walk, Walk], storeWalk: Walk, westDepth: number, northDepth: number, cDepth: number;
  const rowsOfC = (): Walk => walk({ mat: MAT_C, dir: DIR_ALONG_ROW, outer: ceil(N, C), inner: M, ro: 0, rx: 1, co: C, cx: 0, ao: 1, ax: NbC, countFull: C }, N);
  if (df === "os") {
    loadWalks = [
      walk({ mat: MAT_A, dir: DIR_DOWN_COL, outer: ceil(M, R), inner: K, ro: R, rx: 0, co: 0, cx: 1, ao: K, ax: 1, countFull: R }, M),
      walk({ mat: MAT_B, dir: DIR_ALONG_ROW, outer: ceil(N, C), inner: K, ro: 0, rx: 1, co: C, cx: 0, ao: K, ax: 1, countFull: C }, N),
    ];
    storeWalk = rowsOfC();
    westDepth = (Mp / R) * K;
    northDepth = (Np / C) * K;
    cDepth = Mp * NbC;
  } else if (df === "ws") {
    loadWalks = [
      walk({ mat: MAT_A, dir: DIR_ALONG_ROW, outer: KB, inner: M, ro: 0, rx: 1, co: R, cx: 0, ao: Mp, ax: 1, countFull: R }, K),
      walk({ mat: MAT_B, dir: DIR_ALONG_ROW, outer: ceil(N, C), inner: K, ro: 0, rx: 1, co: C, cx: 0, ao: Kp, ax: 1, countFull: C }, N),
    ];
    storeWalk = rowsOfC();
    westDepth = KB * Mp;
    northDepth = (Np / C) * Kp;
    cDepth = Mp * NbC;
  } else {
    loadWalks = [
      walk({ mat: MAT_B, dir: DIR_DOWN_COL, outer: KB, inner: N, ro: R, rx: 0, co: 0, cx: 1, ao: Np, ax: 1, countFull: R }, K),
      walk({ mat: MAT_A, dir: DIR_DOWN_COL, outer: ceil(M, C), inner: K, ro: C, rx: 0, co: 0, cx: 1, ao: Kp, ax: 1, countFull: C }, M),
    ];
    storeWalk = walk({ mat: MAT_C, dir: DIR_DOWN_COL, outer: ceil(M, C), inner: N, ro: C, rx: 0, co: 0, cx: 1, ao: Np, ax: 1, countFull: C }, M);
    westDepth = KB * Np;
    northDepth = (Mp / C) * Kp;
    cDepth = (Mp / C) * Np;
  }

  const mLast = M - (TR - 1) * tm, nLast = N - (TC - 1) * tn;
  const tiles: TileEntry[] = [];
  for (let a = 0; a < TR; a++) {
    for (let b = 0; b < TC; b++) {
      const mr = a === TR - 1 ? mLast : tm, nr = b === TC - 1 ? nLast : tn;
      tiles.push({ row: a, col: b, cost: tileCycles(df, R, C, K, KB, mr, nr) });
    }
  }
  // Array.prototype.sort is stable: equal costs keep row-major order.
  tiles.sort((x, y) => y.cost - x.cost);

  const [westShape, northShape] = df === "is" ? [bShape, aShape] : [aShape, bShape];
  return {
    p, R, C, df, M, N, K, aShape, bShape, accShape, westShape, northShape, tm, tn, TR, TC, Mp, Np, KB, Kp, NbC,
    westDepth, northDepth, cDepth, loadWalks, storeWalk, tiles, mLast, nLast,
  };
}

/**
 * Fold length of a stationary (ws/is) fold streaming `len` vectors: preload R, stream len, skew
 * R-1 + C-1 (SCALE-Sim v2's 2R+C+len-2). Folds run back to back: the buffer reads run one cycle
 * ahead of the array, so the next fold's first read overlaps this fold's last MAC cycle.
 */
export function stationaryFoldCycles(R: number, C: number, len: number): number {
  return 2 * R + C + len - 2;
}

/** Fold length of an output-stationary fold: K streamed, fill skew R-1 + C-1 (SCALE-Sim v2's R+C+K-2). */
export function osFoldCycles(R: number, C: number, K: number): number {
  return K + R + C - 2;
}

/** Cycles a tile with mr real rows and nr real columns keeps its core busy. */
function tileCycles(df: Dataflow, R: number, C: number, K: number, KB: number, mr: number, nr: number): number {
  if (df === "os") return ceil(mr, R) * ceil(nr, C) * osFoldCycles(R, C, K);
  if (df === "ws") return ceil(nr, C) * KB * stationaryFoldCycles(R, C, mr);
  return ceil(mr, C) * KB * stationaryFoldCycles(R, C, nr);
}
