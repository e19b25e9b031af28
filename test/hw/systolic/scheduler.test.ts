/** The tile scheduler RTL deals exactly the golden symmetric round-robin assignment, whatever order the cores pop in. */
import { expect } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { simulate } from "../../../src/sim/index.js";
import { makeScheduler } from "../../../src/hw/systolic/scheduler.js";
import { geometry } from "../../../src/hw/systolic/geometry.js";
import { analyticCycles, tiles } from "../../../src/golden/systolic.js";

test.prop(
  [fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.constantFrom("os", "ws", "is") as fc.Arbitrary<"os" | "ws" | "is">, fc.infiniteStream(fc.integer({ min: 0, max: 63 }))],
  { numRuns: 40 },
)("per-core tile sequences == golden assignment", (cores, m, n, dataflow, pops) => {
  const g = geometry({ rows: 4, cols: 3, dataflow, m, n, k: 9, aType: "int8", bType: "int8", accWidth: 32, cores, tileM: 12, tileN: 12 });
  const cfg = { rows: 4, cols: 3, dataflow, m, n, k: 9, cores, tileM: g.tm, tileN: g.tn, memLatency: 1 };
  const gt = tiles(cfg);
  const want = analyticCycles(cfg).assignment.perCore.map((ts) => ts.map((t) => `${gt[t].row},${gt[t].col}`));
  const sched = makeScheduler(g);
  const sim = simulate(sched.module);
  sim.poke("restart", 1);
  sim.step();
  sim.poke("restart", 0);
  const got: string[][] = Array.from({ length: cores }, () => []);
  const it = pops[Symbol.iterator]();
  for (let guard = 0; guard < 10_000; guard++) {
    const live = [...Array(cores).keys()].filter((c) => sim.peekNumber(`valid_${c}`) === 1);
    if (live.length === 0) break;
    const mask = it.next().value as number; // a random subset of the cores pops this cycle
    for (let c = 0; c < cores; c++) {
      const pop = live.includes(c) && ((mask >> c) & 1) === 1 ? 1 : 0;
      if (pop) got[c].push(`${sim.peekNumber(`row_${c}`)},${sim.peekNumber(`col_${c}`)}`);
      sim.poke(`pop_${c}`, pop);
    }
    sim.step();
  }
  expect(got).toEqual(want);
});
