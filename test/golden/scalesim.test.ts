/**
 * The SCALE-Sim golden model: hand-derived cases on a 4x4 array, then properties over random
 * arrays and GEMMs - fold enumeration against the closed forms, counters against a fold-by-fold
 * count, utilisations in range and defined as SCALE-Sim defines them.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  Dataflow,
  PythonFloatSum,
  bandBefore,
  bandRowOf,
  operandBand,
  scaleSimComputeCycles,
  scaleSimFolds,
  scaleSimLayer,
  scaleSimSramCounts,
  scaleSimUtilisation,
  spatioTemporal,
} from "../../src/golden/scalesim.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`scalesim golden properties: FC_SEED=${SEED}`);

const arch = (dataflow: Dataflow, rows = 4, cols = 4, kb = 64) => ({ rows, cols, dataflow, ifmapSramKB: kb, filterSramKB: kb, ofmapSramKB: kb });
const g888 = { m: 8, n: 8, k: 8 };

describe("hand-checked: 4x4 array, M = N = K = 8", () => {
  it("os", () => {
    // Sr = M = 8, Sc = N = 8, T = K = 8: 2 x 2 folds of R + C + T - 2 = 14 rows = 56 cycles,
    // printed as 55. Every fold is full: mapping 100 %, compute util 16*8/(16*14) = 4/7.
    // Overall 512*100/(55*16). ifmap re-read per column fold 2*64, filter per row fold 2*64,
    // ofmap 64 + 4 folds * (4 + 4) = 96 (SCALE-Sim's os counter quirk).
    const r = scaleSimLayer(arch("os"), g888);
    expect(r.computeCycles).toBe(56);
    expect(r.totalCycles).toBe(56);
    expect(r.printedTotalCycles).toBe(55);
    expect(r.stallCycles).toBe(0);
    expect(r.mappingEfficiency).toBe(100);
    expect(r.computeUtil).toBe(((16 * 8) / (16 * 14)) * 100);
    expect(r.overallUtil).toBe((512 * 100) / (55 * 16));
    expect(r.sram).toMatchObject({ ifmapReads: 128, filterReads: 128, ofmapWrites: 96, ofmapElements: 64 });
    // ifmap: first request row 0 served at 1; the last fold starts at 3*14 = 42 and its last ifmap
    // request sits at row T-1 + u_r-1 = 10 (skew), served at 42 + 10 + 1 = 53.
    expect(r.sram.ifmap).toEqual({ startCycle: 1, stopCycle: 53 });
    expect(r.sram.filter).toEqual({ startCycle: 1, stopCycle: 53 });
    // ofmap: T-1 = 7 empty rows, the flipped 4x4 tile from row 7; last output at 42 + 7 + 3 + 3 = 55.
    expect(r.sram.ofmap).toEqual({ startCycle: 7, stopCycle: 55 });
    // 64 kB: sets of floor(65536/100) = 655 words; 64 words fit one set, fetched in ceil(655/10)
    // = 66 cycles before cycle 0. The 64 outputs never fill half the OFMAP buffer, so they drain
    // at the end, 4 words (ArrayWidth) a cycle: 16 lines from cycle 55.
    expect(r.dram.ifmap).toEqual({ words: 64, startCycle: -66, stopCycle: -1, exact: true });
    expect(r.dram.filter).toEqual({ words: 64, startCycle: -66, stopCycle: -1, exact: true });
    expect(r.dram.ofmap).toEqual({ words: 64, startCycle: 55, stopCycle: 70, exact: true });
    expect(r.bandwidth.ifmapSram).toBe(128 / 55);
    expect(r.bandwidth.ofmapDram).toBe(64 / 16);
  });

  it("ws", () => {
    // Sr = K = 8, Sc = N = 8, T = M = 8: 4 folds of 2R + C + T - 2 = 18 rows = 72 cycles.
    // Compute util divides by the filter fold's rows + cols - 1 = (2R+C+T-2) + C - 1 = 21.
    const r = scaleSimLayer(arch("ws"), g888);
    expect(r.computeCycles).toBe(72);
    expect(r.printedTotalCycles).toBe(71);
    expect(r.mappingEfficiency).toBe(100);
    expect(r.computeUtil).toBe(((16 * 8) / (16 * 21)) * 100);
    expect(r.overallUtil).toBe((512 * 100) / (71 * 16));
    // ifmap per column fold 2*64; weights once 64; partial sums out once per row fold 2*64.
    expect(r.sram).toMatchObject({ ifmapReads: 128, filterReads: 64, ofmapWrites: 128 });
    // ifmap after the R-row weight load: row 4 -> cycle 5; last: 3*18 + R + u_r + T - 2 = 68 -> 69.
    expect(r.sram.ifmap).toEqual({ startCycle: 5, stopCycle: 69 });
    // weights: the flipped tile in rows 0..3 of each fold; last at 54 + 3 -> 58.
    expect(r.sram.filter).toEqual({ startCycle: 1, stopCycle: 58 });
    // outputs after 2R-1 = 7 rows; last at 54 + 7 + 7 + 3 = 71.
    expect(r.sram.ofmap).toEqual({ startCycle: 7, stopCycle: 71 });
    expect(r.dram.ofmap.words).toBe(128);
  });

  it("is", () => {
    // Sr = K = 8, Sc = M = 8, T = N = 8: the mirror image of ws with ifmap and filter swapped.
    const r = scaleSimLayer(arch("is"), g888);
    expect(r.computeCycles).toBe(72);
    expect(r.computeUtil).toBe(((16 * 8) / (16 * 21)) * 100);
    expect(r.sram).toMatchObject({ ifmapReads: 64, filterReads: 128, ofmapWrites: 128 });
    expect(r.sram.ifmap).toEqual({ startCycle: 1, stopCycle: 58 });
    expect(r.sram.filter).toEqual({ startCycle: 5, stopCycle: 69 });
    expect(r.sram.ofmap).toEqual({ startCycle: 7, stopCycle: 71 });
  });

  it("a partial fold: os, 4x4, M = 5, N = 3, K = 2", () => {
    // Folds (col 0: rows 0-3 then row 4): 4x3 and 1x3 PEs used. Fold = 4 + 4 + 2 - 2 = 8 rows.
    // Mapping (12/16 + 3/16)/2 = 46.875 %; compute util (12*2/(16*8) + 3*2/(16*8))/2 = 11.71875 %.
    const r = scaleSimLayer(arch("os"), { m: 5, n: 3, k: 2 });
    expect(scaleSimFolds(arch("os"), { m: 5, n: 3, k: 2 }).map((f) => [f.rowsUsed, f.colsUsed])).toEqual([[4, 3], [1, 3]]);
    expect(r.computeCycles).toBe(16);
    expect(r.mappingEfficiency).toBe(46.875);
    expect(r.computeUtil).toBe(11.71875);
    // ofmap rows: T-1 + R - u_r. Fold 0: 1 + 0 = row 1; fold 1 (u_r = 1): its tile sits at rows
    // 1 + 3 = 4 .. 4 + 2 (three columns of skew) = 6, plus 8 = 14.
    expect(r.sram.ofmap).toEqual({ startCycle: 1, stopCycle: 14 });
  });
});

const dims = fc.record({
  R: fc.integer({ min: 1, max: 32 }),
  C: fc.integer({ min: 1, max: 32 }),
  m: fc.integer({ min: 1, max: 300 }),
  n: fc.integer({ min: 1, max: 300 }),
  k: fc.integer({ min: 1, max: 300 }),
  df: fc.constantFrom<Dataflow>("os", "ws", "is"),
});

describe("properties (R, C in 1..32; M, N, K in 1..300)", () => {
  test.prop([dims], { numRuns: 150, seed: SEED })("the fold enumeration sums to the closed forms", ({ R, C, m, n, k, df }) => {
    const a = arch(df, R, C);
    const folds = scaleSimFolds(a, { m, n, k });
    const cdiv = (x: number, y: number) => Math.ceil(x / y);
    const closed = df === "os" ? cdiv(m, R) * cdiv(n, C) * (R + C + k - 2) : df === "ws" ? cdiv(k, R) * cdiv(n, C) * (2 * R + C + m - 2) : cdiv(k, R) * cdiv(m, C) * (2 * R + C + n - 2);
    expect(folds.reduce((s, f) => s + f.cycles, 0)).toBe(closed);
    expect(scaleSimComputeCycles(a, { m, n, k })).toBe(closed);
    // The folds tile Sr x Sc exactly once.
    const { sr, sc } = spatioTemporal(df, { m, n, k });
    expect(folds.reduce((s, f) => s + f.rowsUsed * f.colsUsed, 0)).toBe(sr * sc);
    expect(folds.map((f) => f.index)).toEqual(folds.map((_, i) => i));
  });

  test.prop([dims], { numRuns: 150, seed: SEED })("utilisations are in (0, 100] and defined as SCALE-Sim defines them", ({ R, C, m, n, k, df }) => {
    const a = arch(df, R, C, 4);
    const r = scaleSimLayer(a, { m, n, k });
    expect(r.mappingEfficiency).toBeGreaterThan(0);
    expect(r.mappingEfficiency).toBeLessThanOrEqual(100);
    expect(r.computeUtil).toBeGreaterThan(0);
    expect(r.computeUtil).toBeLessThanOrEqual(100);
    // Overall util = MNK / (printed cycles * R * C), printed = count - 1 (+ stalls, none here).
    expect(r.stallCycles).toBe(0);
    expect(r.totalCycles).toBe(r.computeCycles);
    expect(r.overallUtil).toBe((m * n * k * 100) / (Math.max(1, r.totalCycles - 1) * R * C));
    // Mapping efficiency is the mean over folds of used PEs / (R*C).
    const folds = scaleSimFolds(a, { m, n, k });
    const mean = folds.reduce((s, f) => s + (f.rowsUsed * f.colsUsed) / (R * C), 0) / folds.length;
    expect(r.mappingEfficiency).toBeCloseTo(mean * 100, 9);
  });

  test.prop([dims], { numRuns: 150, seed: SEED })("SRAM counters equal a fold-by-fold count of the slices SCALE-Sim cuts", ({ R, C, m, n, k, df }) => {
    const a = arch(df, R, C);
    const { t } = spatioTemporal(df, { m, n, k });
    let ifmap = 0, filter = 0, ofmap = 0;
    for (const f of scaleSimFolds(a, { m, n, k })) {
      if (df === "os") {
        ifmap += t * f.rowsUsed; // K x u_r slice of ifmap^T
        filter += t * f.colsUsed; // K x u_c slice of the filter
        ofmap += f.rowsUsed * f.colsUsed + R + C; // the tile, and the quirk
      } else if (df === "ws") {
        ifmap += t * f.rowsUsed; // M x u_r
        filter += f.rowsUsed * f.colsUsed; // the weight tile
        ofmap += t * f.colsUsed; // M x u_c partial sums
      } else {
        ifmap += f.rowsUsed * f.colsUsed; // the ifmap tile
        filter += t * f.rowsUsed; // N x u_r of filter^T
        ofmap += t * f.colsUsed; // N x u_c
      }
    }
    expect(scaleSimSramCounts(a, { m, n, k })).toMatchObject({ ifmapReads: ifmap, filterReads: filter, ofmapWrites: ofmap });
  });

  test.prop([dims], { numRuns: 100, seed: SEED })("every band lies inside its fold and bandRowOf inverts bandBefore", ({ R, C, m, n, k, df }) => {
    const a = arch(df, R, C);
    const { t } = spatioTemporal(df, { m, n, k });
    const f = scaleSimFolds(a, { m, n, k }).at(-1)!;
    for (const op of ["ifmap", "filter", "ofmap"] as const) {
      const b = operandBand(a, t, op, f.rowsUsed, f.colsUsed);
      const last = b.b + b.h - 1 + (b.skew ? b.w - 1 : 0);
      expect(b.b).toBeGreaterThanOrEqual(0);
      expect(last).toBeLessThan(f.cycles);
      expect(bandBefore(b, f.cycles)).toBe(b.h * b.w);
      for (const p of [0, Math.floor((b.h * b.w) / 2), b.h * b.w - 1]) {
        const d = bandRowOf(b, p);
        expect(bandBefore(b, d)).toBeLessThanOrEqual(p);
        expect(bandBefore(b, d + 1)).toBeGreaterThan(p);
      }
    }
  });
});

describe("details", () => {
  it("Python's sum() is compensated: 0.1 ten times is 1.0", () => {
    const s = new PythonFloatSum();
    for (let i = 0; i < 10; i++) s.add(0.1);
    expect(s.value).toBe(1); // plain summation gives 0.9999999999999999
  });

  it("a 1x1 array running one MAC under os takes 1 cycle; overall util divides by 1, not 0", () => {
    const r = scaleSimLayer(arch("os", 1, 1), { m: 1, n: 1, k: 1 });
    expect(r.totalCycles).toBe(1);
    expect(r.overallUtil).toBe(100);
  });

  it("utilisation over a non-power-of-two array matches the per-fold formula", () => {
    const a = arch("ws", 3, 5);
    const u = scaleSimUtilisation(a, { m: 7, n: 11, k: 4 });
    // ws: Sr = K = 4 -> row folds of 3 and 1; Sc = N = 11 -> col folds of 5, 5, 1. T = M = 7.
    // util denominator per fold: 2*3 + 2*5 + 7 - 3 = 20 cycles.
    const used = [15, 5, 15, 5, 3, 1];
    const s = new PythonFloatSum(), t = new PythonFloatSum();
    for (const u2 of used) (s.add(u2 / 15), t.add((u2 * 7) / (15 * 20)));
    expect(u.mappingEfficiency).toBe((s.value / 6) * 100);
    expect(u.computeUtil).toBe((t.value / 6) * 100);
  });
});
