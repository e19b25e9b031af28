/**
 * The golden USER-mode model (src/golden/scalesim-user.ts) against a slow, literal replay of
 * SCALE-Sim v2 with `InterfaceBandwidth: USER`, written from its code (src/scalesim/NOTES.md):
 * the operand matrices' addresses, the compute modules' prefetch matrices (fold slices stacked,
 * rolled out along anti-diagonals for the skewed operands) and demand matrices (padding, flips,
 * empty rows, skew), then memory/read_buffer.py (fetch lines of `bw` words, hashed sets of
 * ceil(words/100) entries, the active/prefetch set window, prefetch_active_buffer, new_prefetch,
 * service_reads with its running offset), memory/write_buffer.py word by word, and
 * double_buffered_scratchpad.service_memory_requests row by row. Small shapes only.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { scaleSimLayer, type Dataflow, type ScaleSimArch } from "../../src/golden/scalesim.js";
import { rankOf, readLayout, scaleSimLayerUser, userReadEvents } from "../../src/golden/scalesim-user.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`scalesim USER reference: FC_SEED=${SEED}`);

// ---------------------------------------------------------------------------------------------
// Matrices, the way the compute modules build them

type Mat = number[][];
const nulls = (rows: number, cols: number): Mat => Array.from({ length: rows }, () => new Array(cols).fill(-1));
const fromFn = (rows: number, cols: number, f: (i: number, j: number) => number): Mat => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));
const transpose = (m: Mat): Mat => fromFn(m[0].length, m.length, (i, j) => m[j][i]);
const slice = (m: Mat, r0: number, r1: number, c0: number, c1: number): Mat => m.slice(r0, r1).map((row) => row.slice(c0, c1));
/** np.concatenate((m, -1s), axis=1) up to `cols` columns, then rows up to `rows` (when given). */
const pad = (m: Mat, cols: number, rows = m.length): Mat => [...m.map((r) => [...r, ...new Array(cols - r.length).fill(-1)]), ...nulls(rows - m.length, cols)];
const flip = (m: Mat): Mat => [...m].reverse();
function skew(m: Mat): Mat {
  const rows = m.length, cols = m[0].length;
  const out = nulls(rows + cols - 1, cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r + c][c] = m[r][c];
  return out;
}
/** The "Fixing ISSUE #15, #16" roll-out: anti-diagonals, each from its lowest row up (column ascending). */
function diagonals(m: Mat): number[] {
  const M = m.length, N = m[0].length, out: number[] = [];
  for (let d = 0; d < M + N; d++) {
    const maxRow = Math.min(d, M - 1), minRow = Math.max(0, d - N + 1);
    for (let o = 0; o < maxRow - minRow + 1; o++) out.push(m[maxRow - o][d - (maxRow - o)]);
  }
  return out;
}

interface Matrices {
  /** The fold slices stacked, before any roll-out; and the prefetch order read off them. */
  ifmapStack: Mat;
  filterStack: Mat;
  ifmapPrefetch: number[];
  filterPrefetch: number[];
  ifmap: Mat;
  filter: Mat;
  ofmap: Mat;
}

