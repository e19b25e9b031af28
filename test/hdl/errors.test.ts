/** Every elaboration error, with a test on its message: what, where, and how to mend it. */
import { describe, expect, it } from "vitest";
import {
  CombinationalLoopError, DriveInputError, DriverConflictError, ForeignSignalError, HdlError, LiteralRangeError,
  Module, UndrivenError, WidthTruncationError, constant, elaborate, s, u,
} from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

describe("elaboration errors", () => {
  it("combinational loop: prints the loop as a path of signals with source locations", () => {
    const m = new Module("loopy");
    const a = m.signal("a", u(4)), b = m.signal("b", u(4)), c = m.signal("c", u(4));
    const o = m.output("o", u(4));
    m.comb.set(a, b.add(1).trunc(4));
    m.comb.set(b, c.xor(1));
    m.comb.set(c, a);
    m.comb.set(o, c);
    let err: Error | undefined;
    try {
      simulate(m);
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(CombinationalLoopError);
    expect(err!.message).toMatch(/combinational loop: /);
    for (const n of ["loopy.a", "loopy.b", "loopy.c"]) expect(err!.message).toContain(n);
    expect(err!.message).toMatch(/errors\.test\.ts:\d+:\d+/);
    expect(err!.message).toMatch(/break the loop with a register/);
  });

  it("a location is the user's own line (mapped back to the TypeScript source), relative to the working directory", () => {
    const m = new Module("where");
    const line = Number(/errors\.test\.ts:(\d+):/.exec(new Error().stack!)![1]) + 1;
    const sig = m.signal("x", u(1));
    expect(String(sig.loc)).toMatch(new RegExp(`^test/hdl/errors\\.test\\.ts:${line}:\\d+$`));
  });

  it("every way of making a signal or driving bits records the user's line, also through HDL helpers", () => {
    // Locations are captured several ways (srcloc.ts): the caller of the HDL method when it is
    // known, one capture for a whole port declaration, the first frame outside the core when the
    // method was called from inside it (an FSM's state register), and a driver's first assignment.
    const lineHere = () => Number(/errors\.test\.ts:(\d+):/.exec(new Error().stack!.split("\n")[2])![1]);
    const at = (line: number) => new RegExp(`^test/hdl/errors\\.test\\.ts:${line}:\\d+$`);
    const m = new Module("where");
    const l1 = lineHere(); const i = m.input("i", u(2));
    const l2 = lineHere(); const o = m.output("o", u(2));
    const l3 = lineHere(); const p = m.ports({ a: { dir: "input", shape: u(1) }, b: { dir: "output", shape: u(1) } });
    const l4 = lineHere(); const f = m.fsm("f", { states: ["idle", "run"] });
    expect(String(i.loc)).toMatch(at(l1));
    expect(String(o.loc)).toMatch(at(l2));
    expect(String(p.a.loc)).toMatch(at(l3));
    expect(String(p.b.loc)).toMatch(at(l3));
    expect(String(f.stateSignal.loc)).toMatch(at(l4));
    const mem = m.memory({ name: "mem", shape: u(4), depth: 4 });
    const l7 = lineHere(); const rp = mem.readPort({ domain: "sync" });
    const l8 = lineHere(); const wp = mem.writePort();
    for (const s of [rp.addr, rp.data, rp.en]) expect(String(s.loc)).toMatch(at(l7));
    for (const s of [wp.addr, wp.data, wp.en]) expect(String(s.loc)).toMatch(at(l8));
    const l5 = lineHere(); m.comb.set(o.slice(0, 0), i.bit(0));
    let msg = "";
    try {
      m.sync.set(o, 0);
    } catch (e) {
      msg = (e as Error).message;
    }
    const l6 = lineHere() - 4;
    expect(msg).toContain(`driven from 'comb' at test/hdl/errors.test.ts:${l5}:`);
    expect(msg).toContain(`and from 'sync' at test/hdl/errors.test.ts:${l6}:`);
  });

  it("implicit truncation names both widths and the way out", () => {
    const m = new Module("t");
    const a = m.input("a", u(8));
    const q = m.output("q", u(8));
    expect(() => m.comb.set(q, a.add(1))).toThrow(WidthTruncationError);
    expect(() => m.comb.set(q, a.add(1))).toThrow(/assigning a u\(9\) value to 'q' of 8 bits would drop 1 high bits .*errors\.test\.ts.*\.trunc\(8\)/);
    m.comb.set(q, a.add(1).trunc(8)); // the explicit form is fine
  });

  it("multiple drivers: a bit driven from two domains, with both locations", () => {
    const m = new Module("t");
    const q = m.output("q", u(8));
    m.comb.set(q.slice(3, 0), 1);
    m.sync.set(q.slice(7, 4), 2); // other bits from another domain: allowed
    expect(() => m.sync.set(q.slice(4, 3), 0)).toThrow(DriverConflictError);
    expect(() => m.sync.set(q.slice(4, 3), 0)).toThrow(/signal 'q' bits \[3:3\] are driven from 'comb' at .*errors\.test\.ts:\d+:\d+ and from 'sync' at .*errors\.test\.ts/);
  });

  it("undriven output, and an undriven input of a submodule", () => {
    const m = new Module("top");
    m.output("never", u(3));
    const child = new Module("leaf");
    const ci = child.input("x", u(2));
    const co = child.output("y", u(2));
    child.comb.set(co, ci);
    m.submodule("inst", child);
    let msg = "";
    try {
      elaborate(m);
    } catch (e) {
      expect(e).toBeInstanceOf(UndrivenError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/output 'never' of top .* has undriven bits \[2:0\]/);
    expect(msg).toMatch(/input 'x' of instance top\.inst has undriven bits \[1:0\]; drive it from 'top'/);
  });

  it("driving an input", () => {
    const m = new Module("t");
    const a = m.input("a", u(4));
    expect(() => m.comb.set(a, 1)).toThrow(DriveInputError);
    expect(() => m.comb.set(a, 1)).toThrow(/module 't' drives its own input 'a' in comb .*inputs are driven by the parent module or the testbench/);
  });

  it("a signal used outside its module", () => {
    const other = new Module("other");
    const secret = other.signal("secret", u(4));
    const m = new Module("t");
    const q = m.output("q", u(4));
    expect(() => m.comb.set(q, secret)).toThrow(ForeignSignalError);
    expect(() => m.comb.set(q, secret)).toThrow(/reads signal 'secret' of module 'other' .*pass the value in through a port/);
    // Internal signals of a submodule are private too.
    const child = new Module("child");
    const inner = child.signal("inner", u(4));
    child.comb.set(inner, 3);
    m.submodule("c", child);
    expect(() => m.comb.set(q, inner)).toThrow(/reads signal 'inner' of module 'child'/);
    // Driving another module's signal.
    expect(() => m.comb.set(secret, 1)).toThrow(/drives signal 'secret' of module 'other'.*did you forget m.submodule/);
  });

  it("a literal out of range", () => {
    const m = new Module("t");
    const q = m.output("q", u(4));
    const sq = m.output("sq", s(4));
    expect(() => m.comb.set(q, 16)).toThrow(LiteralRangeError);
    expect(() => m.comb.set(q, 16)).toThrow(/literal 16 does not fit in u\(4\) \(range 0\.\.15\)/);
    expect(() => m.comb.set(sq, -9)).toThrow(/literal -9 does not fit in s\(4\) \(range -8\.\.7\)/);
    expect(() => constant(300, u(8))).toThrow(/literal 300 does not fit in u\(8\)/);
    expect(() => q.eq(99)).toThrow(LiteralRangeError);
    expect(() => m.signal("r", u(2), { reset: 5 })).toThrow(/reset value 5 of signal 'r' does not fit in u\(2\)/);
    m.comb.set(q, 15);
    m.comb.set(sq, -8);
  });

  it("a zero or negative width", () => {
    expect(() => u(0)).toThrow(/width must be a whole number >= 1, got 0/);
    expect(() => s(-3)).toThrow(/got -3/);
    expect(() => u(2.5)).toThrow(HdlError);
  });

  it("control-flow misuse", () => {
    const m = new Module("t");
    const a = m.input("a", u(2));
    const q = m.output("q", u(2));
    const chain = m.if(a.eq(0), () => m.comb.set(q, 1));
    chain.else(() => m.comb.set(q, 2));
    expect(() => chain.elif(a.eq(1), () => {})).toThrow(/elif after else/);
    const sw = m.switch(a).case(0, () => {});
    expect(() => sw.case(0, () => {})).toThrow(/switch case 0 appears twice/);
    sw.default(() => {});
    expect(() => sw.case(1, () => {})).toThrow(/case after default/);
    expect(() => m.switch(a).case(4, () => {})).toThrow(/literal 4 does not fit in u\(2\)/);
  });

  it("duplicate names and bad identifiers", () => {
    const m = new Module("t");
    m.signal("x", u(1));
    expect(() => m.signal("x", u(2))).toThrow(/name 'x' is already used in module 't'/);
    expect(() => m.signal("1bad", u(1))).toThrow(/must be an identifier/);
    expect(() => new Module("has space")).toThrow(/module name 'has space'/);
  });
});
