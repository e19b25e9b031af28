/**
 * DLZS against the golden models: the approximation's own properties, the shift-add PE (exhaustive
 * over int8 x int8, every code, random 16-bit), the whole unit on random shapes that are not
 * multiples of each other (partial tiles and blocks, all-zero rows, extremes, saturating shifts,
 * Q through the write port), the `sofa-dlzs` testbench on random parameters, and mutants that the
 * checks must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { dlzs, dlzsFromCode, lzCode } from "../../../src/golden/sofa.js";
import { dlzsTileCycles } from "../../../src/golden/sofa-dlzs-timing.js";
import { makeDlzsPe } from "../../../src/hw/sofa/dlzs-pe.js";
import type { DlzsUnitParams } from "../../../src/hw/sofa/dlzs-params.js";
import { makeDlzsUnit } from "../../../src/hw/sofa/dlzs-unit.js";
import { simulate } from "../../../src/sim/index.js";
import { Checker, randInt, rng } from "../../../src/tb/harness.js";
import { DlzsOperands, loadResident, runPhases, tileShape } from "../../../src/tb/sofa/dlzs-drive.js";
import { dlzsUnitParams, sofaDlzsTb } from "../../../src/tb/sofa/dlzs.js";
import type { Params, Testbench } from "../../../src/tb/types.js";

const int8 = fc.integer({ min: -128, max: 127 });
const int16 = fc.integer({ min: -32768, max: 32767 });
const defaults: Params = Object.fromEntries(sofaDlzsTb.params.map((p) => [p.name, p.default]));

describe("golden DLZS approximation", () => {
  it("worked examples (W = 8): 13*7 -> 56, -5*20 -> -80, 64*3 -> 192, 1*-9 -> -9", () => {
    expect(dlzs(13, 7, 8)).toBe(56);
    expect(dlzs(-5, 20, 8)).toBe(-80);
    expect(dlzs(64, 3, 8)).toBe(192);
    expect(dlzs(1, -9, 8)).toBe(-9);
  });

  for (const [w, arb] of [[8, int8], [16, int16]] as const) {
    test.prop([arb, arb], { numRuns: 2000, seed: 800 + w })(`${w}-bit: sign exact, |approx| <= |exact| < 2|approx|, 0 with a zero operand`, (x, y) => {
      const a = dlzs(x, y, w), e = x * y;
      if (x === 0 || y === 0) expect(a).toBe(0);
      else {
        expect(Math.sign(a)).toBe(Math.sign(e));
        expect(Math.abs(a)).toBeLessThanOrEqual(Math.abs(e));
        expect(Math.abs(e)).toBeLessThan(2 * Math.abs(a));
      }
      expect(dlzsFromCode(lzCode(x, w), y, w)).toBe(a);
    });
  }
});

describe("shift-add PE (combinational product, zero eliminator)", () => {
  it("8-bit mode, every int8 x int8: product = dlzs(x, y, 8) from the golden code, nz = both nonzero", () => {
    const sim = simulate(makeDlzsPe(36).module);
    const sign = sim.accessor("sign"), lzIn = sim.accessor("lz"), y = sim.accessor("y"), prod = sim.accessor("product"), nz = sim.accessor("nz");
    sim.poke("mode", 0);
    let bad = "";
    for (let x = -128; x < 128 && !bad; x++) {
      const c = lzCode(x, 8);
      sign.set(c.sign);
      lzIn.set(c.lz);
      for (let v = -128; v < 128; v++) {
        y.set(v);
        if (prod.get() !== dlzs(x, v, 8) || nz.get() !== (x !== 0 && v !== 0 ? 1 : 0)) bad = `${x} * ${v}: product ${prod.get()} (want ${dlzs(x, v, 8)}), nz ${nz.get()}`;
      }
    }
    expect(bad).toBe("");
    sim.close();
  });

  for (const engine of ["compiled", "interp"] as const) {
    it(`${engine}: every code (sign, lz 0..31) in both modes against dlzsFromCode`, () => {
      const sim = simulate(makeDlzsPe(36).module, { engine });
      const r = rng(77);
      const ys = [-32768, -32767, -129, -128, -1, 0, 1, 127, 128, 32767, ...Array.from({ length: 20 }, () => randInt(r, -32768, 32767))];
      for (const [mode, w] of [[0, 8], [1, 16]] as const) {
        sim.poke("mode", mode);
        for (const sg of [0, 1] as const) {
          for (let l = 0; l < 32; l++) {
            sim.poke("sign", sg);
            sim.poke("lz", l);
            for (const v of ys) {
              sim.poke("y", v);
              expect(sim.peekNumber("product"), `mode ${mode} code {${sg}, ${l}} y ${v}`).toBe(dlzsFromCode({ sign: sg, lz: l }, v, w));
            }
          }
        }
      }
      sim.close();
    });
  }

  test.prop([fc.array(fc.tuple(fc.oneof(int16, fc.constantFrom(-32768, 32767, 0, 1, -1)), int16), { minLength: 1, maxLength: 300 })], { numRuns: 10, seed: 1616 })(
    "16-bit mode, random int16 pairs: product = dlzs(q, y, 16)",
    (pairs) => {
      const sim = simulate(makeDlzsPe(36).module);
      sim.poke("mode", 1);
      for (const [q, v] of pairs) {
        const c = lzCode(q, 16);
        sim.poke("sign", c.sign);
        sim.poke("lz", c.lz);
        sim.poke("y", v);
        expect(sim.peekNumber("product"), `${q} * ${v}`).toBe(dlzs(q, v, 16));
      }
      sim.close();
    },
  );

  test.prop([fc.array(fc.record({ q: int16, y: int16, capture: fc.boolean(), shift: fc.boolean(), drainIn: fc.integer({ min: -1000, max: 1000 }) }), { minLength: 1, maxLength: 40 })], { numRuns: 30, seed: 1617 })(
    "accumulates products, capture moves the sum to drain_out and restarts, shift passes drain_in",
    (steps) => {
      const sim = simulate(makeDlzsPe(36).module);
      sim.poke("mode", 1);
      let acc = 0, drain = 0;
      for (const st of steps) {
        const c = lzCode(st.q, 16);
        sim.poke("sign", c.sign);
        sim.poke("lz", c.lz);
        sim.poke("y", st.y);
        sim.poke("capture", st.capture ? 1 : 0);
        sim.poke("shift", st.shift ? 1 : 0);
        sim.poke("drain_in", st.drainIn);
        sim.step();
        const sum = acc + dlzs(st.q, st.y, 16);
        if (st.capture) [acc, drain] = [0, sum];
        else [acc, drain] = [sum, st.shift ? st.drainIn : drain];
        expect(sim.peekNumber("acc")).toBe(acc);
        expect(sim.peekNumber("drain_out")).toBe(drain);
      }
      sim.close();
    },
  );
});

/** Random operands with the hard cases mixed in: extremes, all-zero rows of Q and X, all-zero columns of Wk. */
function hardOperands(r: () => number, p: DlzsUnitParams): DlzsOperands {
  const pick = (extremes: number[], lo: number, hi: number) => () => {
    const u = r();
    return u < 0.2 ? 0 : u < 0.35 ? extremes[randInt(r, 0, extremes.length - 1)] : randInt(r, lo, hi);
  };
  const e8 = [-128, -127, -1, 1, 64, 127], e16 = [-32768, -32767, -1, 1, 16384, 32767];
  const mat = (n: number, m: number, f: () => number) => Array.from({ length: n }, () => (r() < 0.15 ? new Array<number>(m).fill(0) : Array.from({ length: m }, f)));
  const Wk = mat(p.dModel, p.depth, pick(e8, -128, 127));
  const zeroCol = randInt(r, 0, p.depth - 1);
  if (r() < 0.5) for (const row of Wk) row[zeroCol] = 0;
  return { X: mat(p.outputs, p.dModel, pick(e8, -128, 127)), Wk, Q: mat(p.lhsRows, p.depth, pick(e16, -32768, 32767)) };
}

