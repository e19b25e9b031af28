/**
 * Scale: a 32x32 output-stationary array runs a 256x256x256 int8 GEMM (26,534 cycles with 1,024
 * PEs) through the whole engine and testbench, bit-exact, with cycles == analytic. Its speed goes
 * to bench/pe (npm run bench), not here.
 */
import { describe, expect, it } from "vitest";
import { systolicTb } from "../../../src/tb/pe/systolic.js";
import type { Params } from "../../../src/tb/types.js";
import { expectPassed } from "./expect-passed.js";

describe("32x32 array, 256x256x256 GEMM", () => {
  it("completes bit-exact with cycles == analytic", async () => {
    const p: Params = {};
    for (const s of systolicTb.params) p[s.name] = s.default;
    Object.assign(p, { rows: 32, cols: 32, dataflow: "os", m: 256, n: 256, k: 256, aType: "int8", bType: "int8", data: "mixed" });
    const r = await systolicTb.run({ params: p, seed: 256, engine: "compiled" });
    expectPassed(r);
    expect(r.cycles).toBe(26534);
    expect(r.metrics.bytesRead).toBe(2 * 256 * 256);
  }, 240_000);
});
