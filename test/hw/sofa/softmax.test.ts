/**
 * The reciprocal (exhaustive for small widths, random at the softmax's default), the golden
 * fixed-point softmax against its error bound, the softmax unit against softmaxFixed on random
 * shapes and awkward vectors, and the `sofa-softmax` testbench (passes on random parameters, fails
 * on a design that disagrees with its golden).
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { DEFAULT_SOFTMAX, SoftmaxConfig, softmaxErrorBound, softmaxFixed, softmaxIdeal } from "../../../src/golden/sofa.js";
import { softmaxUnitCycles } from "../../../src/golden/sofa-sufa-timing.js";
import { makeReciprocal, reciprocalLatency } from "../../../src/hw/sofa/reciprocal.js";
import { makeSoftmaxUnit, softmaxUnitShape } from "../../../src/hw/sofa/softmax-unit.js";
import { simulate, Simulator } from "../../../src/sim/index.js";
import { sofaSoftmaxTb, softmaxUnitParams } from "../../../src/tb/sofa/softmax.js";
import type { Params, Testbench } from "../../../src/tb/types.js";

/** One division: start with l, count cycles to done, return [recip, cycles]. */
function divide(sim: Simulator, l: number | bigint): [bigint, number] {
  sim.poke("start", 1);
  sim.poke("l", l);
  sim.step();
  sim.poke("start", 0);
  let n = 1;
  while (sim.peek("done") === 0n && n < 100) {
    sim.step();
    n++;
  }
  return [sim.peek("recip"), n];
}

describe("reciprocal == floor(2^recipBits / l)", () => {
  it("exhaustive over every l for lBits 1..6, recipBits 1..9, all quotient widths the guarantee allows", () => {
    for (let lBits = 1; lBits <= 6; lBits++) {
      for (let R = 1; R <= 9; R++) {
        for (let qBits = Math.max(1, R - lBits + 1); qBits <= R + 1; qBits++) {
          const p = { lBits, recipBits: R, qBits };
          const sim = simulate(makeReciprocal(p));
          sim.reset();
          for (let l = 0; l < 2 ** lBits; l++) {
            if (l !== 0 && l <= 2 ** (R - qBits)) continue; // outside the caller's guarantee
            const [got, n] = divide(sim, l);
            expect(Number(got), `l=${l} ${JSON.stringify(p)}`).toBe(l === 0 ? 0 : Math.floor(2 ** R / l));
            expect(n).toBe(reciprocalLatency(p));
          }
          sim.close();
        }
      }
    }
  });

  const g = softmaxUnitShape({ n: 64, lanes: 4 });
  const sim = simulate(makeReciprocal({ lBits: g.sumBits, recipBits: DEFAULT_SOFTMAX.recipBits, qBits: g.qBits }));
  test.prop([fc.integer({ min: 2 ** DEFAULT_SOFTMAX.probBits, max: 2 ** g.sumBits - 1 })], { numRuns: 300 })("default softmax widths (sum >= 1.0), random sums", (l) => {
    expect(divide(sim, l)[0]).toBe(BigInt(Math.floor(2 ** DEFAULT_SOFTMAX.recipBits / l)));
  });

  it("names the parameter that cannot work", () => {
    expect(() => makeReciprocal({ lBits: 4, recipBits: 10, qBits: 12 })).toThrow(/qBits = 12 exceeds recipBits \+ 1/);
    expect(() => makeReciprocal({ lBits: 4, recipBits: 10, qBits: 5 })).toThrow(/raise qBits or lBits/);
  });
});

const cfgArb = fc.record({
  fracBits: fc.integer({ min: 2, max: 10 }),
  probBits: fc.integer({ min: 8, max: 20 }),
  lutBits: fc.integer({ min: 2, max: 8 }),
  interpBits: fc.integer({ min: 0, max: 12 }),
}).map((c): SoftmaxConfig => ({ ...DEFAULT_SOFTMAX, ...c }));

/** Scores: random s16, or few distinct values (ties), or the extremes. */
const vectorArb = fc.integer({ min: 1, max: 90 }).chain((n) =>
  fc.oneof(
    fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: n, maxLength: n }),
    fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: n, maxLength: n }),
    fc.array(fc.constantFrom(-32768, -5, 0, 7, 32767), { minLength: n, maxLength: n }),
    fc.integer({ min: -32768, max: 32767 }).map((v) => new Array<number>(n).fill(v)),
  ),
);

