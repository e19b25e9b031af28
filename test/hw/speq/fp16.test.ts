/**
 * SPEQ's FP units against the bit-exact golden (src/golden/fp16.ts): every pair of the edge sets,
 * every binary16 operand against every edge operand, hundreds of thousands of random bit patterns
 * and structured pairs (close exponents, ties) through a combinational poke/peek loop, fast-check
 * properties (shrinkable counterexamples) on both engines, the dot-product unit with bubbles and
 * back-to-back vectors, the speq-fp16 testbench on random parameters, and mutants it must catch.
 * The converters and the comparator: FP16 -> FP32 exhaustively, FP32 -> FP16 over every exponent
 * with every rounding pattern of the low fraction bits, the comparator on every pair of the edge
 * sets and on equal, negated and one-ulp-apart pairs, and fast-check on both engines.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { dotF16, f16Add, f16Mul, f16MulExactF32, f16ToF32, f32Add, f32Greater, f32ToF16 } from "../../../src/golden/fp16.js";
import { argmaxF32 } from "../../../src/golden/speq.js";
import { Module } from "../../../src/hdl/index.js";
import type { Signal } from "../../../src/hdl/index.js";
import type { Module as ModuleT } from "../../../src/hdl/index.js";
import { makeFp16Mul } from "../../../src/hw/speq/fp16-mul.js";
import { makeFp16ExactMul } from "../../../src/hw/speq/fp16-exact-mul.js";
import { makeFp16Add } from "../../../src/hw/speq/fp16-add.js";
import { makeFp32Add } from "../../../src/hw/speq/fp32-add.js";
import { FP16_MAC_LATENCY, makeFp16Mac } from "../../../src/hw/speq/fp16-mac.js";
import { makeFpUnits } from "../../../src/hw/speq/fp-units.js";
import { makeF16ToF32, makeF32ToF16 } from "../../../src/hw/speq/fp-convert.js";
import { makeF32Greater } from "../../../src/hw/speq/fp32-compare.js";
import { simulate } from "../../../src/sim/index.js";
import { rng } from "../../../src/tb/harness.js";
import { speqFp16Tb } from "../../../src/tb/speq/fp16.js";
import { EDGES16, EDGES32, EDGES_CVT32, nextCycle } from "../../../src/tb/speq/fp16-stimulus.js";
import type { Params } from "../../../src/tb/types.js";

type Golden = (a: number, b: number) => number;
interface Unit {
  readonly name: string;
  readonly make: () => ModuleT;
  readonly golden: Golden;
  readonly width: 16 | 32;
  /** The output port (y unless named). */
  readonly out?: string;
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
  const a = sim.accessor("a"), b = sim.accessor("b"), y = sim.accessor(unit.out ?? "y");
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