const shapeArb = fc.record({
  rows: fc.integer({ min: 1, max: 5 }), cols: fc.integer({ min: 1, max: 7 }), depth: fc.integer({ min: 1, max: 9 }),
  outputs: fc.integer({ min: 1, max: 23 }), lhsRows: fc.integer({ min: 1, max: 11 }), dModel: fc.integer({ min: 1, max: 9 }),
  kShift: fc.integer({ min: 0, max: 5 }), aShift: fc.integer({ min: 0, max: 20 }),
});

describe("DLZS unit vs predictKhat / predictAhat", () => {
  test.prop([shapeArb, fc.integer({ min: 1, max: 1 << 30 }), fc.boolean()], { numRuns: 60, seed: 1618 })(
    "random shapes: every streamed word, its slot, done, and the counters",
    (p, seed, qViaPort) => {
      const r = rng(seed);
      const sim = simulate(makeDlzsUnit(p).module);
      const check = new Checker();
      try {
        runPhases(sim, p, hardOperands(r, p), check, r, { viaPorts: qViaPort });
      } finally {
        sim.close();
      }
      expect(check.failures).toEqual([]);
      expect(check.checks).toBeGreaterThan(p.outputs);
    },
  );

  it("a start while busy is ignored; a tile past the last one streams nothing but keeps the timing", () => {
    const p: DlzsUnitParams = { rows: 3, cols: 4, depth: 7, outputs: 10, lhsRows: 5, dModel: 4, kShift: 1, aShift: 9 }; // tile is 2 bits: 3 is past the 2 query tiles
    const stream = (extraStart: boolean, tile: number) => {
      const r = rng(9);
      const sim = simulate(makeDlzsUnit(p).module);
      loadResident(sim, p, hardOperands(r, p), r);
      sim.reset();
      sim.poke("mode", 1);
      sim.poke("tile", tile);
      sim.poke("start", 1);
      sim.step();
      sim.poke("start", 0);
      const out: string[] = [];
      let cycle = 1;
      while (sim.peek("done") === 0n && cycle < 200) {
        if (extraStart && cycle === 4) sim.poke("start", 1), sim.poke("tile", 0);
        if (cycle === 5) sim.poke("start", 0);
        if (sim.peek("out_valid") === 1n) out.push([cycle, sim.peek("out_row"), sim.peek("out_col"), ...Array.from({ length: p.cols }, (_, c) => sim.peek(`out_data_${c}`))].join(","));
        sim.step();
        cycle++;
      }
      sim.close();
      return { out, cycle };
    };
    const T = dlzsTileCycles(tileShape(p, 1));
    const a = stream(false, 1), b = stream(true, 1), none = stream(false, 3);
    expect(a.cycle).toBe(T);
    expect(a.out.length).toBe(2 * 3); // tile 1 has 2 real rows (queries 3, 4), 3 blocks
    expect(b).toEqual(a);
    expect(none).toEqual({ out: [], cycle: T });
  });

  it("bad parameters are errors naming the parameter", () => {
    const p: DlzsUnitParams = { rows: 8, cols: 8, depth: 16, outputs: 64, lhsRows: 16, dModel: 16, kShift: 2, aShift: 12 };
    expect(() => makeDlzsUnit({ ...p, cols: 13 })).toThrow(/cols = 13.*12/);
    expect(() => makeDlzsUnit({ ...p, rows: 0 })).toThrow(/rows = 0/);
    expect(() => makeDlzsUnit({ ...p, aShift: -1 })).toThrow(/aShift = -1/);
    expect(sofaDlzsTb.validate!({ ...defaults, cols: 20 })).toMatch(/cols = 20/);
    expect(sofaDlzsTb.validate!(defaults)).toBeUndefined();
  });
});

