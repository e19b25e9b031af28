/**
 * SPEQ's FP units against the bit-exact golden (src/golden/fp16.ts): every pair of the edge sets,
 * every binary16 operand against every edge operand, hundreds of thousands of random bit patterns
 * and structured pairs (close exponents, ties) through a combinational poke/peek loop, fast-check
 * properties (shrinkable counterexamples) on both engines, the dot-product unit with bubbles and
 * back-to-back vectors, the speq-fp16 testbench on random parameters, and mutants it must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { dotF16, f16Add, f16Mul, f16MulExactF32, f32Add } from "../../../src/golden/fp16.js";
import { Module } from "../../../src/hdl/index.js";
import type { Module as ModuleT } from "../../../src/hdl/index.js";
import { makeFp16Mul } from "../../../src/hw/speq/fp16-mul.js";
import { makeFp16ExactMul } from "../../../src/hw/speq/fp16-exact-mul.js";
import { makeFp16Add } from "../../../src/hw/speq/fp16-add.js";
import { makeFp32Add } from "../../../src/hw/speq/fp32-add.js";
import { FP16_MAC_LATENCY, makeFp16Mac } from "../../../src/hw/speq/fp16-mac.js";
import { makeFpUnits } from "../../../src/hw/speq/fp-units.js";
import { simulate } from "../../../src/sim/index.js";
import { rng } from "../../../src/tb/harness.js";
import { speqFp16Tb } from "../../../src/tb/speq/fp16.js";
import { EDGES16, EDGES32, nextCycle } from "../../../src/tb/speq/fp16-stimulus.js";
import type { Params } from "../../../src/tb/types.js";

type Golden = (a: number, b: number) => number;
interface Unit {
  readonly name: string;
  readonly make: () => ModuleT;
  readonly golden: Golden;
  readonly width: 16 | 32;
}
const UNITS: readonly Unit[] = [
  { name: "fp16-mul", make: makeFp16Mul, golden: f16Mul, width: 16 },
  { name: "fp16-exact-mul", make: makeFp16ExactMul, golden: f16MulExactF32, width: 16 },
  { name: "fp16-add", make: makeFp16Add, golden: f16Add, width: 16 },
  { name: "fp32-add", make: makeFp32Add, golden: f32Add, width: 32 },
];

const hex = (v: number) => "0x" + v.toString(16);

/** A combinational checker over one unit: returns the first few disagreements with the golden. */
function checker(unit: Unit, engine: "compiled" | "interp" = "compiled") {
  const sim = simulate(unit.make(), { engine });
  const a = sim.accessor("a"), b = sim.accessor("b"), y = sim.accessor("y");
  const bad: string[] = [];
  let n = 0;
  return {
    check(x: number, z: number) {
      a.set(x);
      b.set(z);
      n++;
      const got = y.get(), want = unit.golden(x, z);
      if (got !== want && bad.length < 5) bad.push(`${unit.name}(${hex(x)}, ${hex(z)}) = ${hex(got)}, golden ${hex(want)}`);
    },
    done() {
      sim.close();
      return { bad, n };
    },
  };
}

const edgesOf = (u: Unit) => (u.width === 16 ? EDGES16 : EDGES32);

describe("FP units == golden", () => {
  for (const unit of UNITS) {
    it(`${unit.name}: every pair of the edge set, and ${unit.width === 16 ? "every binary16 operand x every edge operand" : "every edge operand x 20k random operands"}`, () => {
      const c = checker(unit);
      const E = edgesOf(unit);
      for (const x of E) for (const z of E) c.check(x, z);
      if (unit.width === 16) {
        for (let x = 0; x < 65536; x++) for (const z of E) {
          c.check(x, z);
          c.check(z, x);
        }
      } else {
        const r = rng(32);
        for (let i = 0; i < 20000; i++) {
          const x = Math.floor(r() * 2 ** 32);
          for (const z of E) c.check(x, z);
        }
      }
      expect(c.done().bad).toEqual([]);
    });

    it(`${unit.name}: 300k random bit patterns and structured pairs (close exponents, ties, moderate values)`, () => {
      const c = checker(unit);
      const r = rng(7 + unit.width);
      for (let i = 0; i < 150000; i++) {
        const x = Math.floor(r() * 2 ** unit.width), z = Math.floor(r() * 2 ** unit.width);
        c.check(x, z);
        // The testbench's generators: its (a, b) pairs for the multipliers, (c, d) / (x, y) for the adders.
        const op = nextCycle(r, "random");
        if (unit.width === 32) c.check(op.x, op.y);
        else if (unit.name === "fp16-add") c.check(op.c, op.d);
        else c.check(op.a, op.b);
      }
      expect(c.done().bad).toEqual([]);
    });

    const bitsArb = fc.integer({ min: 0, max: 2 ** unit.width - 1 });
    test.prop([fc.array(fc.tuple(bitsArb, bitsArb), { minLength: 1, maxLength: 400 })], { numRuns: 10 })(
      `${unit.name}: fast-check pairs on the compiled engine`,
      (pairs) => {
        const c = checker(unit);
        for (const [x, z] of pairs) c.check(x, z);
        expect(c.done().bad).toEqual([]);
      },
    );

    const edgeOrBits = fc.oneof(fc.constantFrom(...edgesOf(unit)), bitsArb);
    test.prop([fc.array(fc.tuple(edgeOrBits, edgeOrBits), { minLength: 1, maxLength: 60 })], { numRuns: 4 })(
      `${unit.name}: fast-check pairs on the reference interpreter`,
      (pairs) => {
        const c = checker(unit, "interp");
        for (const [x, z] of pairs) c.check(x, z);
        expect(c.done().bad).toEqual([]);
      },
    );
  }
});

