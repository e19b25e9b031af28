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
 * Whole run (analyticCycles): the load unit fetches operand blocks in the order the cores' folds
 * read them (loadOrder) over a read channel, the store unit writes tiles back in dispatch order
 * over a write channel, each channel taking a request per cycle or as its bandwidth allows
 * (dram-port.ts). With overlap (the default) a fold starts once its blocks are in and a tile is
 * stored once written; without, the phases follow each other:
 *   1 + (loadWords + latency) + (max over cores of busy + 1) + (storeWords + 1)
 * with loadWords/storeWords the real vector words moved (globalWords) at a request per cycle.
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
  /**
   * Overlap loading, computing and storing (default true), as the engine's `overlap` parameter:
   * folds start once their blocks have arrived, tiles are stored once written.
   */
  readonly overlap?: boolean;
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

/** One fold: the west and north blocks it reads, its length, and the output block it finishes. */
export interface GoldenFold {
  readonly west: number;
  readonly north: number;
  readonly cycles: number;
  /**
   * The store requests of the output block whose last C word this fold writes: os, the fold's own
   * R x C results (a word per real row); ws/is, on the last K fold, the C-wide block of the tile's
   * rows (ws) or columns (is), a word per row or column. Absent on ws/is folds before the last K.
   */
  readonly store?: RequestRun;
}

/**
 * The folds of a tile, in the order its core runs them. A block is one outer step of a load walk:
 * os — R rows of A (west) and C columns of B (north); ws — R columns of A (west) and C columns of
 * B (north); is — R rows of B (west) and C rows of A (north). os folds run over row blocks, column
 * blocks inside; ws/is over the held operand's blocks, K blocks inside.
 */
export function tileFolds(cfg: SystolicConfig, t: GoldenTile): GoldenFold[] {
  const { rows: R, cols: C, m, n, k } = cfg;
  const cb = (cfg.elementBytes ?? { a: 1, b: 1, c: 1 }).c;
  const out: GoldenFold[] = [];
  if (cfg.dataflow === "os") {
    const len = osFoldCycles(R, C, k);
    for (let fo = 0; fo < cdiv(t.mr, R); fo++) {
      const mb = t.row * (cfg.tileM / R) + fo;
      for (let fi = 0; fi < cdiv(t.nr, C); fi++) {
        const nb = t.col * (cfg.tileN / C) + fi;
        out.push({ west: mb, north: nb, cycles: len, store: { bytes: Math.min(C, n - nb * C) * cb, repeat: Math.min(R, m - mb * R) } });
      }
    }
    return out;
  }
  const ws = cfg.dataflow === "ws";
  const len = stationaryFoldCycles(R, C, ws ? t.mr : t.nr);
  const first = ws ? t.col * (cfg.tileN / C) : t.row * (cfg.tileM / C);
  const KB = cdiv(k, R);
  for (let fo = 0; fo < cdiv(ws ? t.nr : t.mr, C); fo++) {
    const block = first + fo;
    const store: RequestRun = { bytes: Math.min(C, (ws ? n : m) - block * C) * cb, repeat: ws ? t.mr : t.nr };
    for (let kb = 0; kb < KB; kb++) out.push({ west: kb, north: block, cycles: len, ...(kb === KB - 1 ? { store } : {}) });
  }
  return out;
}

/** A load block: which buffer's walk (0 west, 1 north) and its outer index. */
export interface GoldenBlock {
  readonly sel: 0 | 1;
  readonly block: number;
}

/**
 * The order the load unit fetches blocks in: the cores' fold sequences round by round (fold 0 of
 * each core, then fold 1, ...), each block the first time a fold reads it, west before north.
 */
export function loadOrder(cfg: SystolicConfig): GoldenBlock[] {
  const ts = tiles(cfg);
  const asg = assignTiles(ts.map((t) => t.cost), cfg.cores);
  const folds = asg.perCore.map((list) => list.flatMap((i) => tileFolds(cfg, ts[i])));
  const seen = [new Set<number>(), new Set<number>()];
  const out: GoldenBlock[] = [];
  const need = (sel: 0 | 1, block: number) => {
    if (seen[sel].has(block)) return;
    seen[sel].add(block);
    out.push({ sel, block });
  };
  for (let r = 0; r < Math.max(...folds.map((f) => f.length)); r++) {
    for (const f of folds) {
      if (r >= f.length) continue;
      need(0, f[r].west);
      need(1, f[r].north);
    }
  }
  return out;
}

/** Words of a load block and bytes per word (its real lanes times the element size). */
function blockRequests(cfg: SystolicConfig, b: GoldenBlock): RequestRun {
  const { rows: R, cols: C, m, n, k } = cfg;
  const eb = cfg.elementBytes ?? { a: 1, b: 1, c: 1 };
  const lanes = (extent: number, width: number) => Math.min(width, extent - b.block * width);
  if (b.sel === 0) {
    switch (cfg.dataflow) {
      case "os": return { bytes: lanes(m, R) * eb.a, repeat: k };
      case "ws": return { bytes: lanes(k, R) * eb.a, repeat: m };
      case "is": return { bytes: lanes(k, R) * eb.b, repeat: n };
    }
  }
  return cfg.dataflow === "is" ? { bytes: lanes(m, C) * eb.a, repeat: k } : { bytes: lanes(n, C) * eb.b, repeat: k };
}

