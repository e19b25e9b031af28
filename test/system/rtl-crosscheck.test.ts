/**
 * The system model's network against the RTL mesh on the same transfers (src/system/comm/
 * rtl-crosscheck.ts): on an idle mesh the model is the RTL's zero-load latency less the source
 * router's pipeline and the two network-interface cycles, exactly; under contention (hotspots,
 * a ring step) the report gives both and they stay within a stated bound.
 */
import { describe, expect, it } from "vitest";
import { crossCheck } from "../../src/system/comm/rtl-crosscheck.js";
import { nocParams, routerDelay } from "../../src/hw/noc/params.js";

const overhead = routerDelay(nocParams({})) + 2;

describe("system network vs RTL mesh", () => {
  it("idle: every transfer is the RTL's time less routerDelay + 2 cycles", () => {
    // Transfers 300 cycles apart never meet; sizes and routes vary (seeded by their index).
    const transfers = Array.from({ length: 40 }, (_, i) => {
      const src = (i * 7) % 16;
      let dst = (i * 11 + 5) % 16;
      if (dst === src) dst = (dst + 1) % 16;
      return { cycle: i * 300, src, dst, flits: 1 + ((i * 37) % 64) };
    });
    for (const r of crossCheck(transfers)) expect(r.rtl - r.model, JSON.stringify(r)).toBe(overhead);
  });

  it("contention: hotspots and a ring step, the makespans within max(2 x that overhead, 15%)", () => {
    const cases = {
      "2 into one tile": [0, 5].map((s) => ({ cycle: 0, src: s, dst: 1, flits: 24 })),
      "4 into one tile": [0, 5, 10, 15].map((s) => ({ cycle: 0, src: s, dst: 1, flits: 24 })),
      "8 into one tile": [0, 5, 10, 15, 3, 12, 6, 9].map((s) => ({ cycle: 0, src: s, dst: 1, flits: 24 })),
      "a ring step of a row": [0, 1, 2, 3].map((s) => ({ cycle: 0, src: s, dst: (s + 1) % 4, flits: 32 })),
      "two sharing a link": [{ cycle: 0, src: 0, dst: 3, flits: 16 }, { cycle: 0, src: 1, dst: 3, flits: 16 }],
    };
    const report: string[] = [];
    for (const [name, transfers] of Object.entries(cases)) {
      const r = crossCheck(transfers);
      const rtl = Math.max(...r.map((x) => x.rtl)), model = Math.max(...r.map((x) => x.model));
      report.push(`${name}: RTL ${rtl} cycles, model ${model} (${model >= rtl ? "+" : ""}${(((model - rtl) / rtl) * 100).toFixed(1)}%)`);
      expect(Math.abs(model - rtl), name).toBeLessThanOrEqual(Math.max(2 * overhead, 0.15 * rtl));
    }
    console.log(`system network vs RTL mesh (4x4, default router):\n  ${report.join("\n  ")}`);
  });
});
