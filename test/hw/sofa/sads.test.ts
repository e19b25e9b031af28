/**
 * SADS: golden properties, the unit against golden `sadsSegments` and the cycle model for random
 * shapes (S not divisible by n or 12, any write alignment and order, ties), the `sofa-sort`
 * testbench on random parameters, and mutants it must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { prunedNetwork, sadsSegments, sadsSelect, segmentBounds, sortedOrder, topK } from "../../../src/golden/sofa.js";
import { sadsRowWork, sadsUnitTiming } from "../../../src/golden/sofa-sads-timing.js";
import { makeSadsUnit, sadsNames } from "../../../src/hw/sofa/sads-unit.js";
import type { SadsParams } from "../../../src/hw/sofa/sads-params.js";
import { simulate } from "../../../src/sim/index.js";
import { sofaSortTb, sortUnitParams } from "../../../src/tb/sofa/sort.js";
import type { Params, Testbench } from "../../../src/tb/types.js";

/** Rows with ties: a few distinct values, sometimes s16 extremes. */
const rowArb = (S: number) => fc.array(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -32768, max: 32767 }), fc.constantFrom(-32768, 32767)), { minLength: S, maxLength: S });
const radiusArb = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 6 }), fc.constant(70000));
const R = (radius: number) => (radius < 0 ? Infinity : radius);

describe("SADS golden", () => {
  test.prop([fc.integer({ min: 1, max: 60 }).chain((S) => fc.tuple(rowArb(S), fc.integer({ min: 0, max: S + 3 })))], { numRuns: 200 })(
    "n = 1 and radius Infinity is the exact top-k (as a set, ascending)",
    ([row, k]) => {
      expect(sadsSelect(row, k, 1, Infinity)).toEqual([...topK(row, k)].sort((a, b) => a - b));
    },
  );

  test.prop([fc.integer({ min: 1, max: 60 }).chain((S) => fc.tuple(rowArb(S), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 8 })))], { numRuns: 200 })(
    "each segment keeps its best floor(k/n) candidates >= segment max - radius, in the sorters' order",
    ([row, k, n, radius]) => {
      const segs = sadsSegments(row, k, n, radius);
      const per = Math.floor(k / n);
      segs.forEach((list, j) => {
        const [lo, hi] = segmentBounds(row.length, n, j);
        const max = Math.max(-Infinity, ...row.slice(lo, hi));
        const cand = Array.from({ length: hi - lo }, (_, i) => lo + i).filter((i) => row[i] >= max - radius);
        expect(list.length).toBe(Math.min(per, cand.length));
        expect(list).toEqual(sortedOrder(row, cand).slice(0, per));
        for (const i of list) {
          expect(i >= lo && i < hi).toBe(true);
          expect(row[i]).toBeGreaterThanOrEqual(max - radius);
        }
      });
    },
  );
});

/** Drive the unit directly: rows written in chunks of <= inWidth at random offsets and order. */
async function runUnit(p: SadsParams, rows: number[][], r: () => number) {
  const { module, g } = makeSadsUnit(p);
  const sim = simulate(module);
  try {
    sim.reset();
    const w = p.inWidth, S = p.seqLen, bank = Math.floor(r() * 2);
    const chunks: { row: number; col: number; len: number }[] = [];
    rows.forEach((_, row) => {
      let col = 0;
      while (col < S) {
        const len = Math.min(S - col, 1 + Math.floor(r() * w));
        chunks.push({ row, col, len });
        col += len;
      }
    });
    for (let i = chunks.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [chunks[i], chunks[j]] = [chunks[j], chunks[i]];
    }
    for (const ch of chunks) {
      sim.poke("in_we", 1);
      sim.poke("in_bank", bank);
      sim.poke("in_row", ch.row);
      sim.poke("in_col", ch.col);
      for (let i = 0; i < w; i++) {
        sim.poke(sadsNames.inData(i), i < ch.len ? rows[ch.row][ch.col + i] : -1);
        sim.poke(sadsNames.inMask(i), i < ch.len ? 1 : 0);
      }
      // a masked-off write to the other bank's same keys must not land
      sim.step();
      sim.poke("in_bank", 1 - bank);
      for (let i = 0; i < w; i++) sim.poke(sadsNames.inMask(i), 0);
      sim.step();
    }
    sim.poke("in_we", 0);
    sim.poke("bank", bank);
    sim.poke("start", 1);
    sim.step();
    sim.poke("start", 0);
    let cycles = 1;
    while (sim.peekNumber("done") === 0 && cycles < 100_000) {
      sim.step();
      cycles++;
    }
    const lists: { index: number; value: number }[][][] = rows.map(() => []);
    for (let row = 0; row < rows.length; row++) {
      for (let j = 0; j < p.segments; j++) {
        const list: { index: number; value: number }[] = [];
        for (let slot = 0; slot < 2 ** g.slotBits; slot++) {
          sim.poke("rd_bank", bank);
          sim.poke("rd_row", row);
          sim.poke("rd_seg", j);
          sim.poke("rd_slot", slot);
          sim.step();
          if (sim.peekNumber("rd_valid") === 1) {
            expect(slot, `row ${row} seg ${j}: valid slots are a prefix`).toBe(list.length);
            list.push({ index: sim.peekNumber("rd_index"), value: sim.peekNumber("rd_value") });
          }
        }
        lists[row].push(list);
      }
    }
    return { cycles, lists, sorted: sim.peekNumber("sorted"), clipped: sim.peekNumber("clipped"), scans: sim.peekNumber("scans") };
  } finally {
    sim.close();
  }
}

