/** The sync testbench layer: poke/peek/step/expect/stepUntil/reset, names, errors, both engines. */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { Module, s, u } from "../../src/hdl/index.js";
import { ExpectationError, simulate } from "../../src/sim/index.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`sim api properties: FC_SEED=${SEED}`);

function counter() {
  const m = new Module("counter");
  const en = m.input("en", u(1));
  const load = m.input("load", u(1));
  const value = m.input("value", u(4));
  const q = m.output("q", u(4), { reset: 2 });
  const next = m.output("next", u(4));
  m.comb.set(next, q.add(1).trunc(4));
  m.if(load, () => m.sync.set(q, value)).elif(en, () => m.sync.set(q, next));
  return m;
}

for (const engine of ["compiled", "interp"] as const) {
  describe(`sync API (${engine})`, () => {
    it("registers start at their reset value; poke settles comb before peek", () => {
      const sim = simulate(counter(), { engine });
      expect(sim.peek("q")).toBe(2n);
      expect(sim.peek("next")).toBe(3n);
      sim.poke("en", 1);
      sim.step(3);
      expect(sim.peek("q")).toBe(5n);
      expect(sim.cycle).toBe(3);
      expect(sim.time).toBe(30);
      sim.poke("load", 1);
      sim.poke("value", 15);
      expect(sim.peek("q")).toBe(5n); // nothing changes before the edge
      sim.step();
      expect(sim.peek("q")).toBe(15n);
      expect(sim.peek("counter.next")).toBe(0n); // hierarchical name, wraps
    });

    it("reset() holds reset for n edges", () => {
      const sim = simulate(counter(), { engine });
      sim.poke("en", 1);
      sim.step(5);
      sim.reset(2);
      expect(sim.peek("q")).toBe(2n);
      sim.step();
      expect(sim.peek("q")).toBe(3n);
    });

    it("expect() names signal and cycle, hex and binary of both values", () => {
      const sim = simulate(counter(), { engine });
      sim.step(4);
      expect(() => sim.expect("q", 9)).toThrow(ExpectationError);
      expect(() => sim.expect("q", 9)).toThrow("counter.q at cycle 4 (time 40): observed 2 (0x2, 0b0010), expected 9 (0x9, 0b1001)");
    });

    it("stepUntil returns the steps taken, and fails on timeout", () => {
      const sim = simulate(counter(), { engine });
      sim.poke("en", 1);
      expect(sim.stepUntil(() => sim.peek("q") === 7n, 20)).toBe(5);
      expect(() => sim.stepUntil(() => false, 3)).toThrow(/still false after 3 cycles/);
    });

    it("bad pokes and names are clear errors", () => {
      const sim = simulate(counter(), { engine });
      expect(() => sim.poke("value", 16)).toThrow(/value 16 does not fit 'counter.value' of shape u\(4\)/);
      expect(() => sim.poke("q", 1)).toThrow(/'counter.q' is a register; only top-level inputs \(rst, en, load, value\) can be driven/);
      expect(() => sim.peek("nope")).toThrow(/no signal named 'nope'/);
      expect(() => sim.peek("nex")).toThrow(/did you mean counter.next/);
      expect(() => sim.step(1, "fast")).toThrow(/no clock domain 'fast'/);
    });

    it("signed values peek as negative bigints; signed inputs accept the bit pattern", () => {
      const m = new Module("neg");
      const a = m.input("a", s(8));
      const o = m.output("o", s(9));
      m.comb.set(o, a.neg());
      const sim = simulate(m, { engine });
      sim.poke(a, -128);
      expect(sim.peek(o)).toBe(128n);
      sim.poke(a, 0xff);
      expect(sim.peek(a)).toBe(-1n);
      expect(sim.peek(o)).toBe(1n);
    });

    it("accessor: fast numeric get/set", () => {
      const sim = simulate(counter(), { engine });
      const en = sim.accessor("en"), q = sim.accessor("q");
      en.set(1);
      sim.step(2);
      expect(q.get()).toBe(4);
      expect(() => en.set(2)).toThrow(/does not fit.*u\(1\)/);
    });
  });
}

describe("clock domains", () => {
  it("domains with different periods interleave on one timeline", () => {
    const m = new Module("two");
    const fast = m.output("fast", u(16));
    const slow = m.output("slow", u(16));
    m.sync.set(fast, fast.add(1).trunc(16));
    m.domain("slow").set(slow, slow.add(1).trunc(16));
    for (const engine of ["compiled", "interp"] as const) {
      const sim = simulate(m, { engine, clocks: { sync: { period: 10 }, slow: { period: 25 } } });
      sim.step(10); // t = 100: slow edges at 25, 50, 75, 100
      expect(sim.peek(fast)).toBe(10n);
      expect(sim.peek(slow)).toBe(4n);
      sim.step(2, "slow"); // t = 150
      expect(sim.peek(slow)).toBe(6n);
      expect(sim.peek(fast)).toBe(15n);
    }
  });

  it("a signal crossing domains is sampled at the receiving edge", () => {
    const m = new Module("cdc");
    const a = m.output("a", u(8));
    const b = m.output("b", u(8));
    m.sync.set(a, a.add(1).trunc(8));
    m.domain("rx").set(b, a);
    const sim = simulate(m, { clocks: { sync: { period: 10 }, rx: { period: 30 } } });
    sim.step(3); // t=30: simultaneous edges, rx samples a's pre-edge value (2)
    expect(sim.peek(a)).toBe(3n);
    expect(sim.peek(b)).toBe(2n);
  });
});

