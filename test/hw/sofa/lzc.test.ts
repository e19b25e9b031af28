/**
 * The leading-zero counters against golden `lz`: every 8-bit input on both engines, every 16-bit
 * input on the compiled engine (and a random sample on the interpreter), zero flags included.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { lz } from "../../../src/golden/sofa.js";
import { makeLzc16, makeLzc8 } from "../../../src/hw/sofa/lzc.js";
import { simulate } from "../../../src/sim/index.js";

describe("LZC8", () => {
  for (const engine of ["compiled", "interp"] as const) {
    it(`${engine}: all 256 inputs give lz(x, 8) and zero = (x == 0)`, () => {
      const sim = simulate(makeLzc8().module, { engine });
      const x = sim.accessor("x"), count = sim.accessor("lz"), zero = sim.accessor("zero");
      for (let v = 0; v < 256; v++) {
        x.set(v);
        expect(count.get(), `lz of ${v}`).toBe(lz(v, 8));
        expect(zero.get(), `zero of ${v}`).toBe(v === 0 ? 1 : 0);
      }
      sim.close();
    });
  }
});

describe("LZC16 (two LZC8 in series, AND-ed zero flags)", () => {
  it("compiled: all 65536 inputs give lz(x, 16) and zero = (x == 0)", () => {
    const sim = simulate(makeLzc16().module);
    const x = sim.accessor("x"), count = sim.accessor("lz"), zero = sim.accessor("zero");
    let bad = "";
    for (let v = 0; v < 65536 && !bad; v++) {
      x.set(v);
      if (count.get() !== lz(v, 16) || zero.get() !== (v === 0 ? 1 : 0)) bad = `x = ${v}: lz ${count.get()} (want ${lz(v, 16)}), zero ${zero.get()}`;
    }
    expect(bad).toBe("");
    sim.close();
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 200 })], { numRuns: 20, seed: 1601 })(
    "interp: random inputs give lz(x, 16)",
    (xs) => {
      const sim = simulate(makeLzc16().module, { engine: "interp" });
      for (const v of xs) {
        sim.poke("x", v);
        expect(sim.peekNumber("lz"), `lz of ${v}`).toBe(lz(v, 16));
        expect(sim.peekNumber("zero")).toBe(v === 0 ? 1 : 0);
      }
      sim.close();
    },
  );
});