/**
 * The requests of the load unit (blocks in load order) and of the store unit (tiles in dispatch
 * order, each tile's output blocks in the order its folds finish them), in order, as runs of equal size.
 */
export function requestRuns(cfg: SystolicConfig): { load: RequestRun[]; store: RequestRun[] } {
  const ts = tiles(cfg);
  const order = assignTiles(ts.map((t) => t.cost), cfg.cores).order;
  return {
    load: loadOrder(cfg).map((b) => blockRequests(cfg, b)),
    store: order.flatMap((i) => tileFolds(cfg, ts[i]).flatMap((f) => (f.store ? [f.store] : []))),
  };
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
  /** Cycles from the first load request to the last response (cycles 1 .. load). */
  readonly load: number;
  /** From the cores' first cycle to the cycle after the last core is done (max busy + 1). */
  readonly compute: number;
  /** From then to done. */
  readonly store: number;
  readonly total: number;
  /** Whether load, compute and store overlapped (SystolicConfig.overlap). */
  readonly overlap: boolean;
  /** Cycles each core is busy (running folds, waiting for their operands, or in its tail). */
  readonly coreBusy: number[];
  /** Cycles each core held a fold at its start waiting for the fold's blocks. */
  readonly coreWait: number[];
  readonly coreTiles: number[];
  readonly folds: number;
  readonly assignment: Assignment;
}

/**
 * Cycle by cycle, from the edge that samples `start` (cycle 0):
 * - the load unit offers its requests from cycle 1 on, block by block in load order, as the read
 *   channel takes them (dram-port.ts); a block is in the buffers, and a fold reading it may start,
 *   memLatency + 1 cycles after its last request is taken;
 * - the cores start in cycle 2 (overlap) or the cycle after the last response (not); each fold
 *   starts when the previous one ends and (overlap) its blocks are in, and lasts its closed form;
 *   a core is done `tailCycles` after its last fold, and an output block is written `tailCycles`
 *   after the fold that finishes it (GoldenFold.store);
 * - the store unit goes through the tiles in dispatch order and their output blocks in order,
 *   reading a block's first word once it is written (and, without overlap, once every core is done), offers it the cycle after, and each next word the cycle after the last
 *   is taken (the write channel, dram-port.ts); `done` rises the cycle after the last is taken.
 */
export function analyticCycles(cfg: SystolicConfig): CycleBreakdown {
  const overlap = cfg.overlap ?? true;
  const ts = tiles(cfg);
  const asg = assignTiles(ts.map((t) => t.cost), cfg.cores);
  const tail = tailCycles(cfg.dataflow, cfg.rows);
  const bw = cfg.dramBytesPerCycle ?? 0;

  const readPort = new DramPort(bw);
  const ready = [new Map<number, number>(), new Map<number, number>()];
  let taken = 0;
  for (const b of loadOrder(cfg)) {
    const r = blockRequests(cfg, b);
    for (let i = 0; i < r.repeat; i++) taken = readPort.accept(r.bytes, 1);
    ready[b.sel].set(b.block, taken + cfg.memLatency + 1);
  }
  const load = taken + cfg.memLatency;

  const coreStart = overlap ? 2 : load + 1;
  // Per tile, its output blocks' store requests and the cycle each is written (readable) from.
  const written: { at: number; run: RequestRun }[][] = ts.map(() => []);
  const coreBusy: number[] = [], coreWait: number[] = [];
  for (const list of asg.perCore) {
    let time = coreStart, wait = 0;
    for (const i of list) {
      for (const f of tileFolds(cfg, ts[i])) {
        const s = overlap ? Math.max(time, ready[0].get(f.west)!, ready[1].get(f.north)!) : time;
        wait += s - time;
        time = s + f.cycles;
        if (f.store) written[i].push({ at: time + tail, run: f.store });
      }
    }
    coreBusy.push(list.length > 0 ? time + tail - coreStart : 0);
    coreWait.push(wait);
  }
  const compute = Math.max(...coreBusy) + 1;
  const storePhase = coreStart + compute;

  const writePort = new DramPort(bw);
  const storeOn = overlap ? 1 : storePhase;
  for (const i of asg.order) {
    for (const { at, run } of written[i]) for (let w = 0; w < run.repeat; w++) taken = writePort.accept(run.bytes, Math.max(at, storeOn) + 1);
  }
  const total = taken + 1;
  return {
    start: 1, load, compute, store: total - storePhase, total, overlap,
    coreBusy, coreWait, coreTiles: asg.perCore.map((p) => p.length), folds: ts.reduce((s, t) => s + t.folds, 0), assignment: asg,
  };
}

/** Fraction of PE-cycles doing useful MACs over a run of `cycles`. */
export function peUtilization(cfg: SystolicConfig, cycles: number): number {
  return (cfg.m * cfg.n * cfg.k) / (cfg.cores * cfg.rows * cfg.cols * cycles);
}
