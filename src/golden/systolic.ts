/**
 * Golden cycle model of the systolic GEMM engine (src/hw/systolic), and the symmetric round-robin
 * tile assignment of XY-Serve. Pure functions (importing only the DRAM port's bandwidth rule): this
 * is the oracle the RTL's measured cycle counts must equal exactly.
 *
 * R x C array, C (M x N) = A (M x K) * B (K x N), tiles of tm x tn outputs, P cores.
 *
 * Fold lengths (cycles a fold keeps its core busy), SCALE-Sim v2's closed forms, folds and tiles
 * back to back:
 *   os  K + (R-1) + (C-1)        K streamed, fill skew across rows and columns; the R-cycle
 *                                drain overlaps the next fold;
 *   ws  R + L + (R-1) + (C-1)    preload R weight rows, stream L = real rows of the tile, skew
 *                                down R rows and across C columns;
 *   is  same as ws with L = real columns of the tile.
 * The closed forms do not count the cycles at the end of a core's last fold that the RTL needs
 * (the tail): the array runs one cycle behind its buffer reads, then os drains R result rows
 * (R + 1 in all) and ws/is write the last partial sums through the output register (2).
 * Folds per tile (mr x nr real outputs): os ceil(mr/R)*ceil(nr/C); ws ceil(nr/C)*ceil(K/R);
 * is ceil(mr/C)*ceil(K/R). A tile's cost is folds x fold length.
 *
 * Whole run, from the edge that samples `start` to `done`:
 *   1 + (loadWords + latency) + (max over cores of busy + 1) + (storeWords + 1)
 * with loadWords/storeWords the real vector words moved (one per cycle, see globalWords), when the
 * global-memory port takes a request every cycle; with a bandwidth (dramBytesPerCycle) the load and
 * store units wait for the port as dram-port.ts rules, request by request (requestRuns).
 */
import { DramPort } from "./dram-port.js";

export type Dataflow = "os" | "ws" | "is";

export interface SystolicConfig {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly cores: number;
  readonly tileM: number;
  readonly tileN: number;
  /** Cycles from a read request to its response (>= 1). */
  readonly memLatency: number;
  /** Global-memory bandwidth in bytes per cycle (dram-port.ts); 0 or absent: unlimited. */
  readonly dramBytesPerCycle?: number;
  /** Bytes per element of A, B and C (what a request of `count` lanes moves); needed with a bandwidth. */
  readonly elementBytes?: { readonly a: number; readonly b: number; readonly c: number };
}

const cdiv = (a: number, b: number) => Math.ceil(a / b);

export function osFoldCycles(R: number, C: number, K: number): number {
  return K + (R - 1) + (C - 1);
}

export function stationaryFoldCycles(R: number, C: number, streamed: number): number {
  return R + streamed + (R - 1) + (C - 1);
}

/** Cycles after a core's last fold that the closed forms do not count (see the header). */
export function tailCycles(dataflow: Dataflow, R: number): number {
  return dataflow === "os" ? R + 1 : 2;
}

export interface GoldenTile {
  /** Row-major tile index, tile row and column. */
  readonly index: number;
  readonly row: number;
  readonly col: number;
  /** Real rows and columns of C in the tile. */
  readonly mr: number;
  readonly nr: number;
  readonly folds: number;
  readonly cost: number;
}

export function tiles(cfg: SystolicConfig): GoldenTile[] {
  const { rows: R, cols: C, m, n, k, tileM, tileN } = cfg;
  const out: GoldenTile[] = [];
  const TR = cdiv(m, tileM), TC = cdiv(n, tileN);
  for (let a = 0; a < TR; a++) {
    for (let b = 0; b < TC; b++) {
      const mr = Math.min(tileM, m - a * tileM), nr = Math.min(tileN, n - b * tileN);
      let folds: number, len: number;
      if (cfg.dataflow === "os") {
        folds = cdiv(mr, R) * cdiv(nr, C);
        len = osFoldCycles(R, C, k);
      } else if (cfg.dataflow === "ws") {
        folds = cdiv(nr, C) * cdiv(k, R);
        len = stationaryFoldCycles(R, C, mr);
      } else {
        folds = cdiv(mr, C) * cdiv(k, R);
        len = stationaryFoldCycles(R, C, nr);
      }
      out.push({ index: a * TC + b, row: a, col: b, mr, nr, folds, cost: folds * len });
    }
  }
  return out;
}

/**
 * Core of each position in symmetric round-robin over `cores`: 0,1,..,P-1,P-1,..,1,0,0,1,...
 * (the paper's 1,2,3,4,4,3,2,1 numbering minus one).
 */
export function symmetricRoundRobin(count: number, cores: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < count; p++) {
    const r = p % (2 * cores);
    out.push(r < cores ? r : 2 * cores - 1 - r);
  }
  return out;
}

