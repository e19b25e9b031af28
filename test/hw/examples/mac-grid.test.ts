/**
 * `mac-grid` against the golden GEMM: random grid sizes (rows/cols 1..8), reduction lengths and
 * int8 data rich in -128/127, fed with the systolic skew. The compiled engine and the interpreter
 * run in lockstep and must agree on every output every cycle; the accumulators must equal the
 * golden GEMM at the end. fast-check prints the seed and the shrunk case on failure.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { macGrid, macGridNames as N } from "../../../src/hw/examples/mac-grid.js";
import { gemmInt8 } from "../../../src/golden/examples.js";
import { simulate, type Simulator } from "../../../src/sim/index.js";

const int8 = fc.oneof(fc.constantFrom(-128, 127, -127, -1, 0, 1), fc.integer({ min: -128, max: 127 }));

const caseArb = fc
  .record({ rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }), k: fc.integer({ min: 1, max: 12 }) })
  .chain(({ rows, cols, k }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      k: fc.constant(k),
      a: fc.array(int8, { minLength: rows * k, maxLength: rows * k }),
      b: fc.array(int8, { minLength: k * cols, maxLength: k * cols }),
    }),
  );

function outputNames(rows: number, cols: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) names.push(N.acc(i, j));
  for (let i = 0; i < rows; i++) names.push(N.aOut(i));
  for (let j = 0; j < cols; j++) names.push(N.bOut(j));
  return names;
}

/** Drive one skewed GEMM pass through every simulator, comparing all outputs across engines each cycle. */
function feed(sims: Simulator[], rows: number, cols: number, k: number, a: readonly number[], b: readonly number[]): void {
  const names = outputNames(rows, cols);
  for (let t = 0; t < k + rows + cols - 2; t++) {
    for (const sim of sims) {
      for (let i = 0; i < rows; i++) sim.poke(N.a(i), t - i >= 0 && t - i < k ? a[i * k + t - i] : 0);
      for (let j = 0; j < cols; j++) sim.poke(N.b(j), t - j >= 0 && t - j < k ? b[(t - j) * cols + j] : 0);
      sim.step();
    }
    for (const name of names) {
      const ref = sims[0].peek(name);
      for (const sim of sims.slice(1)) expect(sim.peek(name), `${name} after edge ${t}: ${sim.engine.constructor.name} vs ${sims[0].engine.constructor.name}`).toBe(ref);
    }
  }
}

function accs(sim: Simulator, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.push(sim.peekNumber(N.acc(i, j)));
  return out;
}

describe("mac-grid == golden GEMM, both engines", () => {
  test.prop([caseArb], { numRuns: 60 })("one skewed GEMM pass on random sizes and data", ({ rows, cols, k, a, b }) => {
    const sims = (["compiled", "interp"] as const).map((engine) => simulate(macGrid({ rows, cols }), { engine }));
    feed(sims, rows, cols, k, a, b);
    const want = [...gemmInt8(a, b, rows, k, cols)];
    for (const sim of sims) expect(accs(sim, rows, cols)).toEqual(want);
  });

  test.prop([caseArb], { numRuns: 20 })("clear empties every accumulator for the next pass", ({ rows, cols, k, a, b }) => {
    const sim = simulate(macGrid({ rows, cols }));
    feed([sim], rows, cols, k, a, b);
    sim.poke("clear", 1);
    for (let i = 0; i < rows; i++) sim.poke(N.a(i), 0);
    for (let j = 0; j < cols; j++) sim.poke(N.b(j), 0);
    sim.step();
    sim.poke("clear", 0);
    // Operands of the first pass still in the pipeline registers leave the grid without meeting a
    // nonzero partner, so the second pass equals a fresh GEMM.
    expect(accs(sim, rows, cols).every((v) => v === 0)).toBe(true);
    feed([sim], rows, cols, k, a, b);
    expect(accs(sim, rows, cols)).toEqual([...gemmInt8(a, b, rows, k, cols)]);
  });

  it("int32 accumulators wrap around: 2^17 + 1 products of -128 x -128 (1 x 2 grid, both engines)", () => {
    const n = (1 << 17) + 1; // 16384 * 131073 = 2^31 + 16384: past int32's top
    for (const engine of ["compiled", "interp"] as const) {
      const sim = simulate(macGrid({ rows: 1, cols: 2 }), { engine });
      sim.poke(N.a(0), -128);
      sim.poke(N.b(0), -128);
      sim.poke(N.b(1), -128);
      sim.step(n);
      const want = [...gemmInt8(Array(n).fill(-128), Array(n).fill(-128), 1, n, 1)][0];
      expect(want).toBe(-(2 ** 31) + 16384);
      expect(sim.peekNumber(N.acc(0, 0)), engine).toBe(want);
      // PE (0,1) saw one product fewer: a arrives there a cycle later.
      expect(sim.peekNumber(N.acc(0, 1)), engine).toBe((16384 * (n - 1)) | 0);
    }
  });

  it("names PEs by row and column for waveform viewers", () => {
    const sim = simulate(macGrid({ rows: 3, cols: 4 }));
    expect(sim.node("mac_grid.pe_r2_c3.acc").shape).toEqual({ width: 32, signed: true });
    expect(sim.node("pe_r2_c3_acc").shape).toEqual({ width: 32, signed: true });
    expect(sim.node("mac_grid.pe_r1_c2.a_out").shape).toEqual({ width: 8, signed: true });
    expect(() => macGrid({ rows: 0, cols: 2 })).toThrow(/rows = 0/);
  });
});