/** operand_matrix for a GEMM row (offsets 0, 10000000, 20000000), then systolic_compute_<df>. */
function matrices(df: Dataflow, R: number, C: number, M: number, N: number, K: number): Matrices {
  const A = fromFn(M, K, (m, k) => m * K + k);
  const B = fromFn(K, N, (k, n) => 10_000_000 + n * K + k);
  const O = fromFn(M, N, (m, n) => 20_000_000 + m * N + n);
  const AT = transpose(A);
  const [Sr, Sc, T] = df === "os" ? [M, N, K] : df === "ws" ? [K, N, M] : [K, M, N];
  const rf = Math.ceil(Sr / R), cf = Math.ceil(Sc / C);
  const stack = (n: number, f: (i: number) => Mat): Mat => Array.from({ length: n }, (_, i) => f(i)).flat();
  const rowsOf = (i: number) => [i * R, Math.min(i * R + R, Sr)] as const;
  const colsOf = (i: number) => [i * C, Math.min(i * C + C, Sc)] as const;
  const ifmap: Mat = [], filter: Mat = [], ofmap: Mat = [];
  let ifmapStack: Mat, filterStack: Mat;
  if (df === "os") {
    ifmapStack = stack(rf, (fr) => pad(slice(AT, 0, T, ...rowsOf(fr)), R));
    filterStack = stack(cf, (fc) => pad(slice(B, 0, T, ...colsOf(fc)), C));
  } else if (df === "ws") {
    ifmapStack = stack(rf, (fr) => pad(slice(A, 0, T, ...rowsOf(fr)), R));
    filterStack = stack(cf, (fc) => pad(slice(B, 0, Sr, ...colsOf(fc)), C));
  } else {
    ifmapStack = stack(cf, (fc) => pad(slice(AT, 0, Sr, ...colsOf(fc)), C));
    filterStack = stack(rf, (fr) => pad(transpose(slice(B, ...rowsOf(fr), 0, N)), R));
  }
  // ws filter and is ifmap (the preloaded tiles) are not skewed, so not rolled out.
  const ifmapPrefetch = df === "is" ? ifmapStack.flat() : diagonals(ifmapStack);
  const filterPrefetch = df === "ws" ? filterStack.flat() : diagonals(filterStack);
  for (let fc = 0; fc < cf; fc++) {
    for (let fr = 0; fr < rf; fr++) {
      const [r0, r1] = rowsOf(fr), [c0, c1] = colsOf(fc);
      if (df === "os") {
        ifmap.push(...skew([...pad(slice(AT, 0, T, r0, r1), R), ...nulls(C - 1, R)]));
        filter.push(...skew([...pad(slice(B, 0, T, c0, c1), C), ...nulls(R - 1, C)]));
        ofmap.push(...skew([...nulls(T - 1, C), ...flip(pad(slice(O, r0, r1, c0, c1), C, R))]));
      } else if (df === "ws") {
        ifmap.push(...skew([...nulls(R, R), ...pad(slice(A, 0, T, r0, r1), R), ...nulls(C - 1, R)]));
        filter.push(...flip(pad(slice(B, r0, r1, c0, c1), C, R)), ...nulls(R + C + T - 2, C));
        ofmap.push(...skew([...nulls(2 * R - 1, C), ...pad(slice(O, 0, T, c0, c1), C)]));
      } else {
        ifmap.push(...flip(pad(slice(AT, r0, r1, c0, c1), C, R)), ...nulls(R + C + T - 2, C));
        filter.push(...skew([...nulls(R, R), ...pad(transpose(slice(B, r0, r1, 0, N)), R), ...nulls(C - 1, R)]));
        ofmap.push(...skew([...nulls(2 * R - 1, C), ...pad(transpose(slice(O, c0, c1, 0, N)), C)]));
      }
    }
  }
  return { ifmapStack, filterStack, ifmapPrefetch, filterPrefetch, ifmap, filter, ofmap };
}

// ---------------------------------------------------------------------------------------------
// memory/read_buffer.py (v2), literally

class LiteralReadBuffer {
  readonly total: number;
  readonly active: number;
  readonly prefetch: number;
  fetch: number[][] = [];
  hashed: Set<number>[] = [];
  numLines = 0;
  numActive = 1;
  numPrefetch = 1;
  activeLimits: [number, number] = [0, 0];
  full = false;
  lastPrefetch = -1;
  access = 0;
  /** new_prefetch calls (instrumentation, not in SCALE-Sim). */
  moves = 0;
  /** Cycle column of the DRAM trace (the addresses in it do not change any report field). */
  trace: number[] = [];

  constructor(kb: number, readonly bw: number, prefetchMatrix: number[]) {
    this.total = 1024 * kb;
    this.active = Math.ceil(this.total * 0.5);
    this.prefetch = this.total - this.active;
    // set_fetch_matrix: the prefetch matrix re-laid in lines of bw words.
    const lines = Math.ceil(prefetchMatrix.length / bw);
    this.fetch = nulls(lines, bw);
    prefetchMatrix.forEach((x, i) => (this.fetch[Math.floor(i / bw)][i % bw] = x));
    // prepare_hashed_buffer
    const perSet = Math.ceil(this.total / 100);
    let id = 0, ctr = 0, cur = new Set<number>();
    for (const line of this.fetch) {
      for (const x of line) {
        if (x !== -1) (cur.add(x), ctr++);
        if (!(ctr < perSet)) ((this.hashed[id++] = cur), (ctr = 0), (cur = new Set()));
      }
    }
    this.hashed[id] = cur;
    const maxActive = Math.ceil(this.active / perSet), maxPrefetch = Math.ceil(this.prefetch / perSet);
    this.numLines = id + 1;
    this.numActive = this.numLines > maxActive ? maxActive : this.numLines;
    const rest = this.numLines - this.numActive;
    this.numPrefetch = rest > maxPrefetch ? maxPrefetch : rest;
  }

