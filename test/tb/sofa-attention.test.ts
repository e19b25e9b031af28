/**
 * `sofa-attention` as a property: random shapes, selections and row types through the whole
 * pipeline; every stream, list and output is checked bit-exact inside the testbench, the stage
 * timing against the unit models and the golden cross-stage schedule. Plus: with k = seqLen the
 * pipeline is dense attention within the stated fixed-point bound, and a broken design is caught.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { runAttention, attentionConfig, sofaAttentionTb } from "../../src/tb/sofa/attention.js";
import type { Params } from "../../src/tb/types.js";

function params(over: Record<string, string | number>): Params {
  const p: Params = {};
  for (const s of sofaAttentionTb.params) p[s.name] = s.default;
  return { ...p, ...over };
}

describe("sofa-attention testbench == golden pipeline", () => {
  test.prop([
    fc.record({
      seqLen: fc.integer({ min: 8, max: 80 }), headDim: fc.integer({ min: 2, max: 12 }), queries: fc.integer({ min: 1, max: 12 }),
      segments: fc.integer({ min: 1, max: 5 }), kFrac: fc.double({ min: 0.05, max: 1, noNaN: true }), radius: fc.constantFrom(-1, -1, 0, 200, 3000),
      tile: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 12 }), rows: fc.constantFrom("mixed", "dominant", "uniform", "regional"),
    }),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  ], { numRuns: 12 })("random shapes pass every check", async (rec, seed) => {
    const k = Math.max(rec.segments, Math.min(rec.seqLen, Math.round(rec.kFrac * rec.seqLen)));
    const p = params({ ...rec, k, tile: Math.min(rec.tile, rec.queries), segments: Math.min(rec.segments, rec.seqLen) });
    delete (p as Record<string, unknown>).kFrac;
    expect(sofaAttentionTb.validate!(p)).toBeUndefined();
    const r = await sofaAttentionTb.run({ params: p, seed });
    expect(r.failures, JSON.stringify(p)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.keysKept).toBeGreaterThan(0);
  }, 300_000);

  it("k = seqLen: the pipeline is dense attention within the stated fixed-point bound", async () => {
    const p = params({ seqLen: 96, headDim: 12, queries: 8, k: 96, segments: 4, tile: 4 });
    const r = await sofaAttentionTb.run({ params: p, seed: 11 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.recall).toBe(1);
    expect(r.metrics.keysKept).toBe(8 * 96);
    // Against dense attention now only fixed point differs: the error is the fixed-point error, within its bound.
    expect(Number(r.metrics.maxError)).toBeCloseTo(Number(r.metrics.maxFixedError), 3);
    expect(Number(r.metrics.maxError)).toBeLessThanOrEqual(Number(r.metrics.fixedErrorBound));
  }, 120_000);

  it("cross-stage tiling overlaps the stages: pipelined cycles are fewer than the stages run one after another", async () => {
    const r = await sofaAttentionTb.run({ params: params({ queries: 16, tile: 2 }), seed: 3 });
    expect(r.failures).toEqual([]);
    expect(Number(r.metrics.overlapSpeedup)).toBeGreaterThan(1.2);
    expect(Number(r.metrics.ahatBanksMax)).toBe(2);
  }, 120_000);

  it("a wrong value memory word is caught at the output it corrupts", async () => {
    const p = params({});
    const r = await runAttention("sofa-attention", attentionConfig(p), p, {
      params: p, seed: 1,
      attach: (sim) => {
        // After the testbench loads V, corrupt V[t][0] for every key: some kept key will be hit.
        const orig = sim.reset.bind(sim);
        sim.reset = (...a: Parameters<typeof sim.reset>) => {
          for (let t = 0; t < 128; t++) sim.writeMemory("sufa.v_l0", t, 77);
          return orig(...a);
        };
      },
    });
    expect(r.result.passed).toBe(false);
    expect(r.result.failures.join("\n")).toMatch(/O\[\d+\]\[0\]/);
  }, 120_000);
});
