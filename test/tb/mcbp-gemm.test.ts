/**
 * `mcbp-gemm` as a property: random shapes, pattern widths, coded-plane sets, lanes and weight
 * distributions through encoder -> BSTC -> decoder -> BRCR; every pattern, word, output write and
 * count is checked inside the testbench. Plus a corrupted bank word is caught.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { mcbpGemmTb } from "../../src/tb/bitslice/gemm.js";
import type { Params } from "../../src/tb/types.js";

function params(over: Record<string, string | number>): Params {
  const p: Params = {};
  for (const s of mcbpGemmTb.params) p[s.name] = s.default;
  return { ...p, ...over };
}

describe("mcbp-gemm testbench == golden", () => {
  test.prop([
    fc.record({
      rows: fc.integer({ min: 1, max: 13 }), cols: fc.integer({ min: 1, max: 60 }), m: fc.integer({ min: 2, max: 5 }),
      segCols: fc.integer({ min: 1, max: 24 }), lanes: fc.integer({ min: 1, max: 3 }), planes: fc.constantFrom("3-7", "1-7", "7", "2,5"),
      converters: fc.integer({ min: 1, max: 8 }), batch: fc.integer({ min: 1, max: 2 }), dist: fc.constantFrom("planes", "laplace"),
      sparsity: fc.double({ min: 0, max: 1, noNaN: true }), wordBits: fc.constantFrom("16", "32", "64"),
    }),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  ], { numRuns: 15 })("random shapes pass every check", async (rec, seed) => {
    // Converters own slices of the CAM: at most the tile width (the testbench rejects more, naming it).
    const p = params({ ...rec, converters: Math.min(rec.converters, rec.segCols, rec.cols) });
    expect(mcbpGemmTb.validate!(p)).toBeUndefined();
    const r = await mcbpGemmTb.run({ params: p, seed });
    expect(r.failures, JSON.stringify(p)).toEqual([]);
    expect(r.passed).toBe(true);
  }, 300_000);

  it("defaults: BSTC compresses the coded planes and BRCR needs fewer adds than bit-serial", async () => {
    const r = await mcbpGemmTb.run({ params: params({}), seed: 2 });
    expect(r.failures).toEqual([]);
    expect(Number(r.metrics.compressionRatio)).toBeGreaterThan(1);
    expect(Number(r.metrics.brcrAdds)).toBeLessThan(Number(r.metrics.bitSerialAdds));
  }, 120_000);

  it("a corrupted bank word is caught", async () => {
    const p = params({ rows: 8, cols: 64, segCols: 32 });
    let armed = true;
    const r = await mcbpGemmTb.run({
      params: p, seed: 3,
      attach: (sim) => {
        // Flip a bit of bank word 0 the first time the encoder reports done (after plane 3's words land).
        const orig = sim.step.bind(sim);
        sim.step = (n?: number) => {
          if (armed && sim.peek("enc_done") === 1n) {
            armed = false;
            orig(1);
            const w = sim.readMemory("codec.dec.bank", 0);
            sim.writeMemory("codec.dec.bank", 0, w ^ 0x40000000n);
            return n && n > 1 ? orig(n - 1) : undefined;
          }
          return orig(n);
        };
      },
    });
    expect(r.passed).toBe(false);
  }, 120_000);
});