  hit(addr: number): boolean {
    const [s, e] = this.activeLimits;
    if (s < e) {
      for (let id = s; id < e; id++) if (this.hashed[id].has(addr)) return true;
    } else {
      for (let id = s; id < this.numLines; id++) if (this.hashed[id].has(addr)) return true;
      for (let id = 0; id < e; id++) if (this.hashed[id].has(addr)) return true;
    }
    return false;
  }

  /** service_reads for one row issued at `cycle`: the cycle it is served. */
  serviceRow(cycle: number, row: number[]): number {
    if (!this.full) this.prefetchActive(cycle);
    let offset = 1; // hit latency
    for (const addr of row) {
      if (addr === -1) continue;
      while (!this.hit(addr)) {
        this.newPrefetch();
        offset += this.lastPrefetch - (cycle + offset);
      }
    }
    return cycle + offset;
  }

  private prefetchActive(start: number): void {
    let n = Math.ceil(this.active / this.bw);
    if (!(n < this.fetch.length)) n = this.fetch.length;
    this.access += n * this.bw;
    // request cycles -(n - start - (i - latency)), served by read_port one latency later
    for (let i = 0; i < n; i++) this.trace.push(-1 * (n - start - (i - 1)) + 1);
    this.lastPrefetch = this.trace[this.trace.length - 1];
    this.activeLimits = [0, this.numActive];
    this.full = true;
  }

  private newPrefetch(): void {
    let [s] = this.activeLimits;
    s = (s + this.numPrefetch) % this.numLines;
    this.activeLimits = [s, (s + this.numActive) % this.numLines];
    const n = Math.ceil(this.prefetch / this.bw);
    this.access += n * this.bw;
    this.moves++;
    const first = this.trace.length;
    for (let i = 0; i < n; i++) this.trace.push(this.lastPrefetch + i + 1 + 1);
    this.lastPrefetch = this.trace[first + n - 1];
  }
}

// ---------------------------------------------------------------------------------------------
// memory/write_buffer.py (v2), word by word

class LiteralWriteBuffer {
  readonly total: number;
  readonly drainSize: number;
  free: number;
  line: number[] = [];
  lines: number[][] = [];
  drainStart = 0;
  drainEnd = 0;
  access = 0;
  cycles: number[] = [];

  constructor(kb: number, readonly bw: number) {
    this.total = 1024 * kb;
    this.drainSize = this.total - Math.ceil(this.total * 0.5);
    this.free = this.total;
  }

  serviceRow(cycle: number, row: number[]): number {
    let cur = cycle;
    for (const x of row) {
      if (x === -1) continue;
      this.line.push(x);
      this.free--;
      if (this.line.length === this.bw) ((this.lines.push(this.line)), (this.line = []));
      if (cur < this.drainEnd) {
        if (!(this.free > 0)) cur = this.drainEnd;
      } else if (this.free < this.total - this.drainSize) {
        this.force();
        this.drainEnd = this.emptyDrain(cur);
      }
    }
    return cur;
  }

  private force(): void {
    if (this.line.length > 0) this.lines.push([...this.line, ...new Array(this.bw - this.line.length).fill(-1)]);
    this.line = [];
  }

  private emptyDrain(start: number): number {
    const end = Math.min(this.drainStart + Math.ceil(this.drainSize / this.bw), this.lines.length);
    const chunk = this.lines.slice(this.drainStart, end);
    const data = chunk.length * this.bw - chunk[chunk.length - 1].filter((x) => x === -1).length;
    this.access += data;
    chunk.forEach((_, i) => this.cycles.push(start + i)); // write port latency 0
    this.free += data;
    this.drainStart = end;
    return start + chunk.length - 1;
  }