describe("FSM", () => {
  it("state names, next and is()", () => {
    const m = new Module("fsm");
    const go = m.input("go", u(1));
    const busy = m.output("busy", u(1));
    const f = m.fsm("ctl", { states: ["IDLE", "RUN", "DONE"] as const, init: "IDLE" });
    f.state("IDLE", () => m.if(go, () => f.next("RUN")));
    f.state("RUN", () => f.next("DONE"));
    f.state("DONE", () => f.next("IDLE"));
    m.comb.set(busy, f.is("RUN"));
    expect(f.stateSignal.decoder).toEqual(["IDLE", "RUN", "DONE"]);
    const sim = simulate(m);
    sim.poke(go, 1);
    sim.step();
    expect(sim.peek(busy)).toBe(1n);
    sim.step();
    expect(sim.peek(f.stateSignal)).toBe(2n);
    // @ts-expect-error unknown state names are a type error (and a runtime error)
    expect(() => f.next("NOPE")).toThrow(/no state 'NOPE'; states are IDLE, RUN, DONE/);
  });
});

describe("hierarchy and behavioural blocks", () => {
  it("submodules are flattened with hierarchical names", () => {
    const leaf = (name: string) => {
      const c = new Module("adder");
      const x = c.input("x", u(4));
      const y = c.output("y", u(5));
      c.comb.set(y, x.add(1));
      return { c, x, y, name };
    };
    const top = new Module("top");
    const i = top.input("i", u(4));
    const o = top.output("o", u(6));
    const l0 = leaf("l0"), l1 = leaf("l1");
    top.submodule("l0", l0.c);
    top.submodule("l1", l1.c);
    top.comb.set(l0.x, i);
    top.comb.set(l1.x, l0.y.trunc(4));
    top.comb.set(o, l1.y);
    const sim = simulate(top);
    sim.poke(i, 7);
    expect(sim.peek("top.l0.y")).toBe(8n);
    expect(sim.peek(o)).toBe(9n);
  });

  it("a behavioural block ticks like registers: pre-edge inputs, outputs after the edge", () => {
    for (const engine of ["compiled", "interp"] as const) {
      const top = new Module("top");
      const seen: bigint[] = [];
      const io = top.behaviouralBlock("acc", {
        ports: { inc: { dir: "input", shape: u(4) }, total: { dir: "output", shape: u(16) } },
        tick(bio) {
          seen.push(bio.get("inc"));
          bio.set("total", bio.get("total") + bio.get("inc"));
        },
        reset(bio) {
          bio.set("total", 100);
        },
      });
      const inc = top.input("inc", u(4));
      const total = top.output("total", u(16));
      top.comb.set(io.inc, inc);
      top.comb.set(total, io.total);
      const sim = simulate(top, { engine });
      sim.poke(inc, 3);
      sim.step(2);
      expect(sim.peek(total)).toBe(6n);
      sim.reset();
      expect(sim.peek(total)).toBe(100n);
      expect(seen).toEqual([3n, 3n]);
    }
  });
});

describe("inputBank", () => {
  it("applies all values in one commit, range-checked with the signal named", () => {
    const m = new Module("bank");
    const a = m.input("a", s(8)), b = m.input("b", u(12)), c = m.input("c", u(40));
    const o = m.output("o", s(42));
    m.comb.set(o, a.add(b).add(c));
    for (const engine of ["compiled", "interp"] as const) {
      const sim = simulate(m, { engine });
      const bank = sim.inputBank([a, "b", c]);
      bank.values.set([-128, 4095, 2 ** 40 - 1]);
      bank.commit();
      expect(sim.peek(o)).toBe(BigInt(-128 + 4095 + 2 ** 40 - 1));
      bank.values[1] = 4096;
      expect(() => bank.commit()).toThrow(/values\[1\] = 4096 does not fit 'bank.b' of shape u\(12\)/);
      expect(() => sim.inputBank([o])).toThrow(/only top-level inputs/);
    }
  });

  // The compiled commit decides "fits" with one integer operation up to 31 bits: every value it
  // accepts must be exactly the whole numbers of the shape, for both signednesses and every width.
  test.prop([fc.integer({ min: 1, max: 48 }), fc.boolean(), fc.oneof(fc.integer({ min: -(2 ** 49), max: 2 ** 49 }), fc.double(), fc.constantFrom(-0, 0.5, -1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 32 - 1))], { numRuns: 300, seed: SEED })(
    "commit accepts exactly the whole numbers in the shape's range",
    (width, signed, v) => {
      const m = new Module("fits");
      const a = m.input("a", signed ? s(width) : u(width));
      m.comb.set(m.output("o", signed ? s(width) : u(width)), a);
      const sim = simulate(m, { engine: "compiled" });
      const bank = sim.inputBank([a]);
      bank.values[0] = v;
      const lo = signed ? -(2 ** (width - 1)) : 0, hi = signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
      const fits = Number.isInteger(v) && v >= lo && v <= hi;
      if (fits) {
        bank.commit();
        expect(sim.peek(a)).toBe(BigInt(v));
      } else expect(() => bank.commit()).toThrow(/does not fit 'fits.a'/);
    },
  );
});
