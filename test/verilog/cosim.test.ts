/**
 * The co-simulation harness itself: clock timelines, trace comparison, stimulus files, and both
 * harnesses (Verilator C++ and Icarus testbench) against an independent hand-written model, and
 * against each other in benchmark mode.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { edgeSchedule, edgeTable, edgesOfCycle } from "../../src/verilog/cosim-spec.js";
import { simulate } from "../../src/sim/index.js";
import { benchCosim, benchStimulus, checksumStep, compareTraces, runCosim, specFromEmitted, writeStimulus } from "../../src/verilog/cosim.js";
import { recordTrace } from "../../src/verilog/replay.js";
import type { Trace } from "../../src/verilog/cosim.js";
import { emitDesign } from "../../src/verilog/emit.js";
import { requireTool } from "../../src/verilog/tools.js";
import { DESIGNS } from "./designs.js";

describe("clock timeline", () => {
  const c = (clock: string, period: number, phase = 0) => ({ clock, period, phase });

  test("one clock: one edge per cycle", () => {
    expect(edgeSchedule([c("clk", 10)], 3)).toEqual([[1], [1], [1]]);
  });

  test("two clocks: other edges in time order inside the window, simultaneous edges grouped", () => {
    // clk edges at 10, 20, 30, ...; slow (period 7) at 7, 14, 21, 28, 35, 42, 49, 56, 63, 70.
    const s = edgeSchedule([c("clk", 10), c("slow", 7)], 7);
    expect(s).toEqual([[2, 1], [2, 1], [2, 2, 1], [2, 1], [2, 2, 1], [2, 1], [2, 3]]);
  });

  test("phases shift first edges; the finite table repeats with the periods", () => {
    const clocks = [c("clk", 10), c("x", 4, 25)];
    const t = edgeTable(clocks);
    const direct = edgeSchedule(clocks, 60);
    for (let i = 0; i < 60; i++) expect(edgesOfCycle(t, i)).toEqual(direct[i]);
    expect(direct[0]).toEqual([1]);
    expect(direct[2]).toEqual([2, 1]); // x's first edge at 29, clk at 30
  });

  test("periods with a huge common multiple are refused with advice", () => {
    expect(() => edgeTable([c("clk", 9973), c("x", 9967)])).toThrow(/smaller common multiple/);
  });
});

describe("compareTraces", () => {
  const t = (pre: bigint[][], post: bigint[][], outputs = ["a", "b"]): Trace => ({ outputs, pre, post });

  test("equal traces: null", () => {
    expect(compareTraces(t([[1n, 2n]], [[3n, 4n]]), t([[1n, 2n]], [[3n, 4n]]))).toBeNull();
  });

  test("the first difference: cycle, phase, signal and both values", () => {
    const m = compareTraces(t([[1n, 2n], [1n, 2n]], [[3n, 4n], [5n, -6n]]), t([[1n, 2n], [1n, 2n]], [[3n, 4n], [5n, 6n]]), { ours: "tessera", theirs: "verilator" });
    expect(m).toMatchObject({ cycle: 1, phase: "post", signal: "b", ours: -6n, theirs: 6n });
    expect(m!.message).toContain("cycle 1");
    expect(m!.message).toContain("'b'");
    expect(m!.message).toContain("tessera -6");
    expect(m!.message).toContain("verilator 6");
  });

  test("outputs are matched by name; x values and short traces are mismatches", () => {
    expect(compareTraces(t([[1n, 2n]], [[3n, 4n]]), t([[2n, 1n]], [[4n, 3n]], ["b", "a"]))).toBeNull();
    expect(compareTraces(t([[1n, 2n]], [[3n, 4n]]), { outputs: ["a", "b"], pre: [[1n, null]], post: [[3n, 4n]] })?.signal).toBe("b");
    expect(compareTraces(t([[1n, 2n], [1n, 2n]], [[3n, 4n], [3n, 4n]]), t([[1n, 2n]], [[3n, 4n]]))?.cycle).toBe(1);
    expect(compareTraces(t([[1n, 2n]], [[3n, 4n]]), t([[1n]], [[3n]], ["a"]))?.message).toMatch(/missing/);
  });
});

describe("stimulus", () => {
  const spec = specFromEmitted(emitDesign(DESIGNS.counter()));

  test("values must fit their input (signed inputs take math values or bit patterns)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-stim-"));
    expect(() => writeStimulus(join(dir, "s"), spec, [[0n, 2n]])).toThrow(/does not fit input 'en'/);
    expect(() => writeStimulus(join(dir, "s"), spec, [[0n]])).toThrow(/1 values for 2 inputs/);
    expect(writeStimulus(join(dir, "s"), spec, { cycles: 3, row: (c) => [0n, BigInt(c & 1)] })).toBe(3);
  });
});

/** The counter of designs.ts, written out by hand: reset 5, +1 when en, wraps at 256. */
function counterModel(rows: readonly (readonly bigint[])[]): Trace {
  let count = 5n;
  const pre: bigint[][] = [], post: bigint[][] = [];
  for (const [rst, en] of rows) {
    pre.push([count, count === 255n && en ? 1n : 0n]);
    count = rst ? 5n : en ? (count + 1n) & 255n : count;
    post.push([count, count === 255n && en ? 1n : 0n]);
  }
  return { outputs: ["count", "wrap"], pre, post };
}

