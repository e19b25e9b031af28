/** Generated code is split into chunks; statements whose operands straddle a chunk boundary stay correct. */
import { expect, it } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

it("many memory write ports (more than one chunk of them)", () => {
  const m = new Module("many_writes");
  const addr = m.input("addr", u(2)), data = m.input("data", u(8));
  const outs = [];
  for (let i = 0; i < 80; i++) {
    const mem = m.memory({ name: `mem${i}`, shape: u(8), depth: 4 });
    const wp = mem.writePort();
    m.comb.set(wp.addr, addr);
    m.comb.set(wp.data, data.add(i).trunc(8));
    m.comb.set(wp.en, m.input(`we${i}`, u(1)));
    const rp = mem.readPort();
    m.comb.set(rp.addr, addr);
    const q = m.output(`q${i}`, u(8));
    m.comb.set(q, rp.data);
    outs.push(q);
  }
  for (const engine of ["compiled", "interp"] as const) {
    const sim = simulate(m, { engine });
    sim.poke("addr", 3);
    sim.poke("data", 10);
    for (const i of [0, 31, 32, 33, 79]) sim.poke(`we${i}`, 1);
    sim.step();
    for (let i = 0; i < 80; i++) expect(sim.peek(outs[i])).toBe([0, 31, 32, 33, 79].includes(i) ? BigInt(10 + i) : 0n);
  }
});