describe("FP16 dot-product unit == dotF16", () => {
  const f16 = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...EDGES16) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
    // moderate magnitudes so most dot products stay finite
    { weight: 4, arbitrary: fc.tuple(fc.boolean(), fc.integer({ min: 9, max: 21 }), fc.integer({ min: 0, max: 1023 })).map(([s, e, m]) => (s ? 0x8000 : 0) | (e << 10) | m) },
  );
  const vec = fc.array(fc.tuple(f16, f16), { minLength: 1, maxLength: 40 });
  test.prop([fc.array(vec, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(3), { maxLength: 50 })], { numRuns: 25 })(
    "vectors back to back or with bubbles (first/last ignored when idle): out_sum at latency 2, out_valid only then",
    (vectors, gaps) => {
      const sim = simulate(makeFp16Mac());
      const set = (v: number, f: number, l: number, a: number, b: number) => {
        sim.poke("in_valid", v); sim.poke("in_first", f); sim.poke("in_last", l); sim.poke("a", a); sim.poke("b", b);
      };
      const due = new Map<number, number>();
      const observe = () => {
        const want = due.get(sim.cycle);
        expect(sim.peekNumber("out_valid"), `out_valid at cycle ${sim.cycle}`).toBe(want === undefined ? 0 : 1);
        if (want !== undefined) expect(hex(sim.peekNumber("out_sum")), `out_sum at cycle ${sim.cycle}`).toBe(hex(want));
        due.delete(sim.cycle);
      };
      let g = 0;
      for (const v of vectors) {
        const A = v.map((p) => p[0]), B = v.map((p) => p[1]);
        v.forEach(([a, b], i) => {
          for (let k = gaps[g++ % Math.max(1, gaps.length)] ?? 0; k > 0; k--) {
            set(0, 1, 1, a, b);
            observe();
            sim.step();
          }
          const last = i === v.length - 1;
          if (last) due.set(sim.cycle + FP16_MAC_LATENCY, dotF16(A, B));
          set(1, i === 0 ? 1 : 0, last ? 1 : 0, a, b);
          observe();
          sim.step();
        });
      }
      for (let k = 0; k <= FP16_MAC_LATENCY; k++) {
        set(0, 0, 0, 0, 0);
        observe();
        sim.step();
      }
      expect(due.size).toBe(0);
      sim.close();
    },
  );
});

describe("speq-fp16 testbench", () => {
  const defaults = (): Params => Object.fromEntries(speqFp16Tb.params.map((p) => [p.name, p.default]));

  test.prop([
    fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 60 }), fc.constantFrom("random", "edges", "mixed"),
    fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  ], { numRuns: 8 })("passes for random parameters and seeds", async (vectors, length, mode, bubble, seed) => {
    const res = await speqFp16Tb.run({ params: { ...defaults(), vectors, length, mode, bubble }, seed });
    expect(res.failures).toEqual([]);
    expect(res.passed).toBe(true);
    expect(res.metrics.dots).toBe(vectors);
  });

  it("defaults hit NaN, subnormal, tie and overflow cases", async () => {
    const res = await speqFp16Tb.run({ params: defaults(), seed: 1 });
    expect(res.passed).toBe(true);
    for (const k of ["nanCases", "subnormalCases", "tieCases", "overflowCases"]) expect(res.metrics[k], k).toBeGreaterThan(10);
    expect(res.cycles).toBeGreaterThan(64 * 64);
  });

  it("rejects a bad parameter naming it", () => {
    expect(speqFp16Tb.validate!({ ...defaults(), mode: "wild" })).toMatch(/mode = wild/);
    expect(speqFp16Tb.validate!({ ...defaults(), length: 0 })).toMatch(/length = 0/);
  });

  /**
   * The real units inside a wrapper with the same ports, one output corrupted by `mutate`: the
   * testbench must notice (its comparisons can fail).
   */
  function mutant(name: string, mutate: (m: Module, real: ModuleT, out: string) => ReturnType<ModuleT["port"]> | undefined): ModuleT {
    const m = new Module("speq_fp_units");
    const real = makeFpUnits();
    m.submodule("real", real);
    for (const p of ["a", "b", "c", "d", "x", "y", "in_valid", "in_first", "in_last"]) m.comb.set(real.port(p), m.input(p, real.port(p).shape));
    for (const o of ["mul_y", "xmul_y", "add16_y", "add32_y", "out_valid", "out_sum"]) {
      const sig = m.output(o, real.port(o).shape);
      m.comb.set(sig, o === name ? mutate(m, real, o)! : real.port(o));
    }
    return m;
  }
  const runWith = (design: ModuleT, mode: string) =>
    ({ ...speqFp16Tb, design: () => design }).run({ params: { ...defaults(), mode }, seed: 3 });

  it("catches a dot product off by one ulp", async () => {
    const res = await runWith(mutant("out_sum", (_m, real) => real.port("out_sum").xor(1) as never), "random");
    expect(res.passed).toBe(false);
    expect(res.failures[0]).toMatch(/out_sum of vector 0/);
  });

  it("catches an FP32 adder that returns +0 for -0 (only the edge cases reach it)", async () => {
    const wrong = mutant("add32_y", (_m, real) => {
      const y = real.port("add32_y");
      return y.eq(0x80000000).select(0, y).resize(32) as never;
    });
    expect((await runWith(wrong, "random")).passed).toBe(true);
    const res = await runWith(wrong, "edges");
    expect(res.passed).toBe(false);
    expect(res.failures[0]).toMatch(/add32_y = f32Add/);
  });
});