describe("golden softmaxFixed", () => {
  test.prop([vectorArb, cfgArb], { numRuns: 200 })("within softmaxErrorBound of the float softmax", (x, c) => {
    const y = softmaxFixed(x, c).y, ideal = softmaxIdeal(x.map((v) => v / 2 ** c.fracBits));
    const bound = softmaxErrorBound(x.length, c);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i] / 2 ** c.probBits - ideal[i])).toBeLessThanOrEqual(bound);
  });
});

/** Run one vector through the unit (backdoor load); returns y in index order and the registers. */
function runUnit(x: number[], lanes: number, c: SoftmaxConfig) {
  const sim = simulate(makeSoftmaxUnit({ n: x.length, lanes, cfg: c }));
  x.forEach((v, i) => sim.writeMemory(`x_l${i % lanes}`, Math.floor(i / lanes), v));
  sim.reset();
  sim.poke("start", 1);
  sim.step();
  sim.poke("start", 0);
  const y: number[] = [];
  let cycles = 1;
  for (;;) {
    if (sim.peek("y_valid") === 1n) {
      const base = Number(sim.peek("y_index"));
      for (let i = 0; i < lanes && base + i < x.length; i++) y[base + i] = Number(sim.peek(`y_data_${i}`));
    }
    if (sim.peek("done") === 1n || cycles > 10_000) break;
    sim.step();
    cycles++;
  }
  const out = { y, cycles, max: Number(sim.peek("max")), sum: Number(sim.peek("sum")), recip: Number(sim.peek("recip")) };
  sim.close();
  return out;
}

describe("softmax unit == softmaxFixed", () => {
  test.prop([vectorArb, fc.integer({ min: 1, max: 8 }), cfgArb], { numRuns: 40 })("random lengths, lanes, configs and vectors (ties, extremes, constants)", (x, lanes, c) => {
    const want = softmaxFixed(x, c);
    const got = runUnit(x, lanes, c);
    expect(got.y).toEqual(want.y);
    expect([got.max, got.sum, got.recip]).toEqual([want.max, want.sum, want.recip]);
    expect(got.cycles).toBe(softmaxUnitCycles(x.length, lanes, c.recipBits, c.probBits));
  });

  it("rejects bad shapes naming the parameter", () => {
    expect(() => makeSoftmaxUnit({ n: 0, lanes: 4 })).toThrow(/n = 0/);
    expect(() => makeSoftmaxUnit({ n: 8, lanes: 65 })).toThrow(/lanes = 65/);
    expect(() => makeSoftmaxUnit({ n: 8, lanes: 2, cfg: { ...DEFAULT_SOFTMAX, recipBits: 10 } })).toThrow(/recipBits = 10/);
  });
});

const defaults: Params = Object.fromEntries(sofaSoftmaxTb.params.map((p) => [p.name, p.default]));

describe("sofa-softmax testbench", () => {
  it("passes at its defaults with the model's cycle count and an error inside the bound", async () => {
    const r = await sofaSoftmaxTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.cycles).toBe(softmaxUnitCycles(64, 4, 40, 15));
    expect(r.metrics.maxError as number).toBeLessThanOrEqual(r.metrics.errorBound as number);
    expect(r.metrics.exps).toBe(128);
  });

  const paramArb = fc.record({
    seqLen: fc.integer({ min: 1, max: 120 }),
    lanes: fc.integer({ min: 1, max: 8 }),
    fracBits: fc.integer({ min: 2, max: 10 }),
    probBits: fc.integer({ min: 8, max: 20 }),
    lutBits: fc.integer({ min: 2, max: 8 }),
    interpBits: fc.integer({ min: 0, max: 12 }),
    spread: fc.double({ min: 0, max: 8, noNaN: true }),
    vectors: fc.integer({ min: 1, max: 2 }),
  });
  test.prop([paramArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 15 })("passes on random parameters", async (p, seed) => {
    const r = await sofaSoftmaxTb.run({ params: { ...defaults, ...p }, seed });
    expect(r.failures, JSON.stringify(p)).toEqual([]);
  });

  it("fails when the design's exp table disagrees with the golden (the comparison can fail)", async () => {
    const mutant: Testbench = { ...sofaSoftmaxTb, design: (p) => makeSoftmaxUnit({ ...softmaxUnitParams(p), cfg: { ...softmaxUnitParams(p).cfg!, lutBits: 5 } }) };
    const r = await mutant.run({ params: defaults, seed: 1 });
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/y\[\d+\]/);
  });
});
