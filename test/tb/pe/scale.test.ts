/**
 * Scale: a 32x32 output-stationary array runs a 256x256x256 int8 GEMM through the whole engine and
 * testbench, bit-exact, with cycles == analytic: 20,933 cycles with load, compute and store
 * overlapped (the default), 26,534 one phase after the other; the stall-free compute is SCALE-Sim's
 * 8 x 8 folds x (R+C+K-2) = 20,352 either way. Its speed goes to bench/pe (npm run bench), not here.
 */
import { describe, expect, it } from "vitest";
import { systolicTb } from "../../../src/tb/pe/systolic.js";
import type { Params } from "../../../src/tb/types.js";
import { expectPassed } from "./expect-passed.js";

describe("32x32 array, 256x256x256 GEMM", () => {
  for (const [overlap, cycles] of [[true, 20933], [false, 26534]] as const) {
    it(`completes bit-exact with cycles == analytic, overlap ${overlap}`, async () => {
      const p: Params = {};
      for (const s of systolicTb.params) p[s.name] = s.default;
      Object.assign(p, { rows: 32, cols: 32, dataflow: "os", m: 256, n: 256, k: 256, aType: "int8", bType: "int8", data: "mixed", overlap });
      const r = await systolicTb.run({ params: p, seed: 256, engine: "compiled" });
      expectPassed(r);
      expect(r.cycles).toBe(cycles);
      expect(Number(r.metrics.core0Busy) - Number(r.metrics.core0Wait) - Number(r.metrics.tailCycles)).toBe(8 * 8 * (32 + 32 + 256 - 2));
      expect(r.metrics.bytesRead).toBe(2 * 256 * 256);
    }, 240_000);
  }
});