export interface Assignment {
  /** Tile indices in dispatch order (cost descending; equal costs by index). */
  readonly order: number[];
  /** Tile indices each core runs, in order. */
  readonly perCore: number[][];
  /** Summed cost per core. */
  readonly load: number[];
}

/** Sort tiles by cost (descending, stable) and deal them out in symmetric round-robin. */
export function assignTiles(costs: readonly number[], cores: number): Assignment {
  const order = costs.map((_, i) => i).sort((x, y) => costs[y] - costs[x] || x - y);
  const who = symmetricRoundRobin(order.length, cores);
  const perCore: number[][] = Array.from({ length: cores }, () => []);
  const load = new Array<number>(cores).fill(0);
  order.forEach((t, p) => {
    perCore[who[p]].push(t);
    load[who[p]] += costs[t];
  });
  return { order, perCore, load };
}

/** `repeat` requests in a row of `bytes` each. */
export interface RequestRun {
  readonly bytes: number;
  readonly repeat: number;
}

/**
 * The requests of the load unit (the west buffer's matrix, then the north buffer's) and of the
 * store unit, in order, as runs of equal size: each walks vector words block by block, `inner`
 * words per block of `lanes` real lanes (fewer in the last block).
 */
export function requestRuns(cfg: SystolicConfig): { load: RequestRun[]; store: RequestRun[] } {
  const { rows: R, cols: C, m, n, k } = cfg;
  const eb = cfg.elementBytes ?? { a: 1, b: 1, c: 1 };
  const walk = (extent: number, lanes: number, inner: number, bytes: number): RequestRun[] => {
    const blocks = cdiv(extent, lanes), last = extent - (blocks - 1) * lanes;
    return [{ bytes: lanes * bytes, repeat: (blocks - 1) * inner }, { bytes: last * bytes, repeat: inner }].filter((r) => r.repeat > 0);
  };
  switch (cfg.dataflow) {
    case "os": return { load: [...walk(m, R, k, eb.a), ...walk(n, C, k, eb.b)], store: walk(n, C, m, eb.c) };
    case "ws": return { load: [...walk(k, R, m, eb.a), ...walk(n, C, k, eb.b)], store: walk(n, C, m, eb.c) };
    case "is": return { load: [...walk(k, R, n, eb.b), ...walk(m, C, k, eb.a)], store: walk(m, C, n, eb.c) };
  }
}

/** Vector words the load unit reads and the store unit writes (one request each). */
export function globalWords(cfg: SystolicConfig): { load: number; store: number } {
  const runs = requestRuns(cfg);
  const count = (rs: readonly RequestRun[]) => rs.reduce((a, r) => a + r.repeat, 0);
  return { load: count(runs.load), store: count(runs.store) };
}

export interface CycleBreakdown {
  /** The cycle that samples start. */
  readonly start: number;
  readonly load: number;
  readonly compute: number;
  readonly store: number;
  readonly total: number;
  /** Cycles each core is busy (running folds or draining). */
  readonly coreBusy: number[];
  readonly coreTiles: number[];
  readonly folds: number;
  readonly assignment: Assignment;
}

export function analyticCycles(cfg: SystolicConfig): CycleBreakdown {
  const ts = tiles(cfg);
  const asg = assignTiles(ts.map((t) => t.cost), cfg.cores);
  const tail = tailCycles(cfg.dataflow, cfg.rows);
  const coreBusy = asg.load.map((l, c) => l + (asg.perCore[c].length > 0 ? tail : 0));
  const compute = Math.max(...coreBusy) + 1;
  // The load unit offers its requests from cycle 1 on, one per cycle, as the port takes them; the
  // last response comes memLatency cycles after the last is taken. The store unit offers its first
  // request the cycle after STORE begins, and is done the cycle after its last is taken.
  const port = new DramPort(cfg.dramBytesPerCycle ?? 0);
  const runs = requestRuns(cfg);
  let taken = 0;
  for (const r of runs.load) for (let i = 0; i < r.repeat; i++) taken = port.accept(r.bytes, 1);
  const load = taken + cfg.memLatency;
  const storeStart = 1 + load + compute;
  for (const r of runs.store) for (let i = 0; i < r.repeat; i++) taken = port.accept(r.bytes, storeStart + 1);
  const store = taken - storeStart + 1;
  return {
    start: 1, load, compute, store, total: 1 + load + compute + store,
    coreBusy, coreTiles: asg.perCore.map((p) => p.length), folds: ts.reduce((s, t) => s + t.folds, 0), assignment: asg,
  };
}

/** Fraction of PE-cycles doing useful MACs over a run of `cycles`. */
export function peUtilization(cfg: SystolicConfig, cycles: number): number {
  return (cfg.m * cfg.n * cfg.k) / (cfg.cores * cfg.rows * cfg.cols * cycles);
}
