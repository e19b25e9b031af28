/**
 * Golden cycle model of the systolic GEMM engine (src/hw/systolic), and the symmetric round-robin
 * tile assignment of XY-Serve. Pure functions, no imports: this is the oracle the RTL's measured
 * cycle counts must equal exactly.
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
 * with loadWords/storeWords the real vector words moved (one per cycle, see globalWords).
 */

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

/** Vector words the load unit reads and the store unit writes (one request each). */
export function globalWords(cfg: SystolicConfig): { load: number; store: number } {
  const { rows: R, cols: C, m, n, k } = cfg;
  switch (cfg.dataflow) {
    case "os": return { load: cdiv(m, R) * k + cdiv(n, C) * k, store: m * cdiv(n, C) };
    case "ws": return { load: cdiv(k, R) * m + cdiv(n, C) * k, store: m * cdiv(n, C) };
    case "is": return { load: cdiv(k, R) * n + cdiv(m, C) * k, store: n * cdiv(m, C) };
  }
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
  const words = globalWords(cfg);
  const load = words.load + cfg.memLatency;
  const compute = Math.max(...coreBusy) + 1;
  const store = words.store + 1;
  return {
    start: 1, load, compute, store, total: 1 + load + compute + store,
    coreBusy, coreTiles: asg.perCore.map((p) => p.length), folds: ts.reduce((s, t) => s + t.folds, 0), assignment: asg,
  };
}

/** Fraction of PE-cycles doing useful MACs over a run of `cycles`. */
export function peUtilization(cfg: SystolicConfig, cycles: number): number {
  return (cfg.m * cfg.n * cfg.k) / (cfg.cores * cfg.rows * cfg.cols * cycles);
}
