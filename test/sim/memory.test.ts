/** Memories: read-during-write behaviour as documented in src/hdl/memory.ts. */
import { describe, expect, it } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

function ram(kind: "comb" | "sync" | "syncT", extraWriter = false) {
  const m = new Module("ram");
  const wa = m.input("wa", u(3)), wd = m.input("wd", u(8)), we = m.input("we", u(1));
  const ra = m.input("ra", u(3));
  const q = m.output("q", u(8));
  const mem = m.memory({ name: "mem", shape: u(8), depth: 6, init: [10, 11, 12] });
  const wp = mem.writePort();
  m.comb.set(wp.addr, wa);
  m.comb.set(wp.data, wd);
  m.comb.set(wp.en, we);
  if (extraWriter) {
    const wp2 = mem.writePort();
    m.comb.set(wp2.addr, wa);
    m.comb.set(wp2.data, wd.add(1).trunc(8));
    m.comb.set(wp2.en, we);
  }
  const rp = mem.readPort(kind === "comb" ? { domain: "comb" } : { domain: "sync", transparent: kind === "syncT" });
  m.comb.set(rp.addr, ra);
  m.comb.set(q, rp.data);
  return m;
}

for (const engine of ["compiled", "interp"] as const) {
  describe(`memory read-during-write (${engine})`, () => {
    it("comb read port shows the current contents, and the write right after the edge", () => {
      const sim = simulate(ram("comb"), { engine });
      sim.poke("ra", 1);
      expect(sim.peek("q")).toBe(11n);
      sim.poke("wa", 1); sim.poke("wd", 99); sim.poke("we", 1);
      expect(sim.peek("q")).toBe(11n);
      sim.step();
      expect(sim.peek("q")).toBe(99n);
    });

    it("sync read port is read-first by default", () => {
      const sim = simulate(ram("sync"), { engine });
      sim.poke("ra", 2); sim.poke("wa", 2); sim.poke("wd", 77); sim.poke("we", 1);
      sim.step();
      expect(sim.peek("q")).toBe(12n); // old contents
      sim.poke("we", 0);
      sim.step();
      expect(sim.peek("q")).toBe(77n);
    });

    it("transparent sync read port sees the data written at the same edge", () => {
      const sim = simulate(ram("syncT"), { engine });
      sim.poke("ra", 2); sim.poke("wa", 2); sim.poke("wd", 77); sim.poke("we", 1);
      sim.step();
      expect(sim.peek("q")).toBe(77n);
      sim.poke("wa", 3);
      sim.step();
      expect(sim.peek("q")).toBe(77n); // different address: contents
    });

    it("two write ports to one address: the higher-numbered port wins", () => {
      const sim = simulate(ram("comb", true), { engine });
      sim.poke("ra", 4); sim.poke("wa", 4); sim.poke("wd", 5); sim.poke("we", 1);
      sim.step();
      expect(sim.peek("q")).toBe(6n);
      expect(sim.readMemory("mem", 4)).toBe(6n);
    });

    it("out-of-range reads give 0 and writes are ignored", () => {
      const sim = simulate(ram("comb"), { engine });
      sim.poke("wa", 7); sim.poke("wd", 1); sim.poke("we", 1); sim.poke("ra", 7);
      sim.step();
      expect(sim.peek("q")).toBe(0n);
      sim.writeMemory("mem", 5, 42);
      sim.poke("ra", 5);
      expect(sim.peek("q")).toBe(42n);
    });
  });
}
