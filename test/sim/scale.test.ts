/** Designs of 100,000+ nodes elaborate and compile without stack overflow. */
import { describe, expect, it } from "vitest";
import { Expr, Module, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

describe("scale", () => {
  it("a 120,000-deep chain of adds in one expression", () => {
    const m = new Module("chain");
    const a = m.input("a", u(16));
    const q = m.output("q", u(16));
    let e: Expr = a;
    for (let i = 0; i < 120_000; i++) e = e.add(i & 1).trunc(16);
    m.comb.set(q, e);
    const sim = simulate(m);
    sim.poke(a, 5);
    expect(sim.peek(q)).toBe(BigInt((5 + 60_000) % 65536));
  });

  it("100,000 registers in a comb/sync chain", () => {
    const m = new Module("regs");
    const a = m.input("a", u(8));
    const q = m.output("q", u(8));
    let prev: Expr = a;
    for (let i = 0; i < 50_000; i++) {
      const r = m.signal(`r${i}`, u(8));
      const c = m.signal(`c${i}`, u(8));
      m.sync.set(r, prev);
      m.comb.set(c, r.add(1).trunc(8));
      prev = c;
    }
    m.comb.set(q, prev);
    const sim = simulate(m);
    sim.poke(a, 1);
    sim.step(3);
    expect(sim.peek("r2")).toBe(3n);
    // Every register past the first two holds 3 after three edges (reset 0, +1 per stage per edge).
    expect(sim.peek(q)).toBe(4n);
  });
});
