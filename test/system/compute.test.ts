/**
 * Operator timing of the system layer: a GEMM takes exactly the PE-array cycle model's cycles
 * (the model the RTL engine equals), never fewer than the array's MAC rate allows; the roofline
 * is the larger of compute and memory time.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { analyticCycles } from "../../src/golden/systolic.js";
import { gemmCycles, gemmTime, rooflineTime } from "../../src/system/compute.js";

describe("operator timing", () => {
  test.prop([
    fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 32 }),
    fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }),
    fc.constantFrom("os" as const, "ws" as const, "is" as const), fc.constantFrom(0.5, 1, 1.5),
  ], { numRuns: 150 })("a GEMM takes the PE-array model's cycles, at least m*n*k / (R*C)", (rows, cols, m, n, k, dataflow, ghz) => {
    const want = analyticCycles({ rows, cols, dataflow, m, n, k, cores: 1, tileM: m, tileN: n, memLatency: 1 }).total;
    const t = gemmTime({ rows, cols }, ghz, m, n, k, dataflow);
    expect(t.model).toBe("pe-array");
    expect(t.cycles).toBe(want);
    expect(t.ns).toBeCloseTo(want / ghz, 9);
    expect(t.cycles!).toBeGreaterThanOrEqual((m * n * k) / (rows * cols));
    expect(gemmCycles({ rows, cols }, m, n, k, dataflow)).toBe(want);
  });

  it("the roofline takes the longer of compute and memory time", () => {
    // 2e6 ops at 1e12 ops/s = 2000 ns; 1000 bytes at 1 GB/s = 1000 ns.
    expect(rooflineTime(2e6, 1e12, 1000, 1)).toEqual({ ns: 2000, model: "roofline" });
    expect(rooflineTime(1e6, 1e12, 4000, 1).ns).toBe(4000);
    expect(rooflineTime(1e6, 1e12).ns).toBe(1000);
  });

  it("bad shapes and rates say which", () => {
    expect(() => gemmCycles({ rows: 8, cols: 8 }, 0, 4, 4)).toThrow(/m = 0 must be a whole number >= 1/);
    expect(() => gemmCycles({ rows: 8, cols: 2.5 }, 4, 4, 4)).toThrow(/cols = 2.5/);
    expect(() => rooflineTime(1, 0)).toThrow(/peak 0 ops\/s/);
  });
});