const unitArb = fc
  .record({
    seqLen: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 130 })),
    segments: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 0, max: 40 }),
    radius: radiusArb,
    rows: fc.integer({ min: 1, max: 3 }),
    inWidth: fc.integer({ min: 1, max: 12 }),
    pipeRegs: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .chain((p) => fc.record({ p: fc.constant(p), rows: fc.array(rowArb(p.seqLen), { minLength: p.rows, maxLength: p.rows }) }));

describe("SADS unit", () => {
  test.prop([unitArb], { numRuns: 60 })("every list equals sadsSegments; cycles and counters equal the model", async ({ p, rows }) => {
    let s = p.seed;
    const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const got = await runUnit(p, rows, r);
    const tm = sadsUnitTiming(rows, p.k, p.segments, R(p.radius), p.pipeRegs);
    rows.forEach((row, i) => {
      const want = sadsSegments(row, p.k, p.segments, R(p.radius)).map((l) => l.map((t) => ({ index: t, value: row[t] })));
      expect(got.lists[i], `row ${i}`).toEqual(want);
    });
    expect(got.cycles).toBe(tm.cycles);
    expect({ sorted: got.sorted, clipped: got.clipped, scans: got.scans }).toEqual({ sorted: tm.sorted, clipped: tm.clipped, scans: tm.scans });
  });

  it("clipping ends scans early: a dominant row needs one scan per segment", () => {
    const row = Array.from({ length: 48 }, (_, i) => (i % 12 === 5 ? 100 : 0));
    const work = sadsRowWork(row, 32, 4, 10);
    expect(work.map((w) => w.scans)).toEqual([1, 1, 1, 1]);
    expect(sadsRowWork(row, 32, 4, -1).map((w) => w.scans)).toEqual([2, 2, 2, 2]);
  });

  it("rejects bad parameters, naming them", () => {
    const ok: SadsParams = { seqLen: 64, segments: 4, k: 16, radius: -1, rows: 2, inWidth: 8 };
    expect(() => makeSadsUnit({ ...ok, inWidth: 13 })).toThrow(/inWidth = 13 .* at most 12/);
    expect(() => makeSadsUnit({ ...ok, pipeRegs: 5 })).toThrow(/pipeRegs = 5/);
    expect(() => makeSadsUnit({ ...ok, radius: -2 })).toThrow(/radius = -2 .* -1 for no clipping/);
    expect(() => makeSadsUnit({ ...ok, segments: 0 })).toThrow(/segments = 0/);
  });
});

const defaults: Params = Object.fromEntries(sofaSortTb.params.map((q) => [q.name, q.default]));

describe("sofa-sort testbench", () => {
  it("passes at its defaults; cycles equal the model", async () => {
    const r = await sofaSortTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.runCycles).toBe(r.metrics.modelCycles);
    expect(r.metrics.scans).toBe(12 * 4 * 2); // 12 rows, 4 segments, 8 kept each: 2 scans
  });

  const tbArb = fc.record({
    seqLen: fc.integer({ min: 1, max: 150 }),
    k: fc.integer({ min: 0, max: 40 }),
    segments: fc.integer({ min: 1, max: 3 }),
    radius: radiusArb,
    tile: fc.integer({ min: 1, max: 3 }),
    queries: fc.integer({ min: 1, max: 7 }),
    inWidth: fc.integer({ min: 1, max: 12 }),
    pipeRegs: fc.integer({ min: 1, max: 4 }),
    data: fc.constantFrom("mixed", "dominant", "uniform", "regional", "extremes"),
  });
  test.prop([tbArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 25 })("passes for random parameters", async (p, seed) => {
    const r = await sofaSortTb.run({ params: p, seed });
    expect(r.failures, JSON.stringify(p)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  const withNetwork = (drop: [number, number]): Testbench => {
    const net = prunedNetwork(16, 4).map((st, i) => (i === drop[0] ? st.filter((_, j) => j !== drop[1]) : st));
    return { ...sofaSortTb, design: (q) => makeSadsUnit({ ...sortUnitParams(q), network: net }).module, run: sofaSortTb.run };
  };
  it("catches a sort core missing a comparator (the comparison can fail)", async () => {
    const r = await withNetwork([3, 2]).run({ params: { ...defaults, queries: 4 }, seed: 3 }); // stage 3's [2, 6]
    expect(r.passed).toBe(false);
    expect(r.failures.some((f) => /^tile 0 row \d+ segment \d+ slot \d+ \(cycle \d+\): rd_(valid|index|value)/.test(f)), r.failures.join("\n")).toBe(true);
    // The last stage's [0, 1]: with one pipeline register the last feed's output is the result and
    // can come out misordered. (With P > 1 the end-of-scan merge pass, whose wires 8..15 are all
    // invalid, never needs that comparator, so the same mutant is harmless there.)
    const r1 = await withNetwork([9, 0]).run({ params: { ...defaults, queries: 4, pipeRegs: 1 }, seed: 3 });
    expect(r1.passed).toBe(false);
  });

  it("catches a unit whose clipping is off (radius ignored)", async () => {
    const tb: Testbench = { ...sofaSortTb, design: (q) => makeSadsUnit({ ...sortUnitParams(q), radius: -1 }).module, run: sofaSortTb.run };
    const r = await tb.run({ params: { ...defaults, radius: 4, data: "dominant", queries: 4 }, seed: 3 });
    expect(r.passed).toBe(false);
  });
});
