/**
 * The DRAM port's bandwidth rule (src/golden/dram-port.ts) on sequences worked out by hand, and
 * as a property: over a long run it moves the bandwidth, never more; unlimited takes one request
 * per cycle.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DramPort } from "../../src/golden/dram-port.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`dram-port properties: FC_SEED=${SEED}`);

describe("DramPort", () => {
  it("2 bytes per cycle, 3-byte requests offered back to back: two taken every three cycles", () => {
    // credit 2 -> take at 0 (2-3+2 = 1) -> take at 1 (1-3+2 = 0) -> 2 not ready (0+2 = 2) -> take
    // at 3 (1) -> take at 4 (0) -> 5 waits -> take at 6 ...
    const p = new DramPort(2);
    expect([0, 1, 2, 3, 4, 5].map(() => p.accept(3, 0))).toEqual([0, 1, 3, 4, 6, 7]);
  });

  it("idle cycles refill the credit, but only up to one cycle's worth", () => {
    const p = new DramPort(4);
    expect(p.accept(10, 0)).toBe(0); // 4 - 10 + 4 = -2
    expect(p.accept(10, 0)).toBe(2); // -2 + 4 = 2 > 0 at cycle 2
    expect(p.accept(1, 100)).toBe(100); // long idle: credit back to 4, not more
    expect(p.accept(1, 0)).toBe(101); // the next cycle at the earliest
  });

  it("unlimited: one request per cycle from when it is offered", () => {
    const p = new DramPort(0);
    expect([p.accept(1000, 5), p.accept(1000, 0), p.accept(1, 9)]).toEqual([5, 6, 9]);
  });

  test.prop([fc.integer({ min: 1, max: 64 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 300 })], { numRuns: 200, seed: SEED })(
    "bytes moved by the last take never exceed bw per cycle plus one request's worth",
    (bw, sizes) => {
      const p = new DramPort(bw);
      let last = 0, bytes = 0;
      for (const b of sizes) {
        last = p.accept(b, 0);
        bytes += b;
      }
      // Credit starts at bw and grows by bw a cycle: bytes taken up to cycle t <= bw*(t+1) + the last request.
      expect(bytes - sizes[sizes.length - 1]).toBeLessThanOrEqual(bw * (last + 1));
      expect(last).toBeGreaterThanOrEqual(sizes.length - 1);
    },
  );
});
