/**
 * The golden CALC-mode memory model against a slow, literal reference written from
 * src/scalesim/NOTES.md: it builds SCALE-Sim's demand matrices address by address (pad, flip,
 * prefix/suffix rows, skew), runs them row by row through a set-based estimate read buffer and a
 * word-by-word write buffer, and reads the report fields off the result. Small SRAMs (1 kB: sets
 * of 10 words, a flush every 500 misses) and narrow drains make every path happen.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Dataflow, calcWriteRun, scaleSimLayer } from "../../src/golden/scalesim.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`scalesim CALC reference: FC_SEED=${SEED}`);

type Mat = number[][];
const empty = (rows: number, cols: number): Mat => Array.from({ length: rows }, () => new Array(cols).fill(-1));
const skew = (m: Mat): Mat => {
  const rows = m.length, cols = m[0].length;
  const out = empty(rows + cols - 1, cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r + c][c] = m[r][c];
  return out;
};
/** rows x cols slice of f(i, j) over [r0, r0+rows) x [c0, c0+cols), -1 outside [0,R) x [0,C) of the source. */
const tile = (rows: number, cols: number, valid: (i: number, j: number) => boolean, f: (i: number, j: number) => number): Mat =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (valid(i, j) ? f(i, j) : -1)));

/** SCALE-Sim's three demand matrices for a GEMM, built the way its compute modules build them. */
function demand(df: Dataflow, R: number, C: number, M: number, N: number, K: number): { ifmap: Mat; filter: Mat; ofmap: Mat } {
  const A = (m: number, k: number) => m * K + k; // ifmap addresses
  const B = (k: number, n: number) => 10_000_000 + n * K + k; // filter
  const O = (m: number, n: number) => 20_000_000 + m * N + n; // ofmap
  const [Sr, Sc, T] = df === "os" ? [M, N, K] : df === "ws" ? [K, N, M] : [K, M, N];
  const ifmap: Mat = [], filter: Mat = [], ofmap: Mat = [];
  for (let fcol = 0; fcol < Math.ceil(Sc / C); fcol++) {
    for (let frow = 0; frow < Math.ceil(Sr / R); frow++) {
      const r0 = frow * R, c0 = fcol * C;
      const inR = (i: number) => r0 + i < Sr, inC = (j: number) => c0 + j < Sc;
      if (df === "os") {
        ifmap.push(...skew([...tile(T, R, (_, j) => inR(j), (t, j) => A(r0 + j, t)), ...empty(C - 1, R)]));
        filter.push(...skew([...tile(T, C, (_, j) => inC(j), (t, j) => B(t, c0 + j)), ...empty(R - 1, C)]));
        const out = tile(R, C, (i, j) => inR(i) && inC(j), (i, j) => O(r0 + i, c0 + j)).reverse();
        ofmap.push(...skew([...empty(T - 1, C), ...out]));
      } else if (df === "ws") {
        ifmap.push(...skew([...empty(R, R), ...tile(T, R, (_, j) => inR(j), (t, j) => A(t, r0 + j)), ...empty(C - 1, R)]));
        const w = tile(R, C, (i, j) => inR(i) && inC(j), (i, j) => B(r0 + i, c0 + j)).reverse();
        filter.push(...w, ...empty(R + C + T - 2, C));
        ofmap.push(...skew([...empty(2 * R - 1, C), ...tile(T, C, (_, j) => inC(j), (t, j) => O(t, c0 + j))]));
      } else {
        const x = tile(R, C, (i, j) => inR(i) && inC(j), (i, j) => A(c0 + j, r0 + i)).reverse();
        ifmap.push(...x, ...empty(R + C + T - 2, C));
        filter.push(...skew([...empty(R, R), ...tile(T, R, (_, j) => inR(j), (t, j) => B(r0 + j, t)), ...empty(C - 1, R)]));
        ofmap.push(...skew([...empty(2 * R - 1, C), ...tile(T, C, (_, j) => inC(j), (t, j) => O(c0 + j, t))]));
      }
    }
  }
  return { ifmap, filter, ofmap };
}

/** The estimate-bandwidth read buffer, set by set. */
class EstimateReadBuffer {
  readonly I: number;
  sets: Set<number>[] = [];
  cur = new Set<number>();
  curId = 0;
  winStart = 0;
  winEnd = 49;
  prefStart = -1;
  prefEnd = -1;
  activeDone = false;
  lastStart = -2;
  lastEnd = -1;
  firstReq = 0;
  firstSeen = false;
  words = 0;
  traceFirst: number | undefined;
  traceLast = 0;

