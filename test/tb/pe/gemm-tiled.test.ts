/**
 * `gemm-tiled` as a property: several cores, random tile shapes (including tiles larger than the
 * problem and tiles that leave thin partial edges), every dataflow. Besides the `systolic` checks,
 * each core's busy cycles and tile count must equal the golden symmetric round-robin schedule.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { gemmTiledTb } from "../../../src/tb/pe/gemm-tiled.js";
import type { Params } from "../../../src/tb/types.js";
import { analyticCycles } from "../../../src/golden/systolic.js";
import { expectPassed } from "./expect-passed.js";

function params(over: Partial<Record<string, string | number>>): Params {
  const p: Params = {};
  for (const s of gemmTiledTb.params) p[s.name] = s.default;
  return { ...p, ...over } as Params;
}

describe("gemm-tiled testbench == golden", () => {
  test.prop(
    [
      fc.record({
        rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }),
        dataflow: fc.constantFrom("os", "ws", "is"),
        m: fc.integer({ min: 1, max: 80 }), n: fc.integer({ min: 1, max: 80 }), k: fc.integer({ min: 1, max: 80 }),
        cores: fc.integer({ min: 1, max: 6 }), tileM: fc.integer({ min: 0, max: 40 }), tileN: fc.integer({ min: 0, max: 40 }),
        aType: fc.constantFrom("int8", "uint16"), bType: fc.constantFrom("int16", "uint8"),
        dramBw: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 16 })),
      }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 20 },
  )("per-core load == symmetric round-robin schedule; C exact; cycles == analytic", async (rec, seed) => {
    const r = await gemmTiledTb.run({ params: params(rec), seed, engine: "compiled" });
    expectPassed(r);
    const loads = String(r.metrics.coreLoad).split(",").map(Number);
    expect(loads.length).toBe(rec.cores);
  }, 180_000);

  it("4 cores, 9 tiles of unequal cost: the heavy tiles spread one per core, loads as the golden says", async () => {
    const p = params({ rows: 4, cols: 4, dataflow: "os", m: 40, n: 36, k: 16, cores: 4, tileM: 16, tileN: 16 });
    const r = await gemmTiledTb.run({ params: p, seed: 5, engine: "compiled" });
    expectPassed(r);
    const an = analyticCycles({ rows: 4, cols: 4, dataflow: "os", m: 40, n: 36, k: 16, cores: 4, tileM: 16, tileN: 16, memLatency: 2 });
    expect(String(r.metrics.coreLoad)).toBe(an.coreBusy.join(","));
    // 4 full tiles (16 folds of K+R+C-2 = 22 cycles) go one per core; the 5 partial ones are dealt back 3,2,1,0,0.
    expect(an.assignment.perCore.map((ts) => ts.length)).toEqual([3, 2, 2, 2]);
    expect(Number(r.metrics.loadImbalance)).toBeLessThan(1.3);
  }, 60_000);
});
