/**
 * The cross-stage tiling controller against the golden schedule: stages with arbitrary per-tile
 * durations (a counter per stage stands in for the unit) must start exactly when `tileSchedule`
 * says, and the busy, stall and buffer-occupancy counters must equal the schedule's.
 */
import { describe, expect } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { tileSchedule } from "../../../src/golden/sofa-pipeline.js";
import { makeTileController } from "../../../src/hw/sofa/tile-controller.js";
import { simulate } from "../../../src/sim/index.js";

function runController(durations: number[][], banks: number) {
  const S = durations.length, T = durations[0].length;
  const ctl = makeTileController({ stages: S, banks, tiles: T });
  const sim = simulate(ctl.module);
  const start = durations.map(() => new Array<number>(T).fill(-1)), end = durations.map(() => new Array<number>(T).fill(-1));
  const left = new Array<number>(S).fill(-1), cur = new Array<number>(S).fill(-1);
  sim.reset();
  sim.poke("go", 1);
  let cycle = 0;
  for (; cycle < 100000 && sim.peek("finished") === 0n; cycle++) {
    // Stage models: done pulses `duration` cycles after the start cycle.
    for (let s = 0; s < S; s++) sim.poke(`done_${s}`, left[s] === 0 ? 1 : 0);
    for (let s = 0; s < S; s++) {
      if (left[s] === 0) {
        end[s][cur[s]] = cycle;
        left[s] = -1;
      }
      if (sim.peek(`start_${s}`) === 1n) {
        const t = Number(sim.peek(`tile_${s}`));
        expect(Number(sim.peek(`bank_${s}`))).toBe(t % banks);
        cur[s] = t;
        start[s][t] = cycle;
        left[s] = durations[s][t];
      }
    }
    sim.step();
    for (let s = 0; s < S; s++) if (left[s] > 0) left[s]--;
  }
  const counters = {
    busy: durations.map((_, s) => Number(sim.peek(`busy_cycles_${s}`))),
    stalls: durations.map((_, s) => Number(sim.peek(`stall_cycles_${s}`))),
    occMax: durations.slice(1).map((_, b) => Number(sim.peek(`occ_max_${b}`))),
    occSum: durations.slice(1).map((_, b) => Number(sim.peek(`occ_sum_${b}`))),
  };
  sim.close();
  return { start, end, counters };
}

describe("tile controller == tileSchedule", () => {
  test.prop([
    fc.integer({ min: 1, max: 4 }).chain((S) =>
      fc.integer({ min: 1, max: 7 }).chain((T) =>
        fc.tuple(fc.array(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: T, maxLength: T }), { minLength: S, maxLength: S }), fc.integer({ min: 1, max: 3 })))),
  ], { numRuns: 60 })("starts, ends, busy, stalls and occupancy match the golden schedule", ([durations, banks]) => {
    const got = runController(durations, banks);
    const t0 = got.start[0][0];
    const want = tileSchedule({ durations, banks, handoff: 1 });
    expect(got.start.map((r) => r.map((x) => x - t0))).toEqual(want.start);
    expect(got.end.map((r) => r.map((x) => x - t0))).toEqual(want.end);
    expect(got.counters.busy).toEqual(want.busy);
    expect(got.counters.stalls).toEqual(want.stalls);
    expect(got.counters.occMax).toEqual(want.maxOccupancy);
    expect(got.counters.occSum).toEqual(want.occupancySum);
  });

  test.prop([fc.constant(0)], { numRuns: 1 })("ping-pong: a slow middle stage makes the first stall, and at most 2 banks fill", () => {
    const want = tileSchedule({ durations: [[5, 5, 5, 5], [20, 20, 20, 20], [5, 5, 5, 5]], banks: 2, handoff: 1 });
    expect(want.stalls[0]).toBeGreaterThan(0);
    expect(want.maxOccupancy).toEqual([2, 2]);
    const got = runController([[5, 5, 5, 5], [20, 20, 20, 20], [5, 5, 5, 5]], 2);
    expect(got.counters.stalls).toEqual(want.stalls);
  });
});