describe("FP converters and the FP32 comparator == golden", () => {
  type Engine = "compiled" | "interp";
  /** A combinational checker over a one- or two-input unit; returns the first few disagreements. */
  function unary(make: () => ModuleT, golden: (x: number) => number, name: string, engine: Engine = "compiled") {
    const sim = simulate(make(), { engine });
    const a = sim.accessor("a"), y = sim.accessor("y");
    const bad: string[] = [];
    let n = 0;
    return {
      check(x: number) {
        a.set(x);
        n++;
        const got = y.get(), want = golden(x);
        if (got !== want && bad.length < 5) bad.push(`${name}(${hex(x)}) = ${hex(got)}, golden ${hex(want)}`);
      },
      done() {
        sim.close();
        return { bad, n };
      },
    };
  }
  const greater = (engine: Engine = "compiled") =>
    checker({ name: "f32_gt", make: makeF32Greater, golden: (x, z) => (f32Greater(x, z) ? 1 : 0), width: 32, out: "gt" }, engine);
  const f16ToF32Unit = (engine: Engine = "compiled") => unary(makeF16ToF32, f16ToF32, "f16_to_f32", engine);
  const f32ToF16Unit = (engine: Engine = "compiled") => unary(makeF32ToF16, f32ToF16, "f32_to_f16", engine);

  it("golden: the canonical NaNs, signed zeros from binary32 subnormals, the overflow threshold 65520, ties to even", () => {
    expect(f32ToF16(0x7fc00000)).toBe(0x7e00);
    expect(f32ToF16(0xffc00001)).toBe(0x7e00); // any NaN, either sign -> 0x7e00
    expect(f32ToF16(0x80000001)).toBe(0x8000);
    expect(f32ToF16(0x477fefff)).toBe(0x7bff); // just below 65520 -> 65504
    expect(f32ToF16(0x477ff000)).toBe(0x7c00); // 65520 ties to even: infinity
    expect(f32ToF16(0x33000000)).toBe(0x0000); // 2^-25 ties to 0
    expect(f32ToF16(0x33c00000)).toBe(0x0002); // 1.5 x 2^-24 ties to 2 x 2^-24
    expect(f32ToF16(0x387fe000)).toBe(0x0400); // 1023.5 x 2^-24 -> the smallest normal
    expect(f16ToF32(0x7c01)).toBe(0x7fc00000);
    expect(f32Greater(0x00000000, 0x80000000)).toBe(false);
    expect(f32Greater(0x7f800000, 0x7f7fffff)).toBe(true);
    expect(f32Greater(0x7fc00000, 0x3f800000) || f32Greater(0x3f800000, 0x7fc00000)).toBe(false);
  });

  for (const engine of ["compiled", "interp"] as const) {
    it(`f16 -> f32: all 65,536 inputs (${engine})`, () => {
      const c = f16ToF32Unit(engine);
      for (let h = 0; h < 0x10000; h++) c.check(h);
      const { bad, n } = c.done();
      expect(bad).toEqual([]);
      expect(n).toBe(0x10000);
    });
  }

  it("f32 -> f16: every sign and exponent with all 2^14 low fraction patterns (every guard/sticky/lsb case), under three high parts", () => {
    const c = f32ToF16Unit();
    const r = rng(1632);
    for (let sign = 0; sign < 2; sign++) for (let e = 0; e < 256; e++) {
      for (const hi of [0, 0x1ff, Math.floor(r() * 512)]) {
        for (let lo = 0; lo < 1 << 14; lo++) c.check(((sign << 31) | (e << 23) | (hi << 14) | lo) >>> 0);
      }
    }
    expect(c.done().bad).toEqual([]);
  });

  it("f32 -> f16: the edge sets and 300k random patterns (random bits and the testbench's converter operands)", () => {
    const c = f32ToF16Unit();
    for (const w of [...EDGES_CVT32, ...EDGES32]) c.check(w);
    const r = rng(1633);
    for (let i = 0; i < 150000; i++) {
      c.check(Math.floor(r() * 2 ** 32));
      c.check(nextCycle(r, i % 2 ? "random" : "edges").w);
    }
    expect(c.done().bad).toEqual([]);
  });

  it("compare: every pair of the binary32 edge sets, and 300k random pairs (equal, negated, one ulp apart, independent)", () => {
    const c = greater();
    const E = [...EDGES32, ...EDGES_CVT32];
    for (const x of E) for (const z of E) c.check(x, z);
    const r = rng(1634);
    for (let i = 0; i < 100000; i++) {
      const x = Math.floor(r() * 2 ** 32), z = Math.floor(r() * 2 ** 32);
      const v = [x, (x ^ 0x80000000) >>> 0, (x + 1) >>> 0, (x - 1) >>> 0][i % 4];
      c.check(x, v);
      c.check(v, x);
      c.check(x, z);
    }
    expect(c.done().bad).toEqual([]);
  });

  // Targeted binary32 arbitraries for the converter: values across binary16's range, binary16
  // ties (normal and subnormal, see fp16-stimulus.ts cvtTie), and near the overflow boundary.
  const bits32 = fc.integer({ min: 0, max: 0xffffffff });
  const signed = (mag: number, neg: boolean) => (mag | (neg ? 0x80000000 : 0)) >>> 0;
  const inRange = fc.tuple(fc.boolean(), fc.integer({ min: 127 - 26, max: 127 + 17 }), fc.integer({ min: 0, max: 0x7fffff }))
    .map(([neg, e, f]) => signed((e << 23) | f, neg));
  const tie16 = fc.tuple(fc.boolean(), fc.integer({ min: 102, max: 142 }), fc.integer({ min: 0, max: 0x3ff }))
    .map(([neg, e, hi]) => {
      const k = e >= 113 ? 12 : 125 - e;
      const frac = k >= 23 ? 0 : (((hi << (k + 1)) & 0x7fffff) | (1 << k)) >>> 0;
      return signed((e << 23) | frac, neg);
    });
  const nearOverflow = fc.tuple(fc.boolean(), fc.constantFrom(0x477fe000, 0x477ff000, 0x47800000), fc.integer({ min: -16, max: 16 }))
    .map(([neg, at, d]) => signed(at + d, neg));
  const cvtArb = fc.oneof(bits32, fc.constantFrom(...EDGES_CVT32), inRange, tie16, nearOverflow);

  test.prop([fc.array(cvtArb, { minLength: 1, maxLength: 500 })], { numRuns: 20 })(
    "f32 -> f16: fast-check on the compiled engine (random bits, edges, binary16 range, ties, overflow boundary)",
    (ws) => {
      const c = f32ToF16Unit();
      for (const w of ws) c.check(w);
      expect(c.done().bad).toEqual([]);
    },
  );

  test.prop([fc.array(cvtArb, { minLength: 1, maxLength: 60 })], { numRuns: 5 })(
    "f32 -> f16: fast-check on the reference interpreter",
    (ws) => {
      const c = f32ToF16Unit("interp");
      for (const w of ws) c.check(w);
      expect(c.done().bad).toEqual([]);
    },
  );

  // Comparator pairs: independent values, or a value against itself, its negation, or a neighbour.
  const val32 = fc.oneof(bits32, fc.constantFrom(...EDGES32, ...EDGES_CVT32), inRange);
  const pairArb = fc.oneof(
    fc.tuple(val32, val32),
    fc.tuple(val32, fc.integer({ min: 0, max: 3 })).map(([x, k]): [number, number] =>
      [x, [x, (x ^ 0x80000000) >>> 0, (x + 1) >>> 0, (x - 1) >>> 0][k]]),
  );

  test.prop([fc.array(pairArb, { minLength: 1, maxLength: 500 })], { numRuns: 20 })(
    "compare: fast-check pairs on the compiled engine (both orders)",
    (pairs) => {
      const c = greater();
      for (const [x, z] of pairs) {
        c.check(x, z);
        c.check(z, x);
      }
      expect(c.done().bad).toEqual([]);
    },
  );

  test.prop([fc.array(pairArb, { minLength: 1, maxLength: 60 })], { numRuns: 5 })(
    "compare: fast-check pairs on the reference interpreter",
    (pairs) => {
      const c = greater("interp");
      for (const [x, z] of pairs) c.check(x, z);
      expect(c.done().bad).toEqual([]);
    },
  );

  test.prop([fc.array(val32, { minLength: 1, maxLength: 30 })], { numRuns: 50 })(
    "compare: argmax built on the unit (best so far starts at index 0, -Inf; a logit wins only if gt) equals golden argmaxF32",
    (logits) => {
      const sim = simulate(makeF32Greater());
      let best = 0, bestW = 0xff800000;
      logits.forEach((w, i) => {
        sim.poke("a", w);
        sim.poke("b", bestW);
        if (sim.peekNumber("gt") === 1) {
          best = i;
          bestW = w;
        }
      });
      sim.close();
      expect(best).toBe(argmaxF32(logits));
    },
  );
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
  function mutant(
    name: string,
    mutate: (m: Module, real: ModuleT, out: string, ins: Record<string, Signal>) => ReturnType<ModuleT["port"]> | undefined,
  ): ModuleT {
    const m = new Module("speq_fp_units");
    const real = makeFpUnits();
    m.submodule("real", real);
    const ins: Record<string, Signal> = {};
    for (const p of ["a", "b", "c", "d", "x", "y", "in_valid", "in_first", "in_last", "w"]) {
      ins[p] = m.input(p, real.port(p).shape);
      m.comb.set(real.port(p), ins[p]);
    }
    for (const o of ["mul_y", "xmul_y", "add16_y", "add32_y", "out_valid", "out_sum", "gt_y", "h2f_y", "f2h_y"]) {
      const sig = m.output(o, real.port(o).shape);
      m.comb.set(sig, o === name ? mutate(m, real, o, ins)! : real.port(o));
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

  it("catches an FP32 -> FP16 converter that saturates at 65504 instead of overflowing (random mode aims at the threshold)", async () => {
    const wrong = mutant("f2h_y", (_m, real, _o, ins) => {
      const h = real.port("f2h_y");
      const finite = ins.w.slice(30, 23).ne(0xff);
      return finite.and(h.slice(14, 0).eq(0x7c00)).select(h.bit(15).select(0xfbff, 0x7bff), h).resize(16) as never;
    });
    const res = await runWith(wrong, "random");
    expect(res.passed).toBe(false);
    expect(res.failures[0]).toMatch(/f2h_y = f32ToF16/);
  });

  it("catches a comparator that orders -0 below +0 (only the edge cases reach it)", async () => {
    const wrong = mutant("gt_y", (_m, real, _o, ins) =>
      real.port("gt_y").or(ins.x.eq(0).and(ins.y.eq(0x80000000))) as never);
    expect((await runWith(wrong, "random")).passed).toBe(true);
    const res = await runWith(wrong, "edges");
    expect(res.passed).toBe(false);
    expect(res.failures[0]).toMatch(/gt_y = f32Greater/);
  });

  it("catches an FP16 -> FP32 converter that flushes binary16 subnormals to zero", async () => {
    const wrong = mutant("h2f_y", (_m, real, _o, ins) =>
      ins.a.slice(14, 10).eq(0).select(ins.a.bit(15).select(0x80000000, 0), real.port("h2f_y")).resize(32) as never);
    const res = await runWith(wrong, "edges");
    expect(res.passed).toBe(false);
    expect(res.failures[0]).toMatch(/h2f_y = f16ToF32/);
  });
});

