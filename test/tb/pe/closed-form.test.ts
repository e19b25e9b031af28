/**
 * Stall-free compute cycles equal SCALE-Sim v2's closed forms (os ceil(M/R)ceil(N/C)(R+C+K-2), ws
 * ceil(K/R)ceil(N/C)(2R+C+M-2), is ceil(K/R)ceil(M/C)(2R+C+N-2)) for R, C in 1..32 and M, N, K in
 * 1..300, every dataflow: the cycle model (src/golden/systolic.ts) on many shapes, the RTL engine
 * on a few (bit-exact, its measured busy cycles equal to the model's). A core's busy cycles are the
 * closed form plus the tail the closed forms do not count (os R+1, ws/is 2) plus the cycles its
 * folds waited for their operands (overlapped load: counted apart, as SCALE-Sim counts stalls).
 */
import { describe, expect } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { scaleSimComputeCycles } from "../../../src/golden/scalesim.js";
import { analyticCycles, tailCycles } from "../../../src/golden/systolic.js";
import { defaultTile } from "../../../src/hw/systolic/params.js";
import { systolicTb } from "../../../src/tb/pe/systolic.js";
import type { Params } from "../../../src/tb/types.js";
import { expectPassed } from "./expect-passed.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`closed-form properties: FC_SEED=${SEED}`);

const side = fc.oneof(fc.constantFrom(1, 2, 31, 32), fc.integer({ min: 1, max: 32 }));
const dim = fc.oneof(fc.constantFrom(1, 2, 299, 300), fc.integer({ min: 1, max: 300 }));
const shape = fc.record({ rows: side, cols: side, m: dim, n: dim, k: dim });

describe("stall-free cycles == SCALE-Sim v2's closed forms", () => {
  for (const dataflow of ["os", "ws", "is"] as const) {
    test.prop([shape], { numRuns: 300, seed: SEED })(`${dataflow}: the cycle model`, (s) => {
      const an = analyticCycles({ ...s, dataflow, cores: 1, ...defaultTile({ ...s, dataflow }), memLatency: 1 });
      expect(an.coreBusy[0] - an.coreWait[0] - tailCycles(dataflow, s.rows)).toBe(scaleSimComputeCycles({ ...s, dataflow }, s));
    });

    test.prop([shape, fc.integer({ min: 1, max: 2 ** 31 - 1 })], { numRuns: 3, seed: SEED })(`${dataflow}: the RTL, bit-exact, busy cycles measured`, async (s, seed) => {
      const p: Params = Object.fromEntries(systolicTb.params.map((x) => [x.name, x.default]));
      const r = await systolicTb.run({ params: { ...p, ...s, dataflow, cores: 1 }, seed, engine: "compiled" });
      expectPassed(r); // includes measured cycles and busy cycles == the model's
      expect(Number(r.metrics.core0Busy) - Number(r.metrics.core0Wait) - Number(r.metrics.tailCycles)).toBe(scaleSimComputeCycles({ ...s, dataflow }, s));
    }, 300_000);
  }
});
