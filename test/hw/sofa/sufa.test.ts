/**
 * SU-FA: the golden float and fixed-point models (exact softmax for any order, rescale counts,
 * bounds), the SU-FA unit against sufaFixedTiles on random shapes (short, empty and full lists,
 * ties, extremes; both load paths), its cycle model, and the `sofa-sufa` testbench (passes on
 * random parameters, fails on designs that disagree with its golden).
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  DEFAULT_SUFA, SufaFixedConfig, attentionIdeal, prefixMaxRecords, segmentBounds, sortedOrder, sufa, sufaFixed,
  sufaFixedErrorBound, sufaTiled,
} from "../../../src/golden/sofa.js";
import { fa2Counts, sufaSegmentCycles } from "../../../src/golden/sofa-sufa-timing.js";
import { SufaUnitParams, makeSufaUnit } from "../../../src/hw/sofa/sufa-unit.js";
import { Checker, randInt, rng } from "../../../src/tb/harness.js";
import { SufaCase, runSufaCase } from "../../../src/tb/sofa/sufa-drive.js";
import { sofaSufaTb, sufaUnitParams } from "../../../src/tb/sofa/sufa.js";
import type { Params, Testbench } from "../../../src/tb/types.js";

const close = (a: number[], b: number[], rel: number) => a.every((x, i) => Math.abs(x - b[i]) <= rel * Math.max(1, Math.abs(b[i])));

/** Scores and values with a permutation of (a subset of) the keys. */
const problemArb = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    scores: fc.array(fc.oneof(fc.double({ min: -20, max: 20, noNaN: true }), fc.constantFrom(0, 1.5, -3)), { minLength: n, maxLength: n }),
    values: fc.array(fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 3, maxLength: 3 }), { minLength: n, maxLength: n }),
    order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: 1 }),
  }),
);

describe("golden SU-FA (float)", () => {
  it("the paper's check: descending order gives 3.042744943 with no rescale; ascending the same with 10 rescale multiplies", () => {
    const s = [2.0, 1.5, 0.3, -0.2, 1.9, 0.7], v = [1, 2, 3, 4, 5, 6].map((x) => [x]);
    const desc = sortedOrder(s), asc = [...desc].reverse();
    const d = sufa(s, v, desc), a = sufa(s, v, asc);
    expect(d.output[0]).toBeCloseTo(3.042744943, 9);
    expect(a.output[0]).toBeCloseTo(3.042744943, 9);
    expect(d.rescales).toBe(0);
    expect(a.rescales).toBe(5);
    expect(a.muls - d.muls).toBe(10);
  });

  test.prop([problemArb], { numRuns: 300 })("equals attentionIdeal within 1e-12 for any order; rescales == prefix-max records; descending: none", ({ scores, values, order }) => {
    const r = sufa(scores, values, order);
    expect(close(r.output, attentionIdeal(scores, values, order), 1e-12)).toBe(true);
    expect(r.rescales).toBe(prefixMaxRecords(scores, order));
    expect(sufa(scores, values, sortedOrder(scores, order)).rescales).toBe(0);
  });

  test.prop([problemArb, fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 })], { numRuns: 200 })("sufaTiled (any split into tiles) equals the ideal", ({ scores, values, order }, cuts) => {
    // Tile boundaries (repeats make empty tiles).
    const bounds = [0, ...cuts.map((c) => c % (order.length + 1)).sort((a, b) => a - b), order.length];
    const tiles = bounds.slice(1).map((hi, i) => order.slice(bounds[i], Math.max(bounds[i], hi)));
    expect(tiles.flat()).toEqual(order);
    expect(close(sufaTiled(scores, values, tiles).output, attentionIdeal(scores, values, order), 1e-12)).toBe(true);
  });
});

