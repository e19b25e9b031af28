/**
 * The exp unit against the golden expFixed, exhaustively over every d where the result can be
 * nonzero and a few past it (the clamp), for the default and random configurations; and the golden
 * exp itself against e^(-x) within its stated bounds, exhaustively.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { bitsFor } from "../../../src/hdl/index.js";
import { DEFAULT_EXP, ExpConfig, expErrorBound, expErrorModel, expFixed, expRange } from "../../../src/golden/sofa.js";
import { makeExpUnit } from "../../../src/hw/sofa/exp-unit.js";
import { simulate } from "../../../src/sim/index.js";

/** d values that disagree with expFixed, over 0 .. expRange + 8 (within the input width). */
function mismatches(c: ExpConfig, inWidth: number, engine: "compiled" | "interp" = "compiled"): string[] {
  const sim = simulate(makeExpUnit({ cfg: c, inWidth }), { engine });
  const d = sim.accessor("d"), p = sim.accessor("p");
  const bad: string[] = [];
  const top = Math.min(2 ** inWidth - 1, expRange(c) + 8);
  for (let x = 0; x <= top; x++) {
    d.set(x);
    const got = p.get(), want = expFixed(x, c);
    if (got !== want && bad.length < 5) bad.push(`d=${x}: ${got} != ${want}`);
  }
  // The largest input too: the clamp must give 0 however wide d is.
  d.set(2 ** inWidth - 1);
  if (p.get() !== expFixed(2 ** inWidth - 1, c)) bad.push(`d=${2 ** inWidth - 1} (all ones): ${p.get()}`);
  sim.close();
  return bad;
}

const configArb = fc.record({
  fracBits: fc.integer({ min: 0, max: 8 }),
  probBits: fc.integer({ min: 4, max: 20 }),
  lutBits: fc.integer({ min: 1, max: 10 }),
  interpBits: fc.integer({ min: 0, max: 16 }),
  log2eBits: fc.integer({ min: 4, max: 24 }),
});

describe("exp unit == expFixed", () => {
  it("default config, every d in 0 .. expRange + 8, on both engines; 16- and 25-bit inputs clamp", () => {
    const w = bitsFor(expRange(DEFAULT_EXP));
    expect(w).toBe(12);
    expect(mismatches(DEFAULT_EXP, w + 1)).toEqual([]);
    expect(mismatches(DEFAULT_EXP, w + 1, "interp")).toEqual([]);
    expect(mismatches(DEFAULT_EXP, 16)).toEqual([]);
    expect(mismatches(DEFAULT_EXP, 25)).toEqual([]);
  });

  test.prop([configArb, fc.integer({ min: -2, max: 3 })], { numRuns: 14 })("random configs, exhaustive over the nonzero range, any input width", (c, extra) => {
    const w = Math.max(1, bitsFor(expRange(c)) + extra);
    expect(mismatches(c, w)).toEqual([]);
  });

  it("a narrow input (d < 2^4) needs no clamp and still agrees", () => {
    expect(mismatches(DEFAULT_EXP, 4)).toEqual([]);
  });

  it("rejects a bad input width or config with the parameter's name", () => {
    expect(() => makeExpUnit({ cfg: DEFAULT_EXP, inWidth: 0 })).toThrow(/inWidth = 0/);
    expect(() => makeExpUnit({ cfg: { ...DEFAULT_EXP, lutBits: 11 }, inWidth: 8 })).toThrow(/lutBits = 11/);
  });
});

describe("golden expFixed vs e^(-x)", () => {
  const configs: ExpConfig[] = [
    DEFAULT_EXP,
    { ...DEFAULT_EXP, lutBits: 4, interpBits: 4 },
    { ...DEFAULT_EXP, interpBits: 0 },
    { ...DEFAULT_EXP, fracBits: 4, probBits: 10, log2eBits: 8 },
    { ...DEFAULT_EXP, fracBits: 10, probBits: 20, lutBits: 8, interpBits: 12, log2eBits: 20 },
  ];
  for (const c of configs) {
    it(`within expErrorBound and the rel/abs model, every d: ${JSON.stringify(c)}`, () => {
      const bound = expErrorBound(c), { rel, abs } = expErrorModel(c);
      let worst = 0, worstModel = 0;
      for (let d = 0; d <= expRange(c) + 4; d++) {
        const e = Math.exp(-d / 2 ** c.fracBits), got = expFixed(d, c) / 2 ** c.probBits;
        worst = Math.max(worst, Math.abs(got - e));
        worstModel = Math.max(worstModel, Math.abs(got - e) / (rel * e + abs));
      }
      expect(worst).toBeLessThanOrEqual(bound);
      expect(worstModel).toBeLessThanOrEqual(1);
      expect(expFixed(0, c)).toBe(2 ** c.probBits);
      expect(expFixed(expRange(c), c)).toBe(0);
    });
  }
});
