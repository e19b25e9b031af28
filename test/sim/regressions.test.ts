/** Regression tests for simulator bugs found by the Verilog co-simulation. */
import { expect, it } from "vitest";
import { Module, s, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

it("wide negative constants compile (was `(-1)n`, a SyntaxError)", () => {
  const m = new Module("t");
  const w = m.output("w", s(70));
  m.comb.set(w, -1);
  for (const engine of ["compiled", "interp"] as const) expect(simulate(m, { engine }).peek(w)).toBe(-1n);
});

it("undriven bits of a signal driven from two domains keep their reset value", () => {
  const m = new Module("t");
  const x = m.input("x", u(2));
  const y = m.signal("y", u(8), { reset: 0xf0 });
  m.comb.set(y.slice(1, 0), x);
  m.sync.set(y.slice(3, 2), x);
  const o = m.output("o", u(8));
  m.comb.set(o, y);
  for (const engine of ["compiled", "interp"] as const) {
    const sim = simulate(m, { engine });
    sim.poke(x, 1);
    sim.step();
    expect(sim.peek("t.y")).toBe(0xf5n);
  }
});