describe("golden SU-FA (fixed point)", () => {
  const fixedArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.record({
      scores: fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: n, maxLength: n }),
      values: fc.array(fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 4, maxLength: 4 }), { minLength: n, maxLength: n }),
      order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: 1 }),
      probBits: fc.integer({ min: 10, max: 20 }),
      lutBits: fc.integer({ min: 3, max: 8 }),
    }),
  );
  test.prop([fixedArb], { numRuns: 300 })("within sufaFixedErrorBound of the ideal for random orders", ({ scores, values, order, probBits, lutBits }) => {
    const c: SufaFixedConfig = { ...DEFAULT_SUFA, probBits, lutBits };
    const r = sufaFixed(scores, values, order, c);
    const real = scores.map((x) => x / 2 ** c.fracBits);
    const ideal = attentionIdeal(real, values, order);
    const vs = order.flatMap((t) => values[t]);
    const bound = sufaFixedErrorBound(order.length, Math.min(...vs), Math.max(...vs), c, r.rescales);
    for (let d = 0; d < 4; d++) expect(Math.abs(r.output[d] / 2 ** c.outBits - ideal[d])).toBeLessThanOrEqual(bound);
    expect(r.rescales).toBe(prefixMaxRecords(scores, order));
  });
});

describe("SU-FA cycle and operation models", () => {
  it("a list costs min(count + 2, k/n) cycles; FA-2 rescales once per non-empty tile after the first", () => {
    expect([0, 1, 5, 6, 7, 8].map((c) => sufaSegmentCycles(c, 8))).toEqual([2, 3, 7, 8, 8, 8]);
    expect(sufaSegmentCycles(0, 1)).toBe(1);
    expect(fa2Counts([3, 0, 2, 4], 2)).toEqual({ rescales: 2, exps: 11, muls: 9 * 2 + 2 * 3, adds: 9 * 3 });
  });
});

/** A random SU-FA problem: shape, data style, lists (short, empty, full, random keys) and order. */
const caseArb = fc
  .record({
    seqLen: fc.integer({ min: 4, max: 48 }),
    headDim: fc.integer({ min: 1, max: 5 }),
    queries: fc.integer({ min: 1, max: 5 }),
    segments: fc.integer({ min: 1, max: 4 }),
    data: fc.constantFrom("uniform", "ties", "extremes"),
    probBits: fc.integer({ min: 10, max: 18 }),
    lutBits: fc.integer({ min: 3, max: 8 }),
    outBits: fc.integer({ min: 4, max: 12 }),
    recipExtra: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 30 })),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .filter((x) => x.segments <= x.seqLen)
  .chain((x) =>
    fc.record({
      x: fc.constant(x),
      rows: fc.integer({ min: 1, max: x.queries }),
      k: fc.integer({ min: x.segments, max: Math.min(x.seqLen, 16) }),
      scoreShift: fc.integer({ min: 0, max: 34 }),
      outMuls: fc.integer({ min: 1, max: x.headDim }),
    }),
  );

type CaseInput = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function buildCase(c: CaseInput): SufaCase {
  const { x, rows, k, scoreShift, outMuls } = c;
  const r = rng(x.seed);
  const int = (lo: number, hi: number) => randInt(r, lo, hi);
  const val = (bits: number) => {
    const lim = 2 ** (bits - 1);
    if (x.data === "ties") return [-1, 0, 1][int(0, 2)] * (lim >> 4);
    if (x.data === "extremes") return [-lim, -lim + 1, -1, 0, 1, lim - 1][int(0, 5)];
    return int(-lim, lim - 1);
  };
  const mat = (n: number, bits: number) => Array.from({ length: n }, () => Array.from({ length: x.headDim }, () => val(bits)));
  const unit: SufaUnitParams = {
    seqLen: x.seqLen, headDim: x.headDim, queries: x.queries, rows, segments: x.segments, k, scoreShift, outMuls,
    cfg: { ...DEFAULT_SUFA, probBits: x.probBits, lutBits: x.lutBits, outBits: Math.min(x.outBits, x.probBits + x.recipExtra), recipBits: x.probBits + x.recipExtra },
  };
  const per = Math.floor(k / x.segments);
  const Q = mat(x.queries, 16), K = mat(x.seqLen, 16), V = mat(x.seqLen, 8);
  const lists = Q.map(() =>
    Array.from({ length: x.segments }, (_, j) => {
      const [lo, hi] = segmentBounds(x.seqLen, x.segments, j);
      const pool = Array.from({ length: hi - lo }, (_, i) => lo + i);
      for (let i = pool.length - 1; i > 0; i--) {
        const s = int(0, i);
        [pool[i], pool[s]] = [pool[s], pool[i]];
      }
      const u = r();
      const count = u < 0.2 ? 0 : u < 0.6 ? per : int(0, per);
      return pool.slice(0, Math.min(count, pool.length));
    }),
  );
  return { unit, Q, K, V, lists, predicted: (q, t) => (q * 7919 + t * 104729) % 65536 - 32768 };
}

