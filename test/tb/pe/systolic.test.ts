/**
 * The `systolic` testbench as a property: random arrays (1..16 x 1..16), random GEMM shapes
 * (1..80, primes and 1 favoured), every dataflow, int8/int16 signed/unsigned operands with their
 * extreme values, random accumulator widths. Each run must give C bit-exact, cycles equal to the
 * analytic count, and global-memory traffic of exactly M*K + K*N elements read and M*N written,
 * each element once. fast-check prints the seed and the failing case.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { systolicTb } from "../../../src/tb/pe/systolic.js";
import type { Params } from "../../../src/tb/types.js";
import { expectPassed } from "./expect-passed.js";
import { OPERAND_TYPES } from "../../../src/hw/pe/mac.js";

const dim = fc.oneof(fc.constantFrom(1, 2, 3, 5, 7, 11, 13, 17, 31, 37, 61, 79, 80), fc.integer({ min: 1, max: 80 }));
const side = fc.oneof(fc.constantFrom(1, 2, 3, 7, 16), fc.integer({ min: 1, max: 16 }));

function params(over: Partial<Record<string, string | number>>): Params {
  const p: Params = {};
  for (const s of systolicTb.params) p[s.name] = s.default;
  return { ...p, ...over } as Params;
}

describe("systolic testbench == golden (compiled engine)", () => {
  for (const dataflow of ["os", "ws", "is"] as const) {
    test.prop(
      [
        fc.record({
          rows: side, cols: side, m: dim, n: dim, k: dim,
          aType: fc.constantFrom(...OPERAND_TYPES), bType: fc.constantFrom(...OPERAND_TYPES),
          accWidth: fc.oneof(fc.constant(32), fc.integer({ min: 8, max: 40 })),
          memLatency: fc.integer({ min: 1, max: 4 }),
          dramBw: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 16 })),
          data: fc.constantFrom("mixed", "extremes"),
        }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      ],
      { numRuns: 20 },
    )(`${dataflow}: C bit-exact, cycles == analytic, traffic == M*K+K*N / M*N`, async (rec, seed) => {
      const r = await systolicTb.run({ params: params({ ...rec, dataflow }), seed, engine: "compiled" });
      expectPassed(r);
    }, 120_000);
  }

  it("int8 and int16 extremes at the smallest shapes (1x1 array, 1x1x1 GEMM)", async () => {
    for (const dataflow of ["os", "ws", "is"]) {
      for (const t of ["int8", "int16"]) {
        const r = await systolicTb.run({ params: params({ rows: 1, cols: 1, m: 1, n: 1, k: 1, dataflow, aType: t, bType: t, data: "extremes" }), seed: 3, engine: "compiled" });
        expectPassed(r);
      }
    }
  });
});

describe("interpreter cross-check", () => {
  it("a small run of each dataflow gives the same results and cycles on the reference interpreter", async () => {
    for (const dataflow of ["os", "ws", "is"]) {
      const p = params({ rows: 3, cols: 2, m: 5, n: 3, k: 4, dataflow, aType: "int8", bType: "uint8" });
      const a = await systolicTb.run({ params: p, seed: 11, engine: "interp" });
      const b = await systolicTb.run({ params: p, seed: 11, engine: "compiled" });
      expectPassed(a);
      expect(a.metrics).toEqual({ ...b.metrics, cyclesPerSecond: a.metrics.cyclesPerSecond });
    }
  }, 120_000);
});
