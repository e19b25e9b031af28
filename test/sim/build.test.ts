// buildAndSimulate: a design built without source locations, and built again with them only
// when an elaboration error has to name the user's lines.
import { describe, expect, it } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { CombinationalLoopError, DriverConflictError, UndrivenError, withoutSourceLocations } from "../../src/hdl/errors.js";
import { buildAndSimulate } from "../../src/sim/index.js";

/** The line of the caller of this helper in this file. */
const lineHere = () => Number(/build\.test\.ts:(\d+):/.exec(new Error().stack!.split("\n")[2])![1]);

/** What `fn` throws (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("buildAndSimulate", () => {
  it("builds once and records no locations when the design is sound", () => {
    let builds = 0, loc = "";
    const sim = buildAndSimulate(() => {
      builds++;
      const m = new Module("ok");
      const a = m.input("a", u(4));
      const q = m.output("q", u(5));
      m.sync.set(q, a.add(1));
      loc = String(q.loc);
      return m;
    });
    sim.reset();
    sim.poke("a", 6);
    sim.step();
    expect(sim.peek("q")).toBe(7n);
    expect(builds).toBe(1);
    expect(loc).toBe("<location not recorded>");
  });

  it("a driver conflict found while building names both of the user's lines", () => {
    let builds = 0;
    let l1 = 0, l2 = 0;
    const e = thrown(() => buildAndSimulate(() => {
      builds++;
      const m = new Module("t");
      const q = m.output("q", u(2));
      l1 = lineHere(); m.comb.set(q, 1);
      l2 = lineHere(); m.sync.set(q.bit(0), 0);
      return m;
    }));
    expect(e).toBeInstanceOf(DriverConflictError);
    expect(builds).toBe(2);
    expect(e.message).toContain(`driven from 'comb' at test/sim/build.test.ts:${l1}:`);
    expect(e.message).toContain(`and from 'sync' at test/sim/build.test.ts:${l2}:`);
  });

  it("errors found while compiling (a combinational loop, an undriven output) name declarations", () => {
    let la = 0;
    const loop = thrown(() => buildAndSimulate(() => {
      const m = new Module("loop");
      const q = m.output("q", u(1));
      la = lineHere(); const a = m.signal("a", u(1));
      const b = m.signal("b", u(1));
      m.comb.set(a, b);
      m.comb.set(b, a);
      m.comb.set(q, a);
      return m;
    }));
    expect(loop).toBeInstanceOf(CombinationalLoopError);
    expect(loop.message).toMatch(new RegExp(`a \\(test/sim/build\\.test\\.ts:${la}:\\d+\\)`));
    expect(loop.message).not.toContain("not recorded");

    let lq = 0;
    const undriven = thrown(() => buildAndSimulate(() => {
      const m = new Module("u");
      lq = lineHere(); m.output("never", u(3));
      return m;
    }));
    expect(undriven).toBeInstanceOf(UndrivenError);
    expect(undriven.message).toContain(`(declared at test/sim/build.test.ts:${lq}:`);
  });

  it("errors that are not elaboration errors pass through without a second build", () => {
    let builds = 0;
    const e = thrown(() => buildAndSimulate(() => {
      builds++;
      throw new RangeError("bad parameter rows=0");
    }));
    expect(e).toBeInstanceOf(RangeError);
    expect(builds).toBe(1);
  });

  it("a build that fails only the first time leaves the first error, and says its locations were not recorded", () => {
    let builds = 0;
    const e = thrown(() => buildAndSimulate(() => {
      builds++;
      const m = new Module("flaky");
      const q = m.output("q", u(1));
      m.comb.set(q, 1);
      if (builds === 1) m.sync.set(q, 0);
      return m;
    }));
    expect(e).toBeInstanceOf(DriverConflictError);
    expect(builds).toBe(2);
    expect(e.message).toContain("driven from 'comb' at <location not recorded>");
  });

  it("withoutSourceLocations restores recording afterwards, also when the build throws", () => {
    expect(() => withoutSourceLocations(() => { throw new Error("boom"); })).toThrow("boom");
    const m = new Module("after");
    const l = lineHere(); const s = m.signal("s", u(1));
    expect(String(s.loc)).toMatch(new RegExp(`^test/sim/build\\.test\\.ts:${l}:\\d+$`));
  });
});