describe("SU-FA unit == sufaFixedTiles", () => {
  test.prop([caseArb], { numRuns: 60 })("random shapes, configs, data (ties, extremes) and lists (empty, short, full)", (c) => {
    const cs = buildCase(c);
    const check = new Checker();
    const res = runSufaCase(cs, {}, check);
    expect(check.failures, JSON.stringify(cs.unit)).toEqual([]);
    expect(res.tileCycles).toEqual(res.modelCycles);
  });

  it("equal scores everywhere: no rescale; a single kept key gives O = v exactly (both engines, both load paths)", () => {
    const unit: SufaUnitParams = { seqLen: 16, headDim: 3, queries: 3, rows: 2, segments: 2, k: 8, scoreShift: 10 };
    const V = Array.from({ length: 16 }, (_, t) => [t * 8 - 64, 127 - t, (t % 3) * 40 - 40]);
    const cs: SufaCase = {
      unit, V,
      Q: [[0, 0, 0], [5, 5, 5], [1000, -1000, 0]],
      K: Array.from({ length: 16 }, () => [7, 7, 7]),
      lists: [[[0, 1, 2, 3], [8, 9]], [[], [15, 14, 13, 12]], [[4], []]],
    };
    for (const engine of ["compiled", "interp"] as const) {
      for (const load of ["backdoor", "ports"] as const) {
        const check = new Checker();
        const res = runSufaCase(cs, { engine, load }, check);
        expect(check.failures).toEqual([]);
        expect(res.counters.rescales).toBe(0);
        expect(res.counters.keys).toBe(11);
        // Query 2 keeps one key: O = v exactly (outBits = 8 fraction bits).
        expect(res.outputs[2]).toEqual(V[4].map((v) => v * 2 ** 8));
      }
    }
  });

  it("back-to-back short queries with the shortest finaliser (2 quotient bits, one multiply group): END spacing, not the finaliser, limits", () => {
    const unit: SufaUnitParams = {
      seqLen: 8, headDim: 2, queries: 6, rows: 6, segments: 1, k: 2, scoreShift: 4, outMuls: 2,
      cfg: { ...DEFAULT_SUFA, probBits: 15, recipBits: 16, outBits: 8 },
    };
    const cs: SufaCase = {
      unit, Q: Array.from({ length: 6 }, (_, q) => [q, 1]), K: Array.from({ length: 8 }, (_, t) => [t * 3, -t]), V: Array.from({ length: 8 }, (_, t) => [t, -t]),
      lists: [[[]], [[3]], [[]], [[7, 1]], [[2]], [[]]],
    };
    const check = new Checker();
    const res = runSufaCase(cs, {}, check);
    expect(check.failures).toEqual([]);
    expect(res.tileCycles).toEqual(res.modelCycles);
  });

  it("a query with no kept keys outputs zeros", () => {
    const unit: SufaUnitParams = { seqLen: 8, headDim: 2, queries: 2, rows: 2, segments: 2, k: 4, scoreShift: 8 };
    const cs: SufaCase = { unit, Q: [[1, 2], [3, 4]], K: Array.from({ length: 8 }, (_, t) => [t, -t]), V: Array.from({ length: 8 }, (_, t) => [t, 1]), lists: [[[], []], [[1], [6, 5]]] };
    const check = new Checker();
    const res = runSufaCase(cs, {}, check);
    expect(check.failures).toEqual([]);
    expect(res.outputs[0]).toEqual([0, 0]);
  });

  it("rejects parameters that cannot work, naming them", () => {
    const ok: SufaUnitParams = { seqLen: 16, headDim: 4, queries: 4, rows: 2, segments: 4, k: 8, scoreShift: 10 };
    expect(() => makeSufaUnit({ ...ok, k: 3 })).toThrow(/k = 3 .*floor\(k\/n\) >= 1/);
    expect(() => makeSufaUnit({ ...ok, rows: 5 })).toThrow(/rows = 5/);
    expect(() => makeSufaUnit({ ...ok, outMuls: 5 })).toThrow(/outMuls = 5/);
    expect(() => makeSufaUnit({ ...ok, cfg: { ...DEFAULT_SUFA, outBits: 41 } })).toThrow(/outBits = 41/);
  });
});

