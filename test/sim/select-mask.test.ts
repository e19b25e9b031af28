/**
 * The compiled engine's branchless selects and its masks left out where a value already fits
 * (jsexpr.ts mux and maxOf), against the interpreter on every input of small widths: the cases
 * next to each rule's edge (a value one past the bound, 32-bit unsigned arms, signed arms).
 */
import { expect, it } from "vitest";
import { Module, mux, s, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

function design() {
  const m = new Module("t");
  const a = m.input("a", u(6)), b = m.input("b", u(6)), sa = m.input("sa", s(5));
  const outs: [string, ReturnType<typeof a.resize>][] = [
    ["andFits", a.slice(2, 0).and(b).resize(3)], // bound 7: no mask needed
    ["andWraps", a.and(b).resize(3)], // bound 63: masked to 3 bits
    ["addWraps", a.slice(2, 0).add(b.slice(1, 0)).resize(3)], // bound 10 > 7: wraps
    ["addFits", a.slice(1, 0).add(b.slice(1, 0)).resize(3)], // bound 6
    ["orSlice", a.or(b.slice(2, 0)).slice(4, 1)],
    ["shlvFits", a.slice(1, 0).shl(b.slice(1, 0)).resize(5)], // bound 3 << 3 = 24 < 32
    ["shlvWraps", a.slice(2, 0).shl(b.slice(1, 0)).resize(5)], // bound 56: wraps
    ["muxBit", mux(a.bit(0), a.slice(5, 2), b.slice(3, 0))],
    ["muxZeroF", mux(a.gt(b), b, 0)],
    ["muxZeroT", mux(a.bit(5), 0, a.add(b).resize(6))],
    ["muxSigned", mux(b.bit(1), sa, sa.neg().resize(5))],
    ["muxU32", mux(a.bit(2), a.mul(0x4000000).resize(32), b.add(0xffffffc0).resize(32))],
  ];
  const o = outs.map(([name, e]) => {
    const port = m.output(name, e.shape);
    m.comb.set(port, e);
    return port;
  });
  return { m, a, b, sa, o };
}

it("selects and narrowed values match the interpreter on every input", () => {
  const c = design(), r = design();
  const comp = simulate(c.m), interp = simulate(r.m, { engine: "interp" });
  let compared = 0;
  for (let a = 0; a < 64; a++) {
    for (let b = 0; b < 64; b++) {
      const sa = ((a * 7 + b) % 32) - 16;
      for (const [sim, d] of [[comp, c], [interp, r]] as const) {
        sim.poke(d.a, a);
        sim.poke(d.b, b);
        sim.poke(d.sa, sa);
      }
      for (let k = 0; k < c.o.length; k++) {
        expect(comp.peek(c.o[k]), `${c.o[k].name} at a=${a} b=${b} sa=${sa}`).toBe(interp.peek(r.o[k]));
        compared++;
      }
    }
  }
  expect(compared).toBe(64 * 64 * 12);
});