  constructor(kb: number) {
    this.I = Math.floor((1024 * kb) / 100);
  }

  request(cycle: number, row: number[]): void {
    if (!this.firstSeen && Math.max(...row) > -1) (this.firstReq = cycle), (this.firstSeen = true);
    for (const a of row) if (a !== -1) this.one(cycle, a);
  }

  private hit(a: number): boolean {
    for (let s = this.winStart; s < Math.min(this.curId, this.winEnd + 1); s++) if (this.sets[s].has(a)) return true;
    return false;
  }

  private one(cycle: number, a: number): void {
    if (this.hit(a) || this.cur.has(a)) return;
    this.cur.add(a);
    if (this.cur.size < this.I) return;
    this.sets.push(this.cur);
    this.cur = new Set();
    this.curId++;
    if (this.curId !== this.winEnd + 1) return;
    if (!this.activeDone) {
      this.lastEnd = this.firstReq - 2;
      this.lastStart = this.lastEnd - Math.ceil((50 * this.I) / 10) + 1;
      this.fetch(0, 49);
      this.prefStart = this.winEnd + 1;
      this.prefEnd = this.prefStart + 49;
      this.activeDone = true;
    } else {
      this.fetch(this.prefStart, this.prefEnd);
      this.prefStart += 50;
      this.prefEnd += 50;
    }
    this.winStart += 50;
    this.winEnd += 50;
    this.lastStart = this.lastEnd + 1;
    this.lastEnd = cycle;
  }

  private fetch(from: number, to: number): void {
    for (let s = from; s <= to; s++) this.words += this.sets[s].size;
    for (let c = this.lastStart; c <= this.lastEnd; c++) {
      this.traceFirst ??= c + 1;
      this.traceLast = c + 1;
    }
  }

  complete(): void {
    if (this.cur.size > 0) this.sets.push(this.cur);
    else this.curId--;
    if (!this.activeDone) {
      this.lastEnd = -2;
      this.lastStart = this.lastEnd - Math.ceil(((this.curId + 1) * this.I) / 10) + 1;
      this.fetch(0, this.curId);
    } else this.fetch(this.prefStart, this.curId);
  }
}

/** The write buffer, word by word, with real padded lines. */
class LiteralWriteBuffer {
  readonly total: number;
  readonly drainHalf: number;
  free: number;
  open: number[] = [];
  lines: number[][] = [];
  next = 0;
  drainEnd = 0;
  words = 0;
  first: number | undefined;
  last = 0;

  constructor(kb: number, readonly bw: number) {
    this.total = 1024 * kb;
    this.drainHalf = this.total - Math.ceil(this.total * 0.5);
    this.free = this.total;
  }

  write(cycle: number, row: number[]): number {
    let cur = cycle;
    for (const a of row) {
      if (a === -1) continue;
      this.open.push(a);
      this.free--;
      if (this.open.length === this.bw) (this.lines.push(this.open), (this.open = []));
      if (cur < this.drainEnd) {
        if (this.free <= 0) cur = this.drainEnd;
      } else if (this.free < this.total - this.drainHalf) this.drain(cur);
    }
    return cur;
  }

  private close(): void {
    if (this.open.length > 0) this.lines.push([...this.open, ...new Array(this.bw - this.open.length).fill(-1)]);
    this.open = [];
  }

  drain(cycle: number): void {
    this.close();
    const chunk = this.lines.slice(this.next, this.next + Math.ceil(this.drainHalf / this.bw));
    this.next += chunk.length;
    const data = chunk.length * this.bw - chunk[chunk.length - 1].filter((x) => x === -1).length;
    this.words += data;
    this.free += data;
    this.first ??= cycle;
    this.last = cycle + chunk.length - 1;
    this.drainEnd = this.last;
  }

  flush(cycle: number): void {
    this.close();
    while (this.next < this.lines.length) {
      this.drain(cycle);
      cycle = this.drainEnd + 1;
    }
  }
}