  emptyAll(cycle: number): void {
    this.force();
    while (this.drainStart < this.lines.length) {
      this.drainEnd = this.emptyDrain(cycle);
      cycle = this.drainEnd + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// double_buffered_scratchpad.service_memory_requests

interface Sizes {
  ifmapKB: number;
  filterKB: number;
  ofmapKB: number;
}

function reference(df: Dataflow, R: number, C: number, g: { m: number; n: number; k: number }, kb: Sizes, bw: number) {
  const mx = matrices(df, R, C, g.m, g.n, g.k);
  const rin = new LiteralReadBuffer(kb.ifmapKB, bw, mx.ifmapPrefetch);
  const rfl = new LiteralReadBuffer(kb.filterKB, bw, mx.filterPrefetch);
  const wb = new LiteralWriteBuffer(kb.ofmapKB, bw);
  let stalls = 0;
  const served = { ifmap: [] as number[], filter: [] as number[], ofmap: [] as number[] };
  for (let i = 0; i < mx.ofmap.length; i++) {
    const cycle = i + stalls;
    const tIf = rin.serviceRow(cycle, mx.ifmap[i]);
    const tFl = rfl.serviceRow(cycle, mx.filter[i]);
    const tOf = wb.serviceRow(cycle, mx.ofmap[i]);
    served.ifmap.push(tIf), served.filter.push(tFl), served.ofmap.push(tOf);
    stalls += Math.trunc(Math.max(tIf - cycle - 1, tFl - cycle - 1, tOf - cycle - 1));
  }
  const total = served.ofmap[served.ofmap.length - 1];
  wb.emptyAll(total);
  const sramWindow = (m: Mat, s: number[]) => {
    const rows = m.map((r, i) => (r.some((x) => x !== -1) ? i : -1)).filter((i) => i >= 0);
    return { startCycle: s[rows[0]], stopCycle: s[rows[rows.length - 1]] };
  };
  const dram = (b: { access: number; trace?: number[]; cycles?: number[] }) => {
    const t = b.trace ?? b.cycles!;
    return { words: b.access, startCycle: t[0], stopCycle: t[t.length - 1] };
  };
  return {
    rows: mx.ofmap.length,
    printed: total,
    stalls,
    sram: { ifmap: sramWindow(mx.ifmap, served.ifmap), filter: sramWindow(mx.filter, served.filter), ofmap: sramWindow(mx.ofmap, served.ofmap) },
    dram: { ifmap: dram(rin), filter: dram(rfl), ofmap: dram({ access: wb.access, cycles: wb.cycles }) },
    prefetchOrder: { ifmap: mx.ifmapPrefetch, filter: mx.filterPrefetch },
  };
}

const archOf = (df: Dataflow, R: number, C: number, kb: Sizes): ScaleSimArch => ({ rows: R, cols: C, dataflow: df, ifmapSramKB: kb.ifmapKB, filterSramKB: kb.filterKB, ofmapSramKB: kb.ofmapKB });

function expectSame(df: Dataflow, R: number, C: number, g: { m: number; n: number; k: number }, kb: Sizes, bw: number) {
  const want = reference(df, R, C, g, kb, bw);
  const got = scaleSimLayerUser(archOf(df, R, C, kb), g, bw);
  expect(got.computeCycles).toBe(want.rows);
  expect({ printed: got.printedTotalCycles, stalls: got.stallCycles }).toEqual({ printed: want.printed, stalls: want.stalls });
  for (const op of ["ifmap", "filter", "ofmap"] as const) {
    const { words, startCycle, stopCycle } = got.dram[op];
    expect({ op, dram: { words, startCycle, stopCycle } }).toEqual({ op, dram: want.dram[op] });
    expect({ op, sram: got.sram[op] }).toEqual({ op, sram: want.sram[op] });
  }
  return { want, got };
}

// ---------------------------------------------------------------------------------------------

const dims = fc.record({
  R: fc.integer({ min: 1, max: 16 }),
  C: fc.integer({ min: 1, max: 16 }),
  m: fc.integer({ min: 1, max: 64 }),
  n: fc.integer({ min: 1, max: 64 }),
  k: fc.integer({ min: 1, max: 64 }),
  df: fc.constantFrom<Dataflow>("os", "ws", "is"),
});
const sizes = fc.record({ ifmapKB: fc.integer({ min: 1, max: 8 }), filterKB: fc.integer({ min: 1, max: 8 }), ofmapKB: fc.integer({ min: 1, max: 8 }) });
const bandwidth = fc.integer({ min: 1, max: 20 });

describe("USER mode: golden model = literal replay of SCALE-Sim v2", () => {
  test.prop([dims], { numRuns: 60, seed: SEED })("rankOf places every real entry of the stack where SCALE-Sim's prefetch order has it", ({ R, C, m, n, k, df }) => {
    const a = archOf(df, R, C, { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }), g = { m, n, k };
    const mx = matrices(df, R, C, m, n, k);
    for (const op of ["ifmap", "filter"] as const) {
      const { order: p } = readLayout(a, g, op);
      const st = op === "ifmap" ? mx.ifmapStack : mx.filterStack;
      const real = (op === "ifmap" ? mx.ifmapPrefetch : mx.filterPrefetch).filter((x) => x !== -1);
      expect([st.length, st[0].length]).toEqual([p.blocks * p.height, p.width]);
      let count = 0;
      st.forEach((row, r) => row.forEach((x, c) => x !== -1 && (count++, expect(real[rankOf(p, r, c)]).toBe(x))));
      expect(count).toBe(real.length);
    }
  });

  test.prop([dims, sizes, bandwidth], { numRuns: 150, seed: SEED })(
    "Total and Stall Cycles, SRAM windows, DRAM words and windows agree (1..8 kB, 1..20 words/cycle)",
    ({ R, C, m, n, k, df }, kb, bw) => {
      expectSame(df, R, C, { m, n, k }, kb, bw);
    },
  );

  test.prop([dims, bandwidth], { numRuns: 60, seed: SEED })("1 kB everywhere: many prefetches, wraps and drains", ({ R, C, m, n, k, df }, bw) => {
    expectSame(df, R, C, { m, n, k }, { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, bw);
  });

  test.prop([dims, fc.integer({ min: 1, max: 3 })], { numRuns: 40, seed: SEED })("1 kB and 1..3 words/cycle: read and write stalls in the same rows", ({ R, C, m, n, k, df }, bw) => {
    expectSame(df, R, C, { m, n, k }, { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, bw);
  });

  test.prop([dims, sizes, bandwidth], { numRuns: 60, seed: SEED })("the event rows are the rows where SCALE-Sim's read buffers prefetch", ({ R, C, m, n, k, df }, kb, bw) => {
    const a = archOf(df, R, C, kb), g = { m, n, k };
    const mx = matrices(df, R, C, m, n, k);
    for (const op of ["ifmap", "filter"] as const) {
      const buf = new LiteralReadBuffer(op === "ifmap" ? kb.ifmapKB : kb.filterKB, bw, op === "ifmap" ? mx.ifmapPrefetch : mx.filterPrefetch);
      const rows: number[] = [], counts: number[] = [];
      mx[op].forEach((row, i) => {
        const before = buf.moves;
        buf.serviceRow(i, row); // issue cycles do not matter to which rows prefetch
        if (buf.moves !== before) (rows.push(i), counts.push(buf.moves));
      });
      const ev = userReadEvents(a, g, op, bw);
      expect({ op, rows: ev.rows, counts: ev.prefetches }).toEqual({ op, rows, counts });
    }
  });
});

describe("USER mode, hand-checked", () => {
  it("everything fits: no prefetch after the first fill, no stall, CALC's compute timing", () => {
    // os 4x4, M = N = K = 8, 64 kB, 10 words/cycle. Each operand has 64 real entries (two row
    // folds of 8 x 4), far below the active half (32768 words): sets of ceil(65536/100) = 656
    // entries -> one set holding all 64, plus nothing else, so the window holds all and never
    // moves. First fill: min(ceil(32768/10) = 3277, ceil(64/10) = 7 fetch lines) = 7 lines =
    // 70 words, arriving at cycles -7 .. -1. The 64 outputs drain at the end, 10 a cycle:
    // 7 lines from cycle 55 (the stall-free printed total, 56 rows - 1), the last one 4 words.
    const a = archOf("os", 4, 4, { ifmapKB: 64, filterKB: 64, ofmapKB: 64 }), g = { m: 8, n: 8, k: 8 };
    const r = scaleSimLayerUser(a, g, 10);
    expect(r.stallCycles).toBe(0);
    expect(r.printedTotalCycles).toBe(55);
    expect(r.dram.ifmap).toEqual({ words: 70, startCycle: -7, stopCycle: -1, exact: true });
    expect(r.dram.filter).toEqual({ words: 70, startCycle: -7, stopCycle: -1, exact: true });
    expect(r.dram.ofmap).toEqual({ words: 64, startCycle: 55, stopCycle: 61, exact: true });
    expect(r.bandwidth.ifmapDram).toBe(70 / 7);
    // The SRAM side is the CALC model's: same folds, no stalls.
    const calc = scaleSimLayer(a, g);
    expect(r.sram).toEqual(calc.sram);
    expectSame("os", 4, 4, g, { ifmapKB: 64, filterKB: 64, ofmapKB: 64 }, 10);
  });

  it("a streamed operand twice the active half: prefetches that land early cost nothing", () => {
    // ws, 1x1 array, M = 1100, N = K = 1, 1 kB SRAMs, 1 word/cycle. ws: Sr = K = 1, Sc = N = 1,
    // T = M = 1100: one fold of 2R + C + T - 2 = 1101 rows; row 0 loads the weight, rows 1..1100
    // stream ifmap address m = row - 1 and write output m in the same row (prefix 2R - 1 = 1).
    // ifmap buffer: 1024 words, active 512, sets of ceil(1024/100) = 11 entries: 1100 entries ->
    // 100 full sets + an empty one = 101 sets; window ceil(512/11) = 47 sets, moved by 47.
    // First fill: ceil(512/1) = 512 lines at cycles -512 .. -1. Address 517 (set 47) is the first
    // outside sets 0..46: row 518, cycle 518. new_prefetch: 512 lines landing -1+2 .. -1+513, so at
    // 512 < 518: its term is 512 - 518 - 1 = -7, the filter's 0 (a hit) wins. Sets 47..93 end at
    // address 94*11 - 1 = 1033; address 1034 (row 1035) moves on again, landing 512 + 513 = 1025,
    // early again. The outputs never fill the OFMAP buffer: a drain of 512 lines starts after 513
    // writes and frees its space at once. No stalls: printed total 1100, ifmap DRAM 512 + 2*512 =
    // 1536 words, the last landing at 1025.
    const kb = { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, g = { m: 1100, n: 1, k: 1 };
    const r = scaleSimLayerUser(archOf("ws", 1, 1, kb), g, 1);
    expect(userReadEvents(archOf("ws", 1, 1, kb), g, "ifmap", 1).rows).toEqual([518, 1035]);
    expect(r.stallCycles).toBe(0);
    expect(r.printedTotalCycles).toBe(1100);
    expect(r.dram.ifmap).toMatchObject({ words: 1536, startCycle: -512, stopCycle: 1025 });
    expectSame("ws", 1, 1, g, kb, 1);
  });

  it("the array outruns DRAM: it waits for the rest of each prefetch", () => {
    // os, R = 4, C = 1, M = 4, N = 1, K = 300, 1 kB, 1 word/cycle: one fold of R + C + K - 2 =
    // 303 rows. The ifmap stack is one 300 x 4 block (ifmap^T) read along anti-diagonals: 1, 2, 3
    // entries on diagonals 0..2, then 4, so rank(d, c) = 6 + 4(d - 3) + c for 3 <= d <= 299, and
    // row t of the fold reads diagonal t. 1200 entries: 109 sets of 11 + one of 1; window 47 sets
    // (ranks 0..516). Rank 517 = 6 + 4*127 + 3 is on diagonal 130: row 130, cycle 130, and the
    // first new prefetch lands at -1 + (512 + 1) = 512: stall 512 - 130 - 1 = 381. The next window
    // (sets 47..93) ends at rank 1033; rank 1034 = 6 + 4*257 + 0 is row 260, at cycle 260 + 381 =
    // 641, the second prefetch lands at 512 + 513 = 1025: stall 1025 - 641 - 1 = 383. The filter
    // (300 entries, 28 sets) fits its window; the four outputs never drain early. Stalls 764,
    // printed total 302 + 764 = 1066.
    const kb = { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, g = { m: 4, n: 1, k: 300 };
    const a = archOf("os", 4, 1, kb);
    expect(userReadEvents(a, g, "ifmap", 1).rows).toEqual([130, 260]);
    expect(userReadEvents(a, g, "filter", 1).rows).toEqual([]);
    const r = scaleSimLayerUser(a, g, 1);
    expect(r.stallCycles).toBe(764);
    expect(r.printedTotalCycles).toBe(1066);
    expectSame("os", 4, 1, g, kb, 1);
  });

  it("negative stalls: both read buffers prefetch early in the same row (kept quirk)", () => {
    // os 1x1, M = N = 1, K = 518, 1 kB, 10 words/cycle: one fold of 518 rows, row t reads ifmap t
    // and filter t; each operand has 518 entries = 47 sets of 11 + one of 1 (48 sets), window 47,
    // prefetch window min(48 - 47, 47) = 1 set. First fill min(ceil(512/10), ceil(518/10)) = 52
    // lines (-52 .. -1). Row 517 asks entry 517 (set 47) of both: each makes one prefetch of 52
    // lines landing at -1 + 53 = 52, 465 cycles before row 517's cycle: both read terms are
    // 52 - 517 - 1 = -466, the write term (the only output, not delayed) is -1, so the row's
    // "stall" is max(-466, -466, -1) = -1. Total Cycles is the last row's write cycle, 517, taken
    // before that stall applies; Stall Cycles -1. DRAM: (52 + 52) * 10 = 1040 words each, -52 .. 52.
    const kb = { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, g = { m: 1, n: 1, k: 518 };
    const r = scaleSimLayerUser(archOf("os", 1, 1, kb), g, 10);
    expect(r.stallCycles).toBe(-1);
    expect(r.printedTotalCycles).toBe(517);
    expect(r.dram.ifmap).toMatchObject({ words: 1040, startCycle: -52, stopCycle: 52 });
    expect(r.dram.filter).toMatchObject({ words: 1040, startCycle: -52, stopCycle: 52 });
    expectSame("os", 1, 1, g, kb, 10);
  });

  it("a re-swept operand: the window goes round, a small prefetch window at a time", () => {
    // os 1x1, M = 2, N = 1, K = 600, 1 kB, 1 word/cycle: two folds of 600 rows; both read the
    // same 600 filter entries (row t of fold f: filter t), the ifmap runs on (ifmap 600f + t).
    // Filter: 600 entries = 54 sets of 11 + one of 6 = 55 sets; window 47, prefetch window
    // min(55 - 47, 47) = 8 sets. Fold 0: entry 517 (set 47, row 517) moves the window to sets
    // 8..54. Fold 1 starts again at set 0, behind it: one move (to 16..54, 0..7) covers it, and
    // each 8 sets later (entries 88, 176, ..., 528: rows 688, 776, 864, 952, 1040, 1128) the
    // window must move again: 8 prefetches in all, the j-th landing at -1 + 513j.
    // ifmap: 1200 entries, 110 sets, prefetch window 47: moves at entries 517 and 1034 (rows).
    // Timing: row 517, both buffers early (land 512): -1. Row 600 (cycle 599): filter lands 1025:
    // 1025 - 599 - 1 = 425. Every later filter move comes 88 rows after the previous one but lands
    // 513 cycles after it: 425 more each (rows 688 .. 1128, 6 moves); the ifmap's second move (row
    // 1034) lands at 1025, long before. Stalls -1 + 7*425 = 2974, printed total 1199 + 2974 = 4173.
    const kb = { ifmapKB: 1, filterKB: 1, ofmapKB: 1 }, g = { m: 2, n: 1, k: 600 };
    const a = archOf("os", 1, 1, kb);
    expect(userReadEvents(a, g, "filter", 1).rows).toEqual([517, 600, 688, 776, 864, 952, 1040, 1128]);
    expect(userReadEvents(a, g, "ifmap", 1).rows).toEqual([517, 1034]);
    const r = scaleSimLayerUser(a, g, 1);
    expect(r.stallCycles).toBe(2974);
    expect(r.printedTotalCycles).toBe(4173);
    expect(r.dram.filter).toMatchObject({ words: 512 + 8 * 512, startCycle: -512, stopCycle: -1 + 8 * 513 });
    expectSame("os", 1, 1, g, kb, 1);
  });
});
