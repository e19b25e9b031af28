/**
 * The `mac-grid` testbench: passes on both engines over random sizes, reports utilization, and
 * catches broken grids (a PE that ignores clear; a product that loses -128 x -128).
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { macGridTb, macGridTileCycles } from "../../../src/tb/examples/mac-grid.js";
import type { Params } from "../../../src/tb/types.js";
import { buggyMacGrid, withDesign } from "./mutants.js";

const defaults: Params = Object.fromEntries(macGridTb.params.map((p) => [p.name, p.default]));

describe("mac-grid testbench", () => {
  it("passes at its defaults on both engines with identical results and reports utilization", async () => {
    const [c, i] = await Promise.all((["compiled", "interp"] as const).map((engine) => macGridTb.run({ params: defaults, seed: 5, engine })));
    expect(c.passed, c.failures.join("\n")).toBe(true);
    expect(c).toEqual(i);
    // 16x16 output over an 8x8 grid: 4 tiles, each a clear edge plus k + 8 + 8 - 2 edges, after one reset edge.
    expect(c.metrics.tiles).toBe(4);
    expect(c.cycles).toBe(1 + 4 * macGridTileCycles(32, 8, 8));
    expect(c.metrics.utilization).toBeCloseTo((16 * 16 * 32) / (64 * c.cycles), 3);
    // Every cycle checks the 8 + 8 edge outputs; every tile checks 64 accumulators.
    expect(c.checks).toBe((c.cycles - 1) * 16 + 4 * 64);
  });

  it("repeats GEMMs until --cycles is reached", async () => {
    const r = await macGridTb.run({ params: { ...defaults, rows: 2, cols: 2, m: 2, n: 2, k: 4 }, seed: 1, cycles: 100 });
    expect(r.passed).toBe(true);
    expect(r.cycles).toBeGreaterThanOrEqual(100);
    expect(r.metrics.gemms).toBe(Math.ceil(99 / macGridTileCycles(4, 2, 2)));
  });

  const sizes = fc.record({
    rows: fc.integer({ min: 1, max: 8 }),
    cols: fc.integer({ min: 1, max: 8 }),
    m: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 12 }),
    k: fc.integer({ min: 1, max: 16 }),
    data: fc.constantFrom("uniform", "extremes", "mixed"),
  });
  test.prop([sizes, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 20 })("passes on random sizes, both engines agree", async (p, seed) => {
    const runs = await Promise.all((["compiled", "interp"] as const).map((engine) => macGridTb.run({ params: p, seed, engine })));
    expect(runs[0].passed, runs[0].failures.join("\n")).toBe(true);
    expect(runs[0]).toEqual(runs[1]);
  });

  it("catches a PE that ignores clear (only visible from the second tile on)", async () => {
    const tb = withDesign(macGridTb, (p) => buggyMacGrid(Number(p.rows), Number(p.cols), { kind: "noClear", at: (i, j) => i === 1 && j === 2 }));
    const one = await tb.run({ params: { ...defaults, rows: 4, cols: 4, m: 4, n: 4 }, seed: 2 });
    expect(one.passed).toBe(true); // a single tile starts from reset: the bug cannot show
    const two = await tb.run({ params: { ...defaults, rows: 4, cols: 4, m: 8, n: 4 }, seed: 2 });
    expect(two.passed).toBe(false);
    expect(two.failures[0]).toMatch(/^pe_r1_c2_acc = C\[5\]\[2\] after tile \(1, 0\) of GEMM 0, cycle \d+: observed -?\d+ \(0x[0-9a-f]+, 0b[01]+\), expected/);
  });

  it("catches a product that loses -128 x -128, with extreme data", async () => {
    const tb = withDesign(macGridTb, (p) => buggyMacGrid(Number(p.rows), Number(p.cols), { kind: "noWrap8", at: () => true }));
    const r = await tb.run({ params: { ...defaults, rows: 2, cols: 2, m: 2, n: 2, data: "extremes" }, seed: 1 });
    expect(r.passed).toBe(false);
  });
});
