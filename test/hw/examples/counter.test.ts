/**
 * `counter` against the golden counter: random widths (1..64), wrap values and input sequences;
 * the compiled engine and the interpreter run in lockstep and must both match the golden count
 * and carry every cycle. fast-check prints the seed and the shrunk case on failure.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { counter } from "../../../src/hw/examples/counter.js";
import { counterCarry, counterNext, type CounterInputs } from "../../../src/golden/examples.js";
import { simulate } from "../../../src/sim/index.js";

const caseArb = fc
  .integer({ min: 1, max: 64 })
  .chain((width) => {
    const full = (1n << BigInt(width)) - 1n;
    const value = fc.bigInt({ min: 0n, max: full });
    // Wraps near the bottom and the top of the range, where off-by-ones live.
    const wrap = fc.oneof(fc.constant(full), fc.bigInt({ min: 0n, max: full < 20n ? full : 20n }), value);
    return fc.record({
      width: fc.constant(width),
      wrap,
      inputs: fc.array(fc.record({ enable: fc.boolean(), load: fc.integer({ min: 0, max: 7 }).map((x) => x === 0), loadValue: value }), { minLength: 1, maxLength: 80 }),
    });
  });

function check(width: number, wrap: bigint, inputs: readonly CounterInputs[]): void {
  const sims = (["compiled", "interp"] as const).map((engine) => ({ engine, sim: simulate(counter({ width, wrap }), { engine }) }));
  let count = 0n;
  for (const [t, inp] of inputs.entries()) {
    for (const { engine, sim } of sims) {
      sim.poke("enable", inp.enable ? 1 : 0);
      sim.poke("load", inp.load ? 1 : 0);
      sim.poke("load_value", inp.loadValue);
      expect(sim.peek("carry"), `${engine}: carry before edge ${t}`).toBe(counterCarry(count, inp, wrap) ? 1n : 0n);
      sim.step();
    }
    count = counterNext(count, inp, width, wrap);
    for (const { engine, sim } of sims) expect(sim.peek("count"), `${engine}: count after edge ${t}`).toBe(count);
  }
}

describe("counter == golden counter, both engines", () => {
  test.prop([caseArb], { numRuns: 150 })("random width, wrap and inputs", ({ width, wrap, inputs }) => {
    check(width, wrap, inputs);
  });

  it("counts 0..wrap and wraps, with carry at wrap", () => {
    const sim = simulate(counter({ width: 4, wrap: 5 }));
    sim.poke("enable", 1);
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      seen.push(`${sim.peek("count")}${sim.peek("carry") ? "c" : ""}`);
      sim.step();
    }
    expect(seen.join(" ")).toBe("0 1 2 3 4 5c 0 1");
  });

  it("load wins over enable, and a load above wrap counts on to the top and wraps to 0", () => {
    const sim = simulate(counter({ width: 3, wrap: 2 }));
    sim.poke("enable", 1);
    sim.poke("load", 1);
    sim.poke("load_value", 6);
    sim.step();
    expect(sim.peek("count")).toBe(6n);
    sim.poke("load", 0);
    sim.step();
    expect(sim.peek("count")).toBe(7n);
    sim.step();
    expect(sim.peek("count")).toBe(0n);
  });

  it("holds without enable, and reset returns it to 0", () => {
    const sim = simulate(counter({ width: 8 }));
    sim.poke("enable", 1);
    sim.step(3);
    sim.poke("enable", 0);
    sim.step(5);
    expect(sim.peek("count")).toBe(3n);
    sim.reset();
    expect(sim.peek("count")).toBe(0n);
  });

  it("rejects a wrap that does not fit the width, naming both", () => {
    expect(() => counter({ width: 4, wrap: 16 })).toThrow(/wrap 16 does not fit in width 4 \(0\.\.15\)/);
    expect(() => counter({ width: 0 })).toThrow(/width 0/);
  });
});