for (const tool of ["verilator", "icarus"] as const) {
  describe.skipIf(!requireTool(tool === "verilator" ? "verilator" : "iverilog"))(`${tool} harness`, () => {
    const spec = specFromEmitted(emitDesign(DESIGNS.counter()));
    // Reset at the start and once in the middle; enable mostly on, so the counter wraps.
    const rows = Array.from({ length: 300 }, (_, c) => [c === 0 || c === 120 ? 1n : 0n, c % 7 === 3 ? 0n : 1n]);

    test("replays stimulus and samples every output before and after each edge", async () => {
      const run = await runCosim(spec, rows, { sim: tool });
      expect(run.cycles).toBe(300);
      expect(compareTraces(counterModel(rows), run, { ours: "model", theirs: tool })?.message ?? null).toBeNull();
    });

    test("reads stimulus from a file (long runs need not sit in memory)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tessera-stim-"));
      const file = join(dir, "stim.hex");
      writeFileSync(file, rows.map((r) => r.map((v) => v.toString(16)).join(" ")).join("\n") + "\n");
      const run = await runCosim(spec, { file, cycles: rows.length }, { sim: tool });
      expect(compareTraces(counterModel(rows), run)).toBeNull();
    });
  });
}

describe.skipIf(!requireTool("verilator", "iverilog"))("benchmark mode", () => {
  test("Verilator, Icarus and Tessera's simulator see the same random inputs: same checksum of every output", async () => {
    const make = DESIGNS.hierarchy;
    const spec = specFromEmitted(emitDesign(make()));
    const o = { cycles: 2000, seed: 0x1234abcd, resetCycles: 2, reuseBuild: true };
    const [v, i] = [await benchCosim(spec, { ...o, sim: "verilator" }), await benchCosim(spec, { ...o, sim: "icarus" })];
    expect(v.checksum).toBe(i.checksum);
    expect(v.cyclesPerSecond).toBeGreaterThan(0);
    expect(i.timeToFirstCycleSeconds).toBeGreaterThan(0);
    // The same stimulus through our simulator, checksummed the same way.
    const sim = simulate(make());
    const ours = recordTrace({ poke: (n, x) => sim.poke(n, x), peek: (n) => sim.peek(n), step: () => sim.step() }, spec, benchStimulus(spec, o));
    const sum = ours.post.reduce((acc, row) => checksumStep(acc, spec.outputs, row as bigint[]), 0n);
    expect(sum.toString(16).padStart(16, "0")).toBe(v.checksum);
    const other = await benchCosim(spec, { ...o, seed: 99, sim: "icarus" });
    expect(other.checksum).not.toBe(i.checksum);
  });
});