const defaults: Params = Object.fromEntries(sofaSufaTb.params.map((p) => [p.name, p.default]));

describe("sofa-sufa testbench", () => {
  for (const order of ["sorted", "predicted", "ascending", "random"]) {
    it(`passes at its defaults, order ${order}`, async () => {
      const r = await sofaSufaTb.run({ params: { ...defaults, order }, seed: 7 });
      expect(r.failures).toEqual([]);
      expect(r.metrics.cycles).toBe(r.metrics.modelCycles);
      expect(r.metrics.maxError as number).toBeLessThanOrEqual(r.metrics.errorBound as number);
      if (order === "sorted") expect(r.metrics.rescales).toBe(r.metrics.tileRescales);
      if (order === "ascending") expect(r.metrics.rescales as number).toBeGreaterThan(r.metrics.fa2Rescales as number);
    });
  }

  const paramArb = fc.record({
    seqLen: fc.integer({ min: 8, max: 100 }),
    headDim: fc.integer({ min: 1, max: 8 }),
    queries: fc.integer({ min: 1, max: 8 }),
    tile: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 32 }),
    segments: fc.integer({ min: 1, max: 6 }),
    order: fc.constantFrom("sorted", "predicted", "ascending", "random"),
    outMuls: fc.integer({ min: 1, max: 4 }),
  });
  test.prop([paramArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 20 })("passes on random parameters", async (p, seed) => {
    const params = { ...defaults, ...p, tile: Math.min(p.tile, p.queries), k: Math.min(p.seqLen, Math.max(p.k, p.segments)), outMuls: Math.min(p.outMuls, p.headDim) };
    expect(sofaSufaTb.validate!(params)).toBeUndefined();
    const r = await sofaSufaTb.run({ params, seed });
    expect(r.failures, JSON.stringify(params)).toEqual([]);
  });

  it("fails on designs that disagree with the golden: another output scale, another score shift", async () => {
    for (const change of [{ cfg: { ...DEFAULT_SUFA, outBits: 7 } }, { scoreShift: 20 }]) {
      const mutant: Testbench = { ...sofaSufaTb, design: (p) => makeSufaUnit({ ...sufaUnitParams(p), ...change }) };
      const r = await mutant.run({ params: defaults, seed: 1 });
      expect(r.passed, JSON.stringify(change)).toBe(false);
      expect(r.failures[0]).toMatch(/O\[\d+\]\[\d+\]/);
    }
  });

  it("validate names the parameter to mend", () => {
    expect(sofaSufaTb.validate!({ ...defaults, k: 2, segments: 4 })).toMatch(/k = 2/);
    expect(sofaSufaTb.validate!({ ...defaults, tile: 9, queries: 8 })).toMatch(/tile = 9/);
  });
});
