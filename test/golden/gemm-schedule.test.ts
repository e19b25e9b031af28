/** The golden cycle model and the symmetric round-robin schedule. */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { analyticCycles, assignTiles, globalWords, loadOrder, requestRuns, symmetricRoundRobin, tiles, SystolicConfig } from "../../src/golden/systolic.js";

const base: SystolicConfig = { rows: 2, cols: 2, dataflow: "os", m: 3, n: 3, k: 3, cores: 1, tileM: 4, tileN: 4, memLatency: 2, overlap: false };

describe("symmetric round-robin", () => {
  it("deals 0,1,2,3,3,2,1,0,0,1,... (the paper's 1,2,3,4,4,3,2,1)", () => {
    expect(symmetricRoundRobin(10, 4)).toEqual([0, 1, 2, 3, 3, 2, 1, 0, 0, 1]);
    expect(symmetricRoundRobin(3, 1)).toEqual([0, 0, 0]);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 })], { numRuns: 200 })(
    "every tile goes to exactly one core; the spread of loads is at most the heaviest tile",
    (costs, cores) => {
      const a = assignTiles(costs, cores);
      expect([...a.perCore.flat()].sort((x, y) => x - y)).toEqual(costs.map((_, i) => i));
      const order = a.order.map((t) => costs[t]);
      expect(order).toEqual([...order].sort((x, y) => y - x));
      expect(Math.max(...a.load) - Math.min(...a.load)).toBeLessThanOrEqual(Math.max(...costs));
    },
  );
});

describe("analytic cycles", () => {
  it("os, 2x2 array, 3x3x3: fold = K+R+C-2 = 5, 4 folds back to back, tail R+1 = 3", () => {
    const c = analyticCycles(base);
    expect(globalWords(base)).toEqual({ load: 2 * 3 + 2 * 3, store: 3 * 2 });
    expect(c.load).toBe(12 + 2);
    expect(c.compute).toBe(4 * 5 + 3 + 1);
    expect(c.store).toBe(6 + 1);
    expect(c.total).toBe(1 + 14 + 24 + 7);
  });

  it("ws and is, 2x2 array, 3x3x3: fold = 2R+C+streamed-2 = 7, 2x2 folds back to back, tail 2", () => {
    for (const dataflow of ["ws", "is"] as const) {
      const cfg = { ...base, dataflow, tileM: dataflow === "ws" ? 3 : 4, tileN: dataflow === "ws" ? 4 : 3 };
      const c = analyticCycles(cfg);
      expect(c.compute).toBe(4 * 7 + 2 + 1);
      expect(c.total).toBe(1 + (2 * 3 + 2 * 3 + 2) + 31 + (6 + 1));
    }
  });

  it("os, 2x2 array, 3x3x3 with overlap: each fold waits for its blocks, each fold's results are stored once written", () => {
    const cfg = { ...base, overlap: true };
    // Load order W0 N0 (fold 0), N1 (fold 1), W1 (fold 2); 3 words each, taken in cycles 1..12,
    // each block readable memLatency + 1 cycles after its last word: 6, 9, 12, 15.
    expect(loadOrder(cfg)).toEqual([{ sel: 0, block: 0 }, { sel: 1, block: 0 }, { sel: 1, block: 1 }, { sel: 0, block: 1 }]);
    const c = analyticCycles(cfg);
    expect(c.load).toBe(12 + 2);
    // Cores start at cycle 2; fold 0 waits for N0 until 9 (7 cycles), then folds of 5 back to back
    // (fold 2 needs W1 at 15 and starts at 19), ending at 14, 19, 24, 29; the R+1 = 3 cycles of
    // capture and drain write each fold's rows by 17, 22, 27, 32.
    expect(c.coreWait).toEqual([7]);
    expect(c.coreBusy).toEqual([32 - 2]);
    expect(c.compute).toBe(31);
    // Each fold's words (2, 2, 1, 1 rows) are offered the cycle after they are written: taken in
    // 18, 19, 23, 24, 28 and 33; done at 34, one cycle into the store phase.
    expect(requestRuns(cfg).store).toEqual([{ bytes: 2, repeat: 2 }, { bytes: 1, repeat: 2 }, { bytes: 2, repeat: 1 }, { bytes: 1, repeat: 1 }]);
    expect(c.store).toBe(1);
    expect(c.total).toBe(34);
    expect(c.total).toBeLessThan(analyticCycles(base).total);
  });

  it("partial tiles cost less and come last", () => {
    const cfg: SystolicConfig = { ...base, rows: 4, cols: 4, m: 10, n: 9, k: 5, tileM: 8, tileN: 8, cores: 2 };
    const ts = tiles(cfg);
    expect(ts.map((t) => [t.mr, t.nr, t.folds])).toEqual([[8, 8, 4], [8, 1, 2], [2, 8, 2], [2, 1, 1]]);
    const c = analyticCycles(cfg);
    expect(c.assignment.order).toEqual([0, 1, 2, 3]);
    expect(c.assignment.perCore).toEqual([[0, 3], [1, 2]]);
    // os folds of K+R+C-2 = 11 cycles; each core's last fold adds the tail R+1 = 5.
    expect(c.coreBusy).toEqual([5 * 11 + 5, 4 * 11 + 5]);
  });
});