function reference(df: Dataflow, R: number, C: number, g: { m: number; n: number; k: number }, kb: number, drainBw = C) {
  const d = demand(df, R, C, g.m, g.n, g.k);
  const rin = new EstimateReadBuffer(kb), rfl = new EstimateReadBuffer(kb), wb = new LiteralWriteBuffer(kb, drainBw);
  let stalls = 0, lastOut = 0;
  const served: { ifmap: number[]; filter: number[]; ofmap: number[] } = { ifmap: [], filter: [], ofmap: [] };
  for (let i = 0; i < d.ofmap.length; i++) {
    const cycle = i + stalls;
    rin.request(cycle, d.ifmap[i]);
    rfl.request(cycle, d.filter[i]);
    const out = wb.write(cycle, d.ofmap[i]);
    if (d.ifmap[i].some((x) => x !== -1)) served.ifmap.push(cycle + 1);
    if (d.filter[i].some((x) => x !== -1)) served.filter.push(cycle + 1);
    if (d.ofmap[i].some((x) => x !== -1)) served.ofmap.push(out);
    stalls += Math.max(0, 0, out - cycle - 1);
    lastOut = out;
  }
  rin.complete();
  rfl.complete();
  wb.flush(lastOut);
  const win = (s: number[]) => ({ startCycle: s[0], stopCycle: s[s.length - 1] });
  return {
    rows: d.ofmap.length,
    printed: lastOut,
    stalls,
    sram: { ifmap: win(served.ifmap), filter: win(served.filter), ofmap: win(served.ofmap) },
    dram: {
      ifmap: { words: rin.words, startCycle: rin.traceFirst, stopCycle: rin.traceLast },
      filter: { words: rfl.words, startCycle: rfl.traceFirst, stopCycle: rfl.traceLast },
      ofmap: { words: wb.words, startCycle: wb.first, stopCycle: wb.last },
    },
  };
}

const small = fc.record({
  R: fc.integer({ min: 1, max: 6 }),
  C: fc.integer({ min: 1, max: 6 }),
  m: fc.integer({ min: 1, max: 48 }),
  n: fc.integer({ min: 1, max: 48 }),
  k: fc.integer({ min: 1, max: 48 }),
  df: fc.constantFrom<Dataflow>("os", "ws", "is"),
});

describe("CALC memory system: golden closed forms = literal reference", () => {
  it("the reference builds demand matrices of the closed-form length", () => {
    for (const df of ["os", "ws", "is"] as const) expect(reference(df, 4, 4, { m: 8, n: 8, k: 8 }, 64).rows).toBe(df === "os" ? 56 : 72);
  });

  test.prop([small], { numRuns: 60, seed: SEED })("1 kB SRAMs: cycles, SRAM windows and DRAM traffic agree", ({ R, C, m, n, k, df }) => {
    const g = { m, n, k };
    const want = reference(df, R, C, g, 1);
    const got = scaleSimLayer({ rows: R, cols: C, dataflow: df, ifmapSramKB: 1, filterSramKB: 1, ofmapSramKB: 1 }, g);
    expect(got.computeCycles).toBe(want.rows);
    expect(got.printedTotalCycles).toBe(want.printed);
    expect(got.stallCycles).toBe(want.stalls);
    expect(got.sram.ifmap).toEqual(want.sram.ifmap);
    expect(got.sram.filter).toEqual(want.sram.filter);
    expect(got.sram.ofmap).toEqual(want.sram.ofmap);
    for (const op of ["ifmap", "filter", "ofmap"] as const) {
      const { words, startCycle, stopCycle } = got.dram[op];
      expect({ op, words, startCycle, stopCycle }).toEqual({ op, ...want.dram[op] });
    }
  });

  test.prop([small, fc.integer({ min: 1, max: 3 })], { numRuns: 40, seed: SEED })(
    "a narrow OFMAP drain: stalls, delayed rows and the drain trace agree",
    ({ R, C, m, n, k, df }, bw) => {
      const g = { m, n, k };
      const want = reference(df, R, C, g, 1, bw);
      const got = calcWriteRun({ rows: R, cols: C, dataflow: df, ifmapSramKB: 1, filterSramKB: 1, ofmapSramKB: 1 }, g, bw);
      expect(got.printedTotalCycles).toBe(want.printed);
      expect(got.stallCycles).toBe(want.stalls);
      const { words, startCycle, stopCycle } = got.ofmapDram;
      expect({ words, startCycle, stopCycle }).toEqual(want.dram.ofmap);
    },
  );

  it("stalls do happen with a 1-word drain on a wide array", () => {
    const g = { m: 48, n: 48, k: 2 };
    const want = reference("os", 6, 6, g, 1, 1);
    expect(want.stalls).toBeGreaterThan(0);
    const got = calcWriteRun({ rows: 6, cols: 6, dataflow: "os", ifmapSramKB: 1, filterSramKB: 1, ofmapSramKB: 1 }, g, 1);
    expect(got.stallCycles).toBe(want.stalls);
    expect(got.printedTotalCycles).toBe(want.printed);
  });
});
