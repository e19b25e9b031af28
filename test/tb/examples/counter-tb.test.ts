/** The `counter` testbench: passes on both engines, replays from its seed, and catches a broken counter. */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { Module, u } from "../../../src/hdl/index.js";
import { counterTb } from "../../../src/tb/examples/counter.js";
import type { Params } from "../../../src/tb/types.js";
import { withDesign } from "./mutants.js";

const defaults: Params = Object.fromEntries(counterTb.params.map((p) => [p.name, p.default]));

describe("counter testbench", () => {
  it("passes at its defaults on both engines with identical results", async () => {
    const [c, i] = await Promise.all((["compiled", "interp"] as const).map((engine) => counterTb.run({ params: defaults, seed: 7, engine })));
    expect(c.passed, c.failures.join("\n")).toBe(true);
    expect(c).toEqual(i);
    expect(c.cycles).toBe(1001); // reset + 1000 cycles
    expect(c.checks).toBe(2001);
    expect(c.metrics.wraps).toBeGreaterThan(0);
  });

  it("runs --cycles cycles and reports progress", async () => {
    const seen: number[] = [];
    const r = await counterTb.run({ params: defaults, seed: 1, cycles: 3000, onProgress: (d) => seen.push(d) });
    expect(r.cycles).toBe(3001);
    expect(seen.at(-1)).toBe(3000);
  });

  it("is deterministic in its seed, and different seeds drive different data", async () => {
    const a = await counterTb.run({ params: defaults, seed: 99 });
    const b = await counterTb.run({ params: defaults, seed: 99 });
    const c = await counterTb.run({ params: defaults, seed: 100 });
    expect(a).toEqual(b);
    expect(c.metrics).not.toEqual(a.metrics);
  });

  it("validate rejects a wrap that does not fit the width, naming both", () => {
    expect(counterTb.validate!({ ...defaults, width: 4, wrap: 16 })).toMatch(/wrap=16 does not fit in width=4/);
    expect(counterTb.validate!({ ...defaults, width: 4, wrap: 15 })).toBeUndefined();
  });

  test.prop([fc.integer({ min: 1, max: 16 }), fc.integer({ min: -1, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 25 })(
    "passes on random parameters (both engines agree)",
    async (width, wrap, seed) => {
      const params = { ...defaults, width, wrap: wrap >= 2 ** width ? -1 : wrap };
      const runs = await Promise.all((["compiled", "interp"] as const).map((engine) => counterTb.run({ params, seed, cycles: 200, engine })));
      expect(runs[0].passed, runs[0].failures.join("\n")).toBe(true);
      expect(runs[0]).toEqual(runs[1]);
    },
  );

  it("fails (and says where) on a counter that wraps one too early", async () => {
    const broken = withDesign(counterTb, (p) => {
      const w = Number(p.width);
      const m = new Module("counter");
      const enable = m.input("enable", u(1)), load = m.input("load", u(1)), lv = m.input("load_value", u(w));
      const count = m.output("count", u(w)), carry = m.output("carry", u(1));
      const early = count.eq(Number(p.wrap) < 0 ? 2 ** w - 2 : Number(p.wrap) - 1);
      m.comb.set(carry, enable.and(load.not()).and(early));
      m.if(load, () => m.sync.set(count, lv)).elif(enable, () => m.if(early, () => m.sync.set(count, 0)).else(() => m.sync.set(count, count.add(1).trunc(w))));
      return m;
    });
    const r = await broken.run({ params: { ...defaults, width: 4, wrap: 9 }, seed: 3 });
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/(count after edge|carry) at cycle \d+: observed .*expected/);
    expect(r.failures.length).toBeLessThanOrEqual(11);
  });
});