describe("testbench sofa-dlzs", () => {
  const paramArb = fc.record(Object.fromEntries(sofaDlzsTb.params.map((s) => [
    s.name,
    s.type === "number" ? fc.double({ min: s.verify!.min!, max: s.verify!.max!, noNaN: true }) : fc.integer({ min: s.verify!.min!, max: s.verify!.max! }),
  ])) as Record<string, fc.Arbitrary<number>>);

  test.prop([paramArb, fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 12, seed: 1619 })("passes for random parameters", async (params, seed) => {
    const r = await sofaDlzsTb.run({ params, seed });
    expect(r.failures, JSON.stringify(params)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.shiftAdds as number + (r.metrics.zeroSkips as number)).toBe(r.metrics.denseOps);
  });

  it("defaults: passes, timing as modelled, metrics in range", async () => {
    const r = await sofaDlzsTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.khatCycles).toBe(2 * 139);
    expect(r.metrics.ahatCycles).toBe(2 * 139);
    expect(r.metrics.topKRecall).toBeGreaterThan(0.5);
    expect(r.metrics.productRelErr).toBeGreaterThan(0);
    expect(r.metrics.productRelErr).toBeLessThan(0.5);
    expect(r.metrics.khatSaturated).toBe(0);
  });

  it("catches a wrong design (aShift off by one) and a corrupted memory word", async () => {
    const wrong: Testbench = { ...sofaDlzsTb, design: (q) => makeDlzsUnit({ ...dlzsUnitParams(q), aShift: Number(q.aShift) + 1 }).module };
    const r1 = await wrong.run({ params: defaults, seed: 2 });
    expect(r1.passed).toBe(false);
    expect(r1.failures[0]).toMatch(/A-hat tile 0 .*out_data/);
    // One X word (token 13, element 5: lane 5, block 1) off by one on its way into the memory.
    const r2 = await sofaDlzsTb.run({
      params: defaults, seed: 2,
      attach: (sim) => {
        const eng = sim.engine, write = eng.writeMemory.bind(eng);
        const id = sim.net.memories.find((m) => m.name.endsWith("b_mem_l5"))!.id;
        const addr = 8 * 16 + 1 * 16 + 5; // bXBase + block * dModel + i
        eng.writeMemory = (i, a, v) => write(i, a, i === id && a === addr ? v + 1n : v);
      },
    });
    expect(r2.passed).toBe(false);
    expect(r2.failures[0]).toMatch(/K-hat tile 0 .*out_data_5 = \[\d+\]\[13\]/);
  });
});
