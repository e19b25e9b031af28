/**
 * Activity-driven evaluation (src/sim/activity.ts, compiled.ts): every registered testbench passes
 * with it forced on (the differential fuzzing in differential.test.ts runs it on and off against
 * the interpreter and the bigint model); auto mode picks it for an idle design and keeps the full
 * evaluation for a busy one; the output bank reads what peek reads.
 */
import { describe, expect, it } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";
import type { CompiledEngine } from "../../src/sim/compiled.js";
import { registry } from "../../src/tb/registry.js";

/** A bank of `n` 16-bit shift registers fed from `d` when `en` is high, and their sum. */
function shifters(n: number): Module {
  const m = new Module("shifters");
  const en = m.input("en", u(1)), d = m.input("d", u(16));
  const sum = m.output("sum", u(24));
  let prev = d as import("../../src/hdl/index.js").Expr;
  let acc: import("../../src/hdl/index.js").Expr | undefined;
  for (let i = 0; i < n; i++) {
    const r = m.signal(`r${i}`, u(16));
    m.if(en, () => m.sync.set(r, prev));
    prev = r;
    acc = acc ? acc.add(r) : r;
  }
  m.comb.set(sum, acc!.resize(24));
  return m;
}

const state = (sim: ReturnType<typeof simulate>) => (sim.engine as CompiledEngine).activityState();

describe("activity-driven evaluation", () => {
  it("every registered testbench passes with it on, at its default parameters", async () => {
    const before = process.env.TESSERA_ACTIVITY;
    process.env.TESSERA_ACTIVITY = "on";
    try {
      for (const tb of registry()) {
        const params = Object.fromEntries(tb.params.map((p) => [p.name, p.default]));
        const r = await tb.run({ params, seed: 7, engine: "compiled" });
        expect(r.passed, `${tb.name}: ${r.failures.slice(0, 3).join("; ")}`).toBe(true);
      }
    } finally {
      if (before === undefined) delete process.env.TESSERA_ACTIVITY;
      else process.env.TESSERA_ACTIVITY = before;
    }
  }, 600_000);

  it("auto: an idle design goes to activity mode, a busy one stays on the full evaluation; both compute the same", () => {
    const idle = simulate(shifters(128), { activity: "auto" });
    const busy = simulate(shifters(128), { activity: "auto" });
    const ref = simulate(shifters(128), { activity: "off" });
    for (const s of [idle, busy, ref]) s.reset();
    let x = 1;
    // Past the first look (FIRST_PROBE_EDGES, 2^18 edges) and its probe.
    for (let c = 0; c < 300_000; c++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const v = x & 0xffff;
      busy.poke("en", 1);
      busy.poke("d", v);
      // The idle one takes a new value once every 1000 cycles and holds otherwise.
      const take = c % 1000 === 0;
      for (const s of [idle, ref]) {
        s.poke("en", take ? 1 : 0);
        if (take) s.poke("d", v);
      }
      idle.step();
      busy.step();
      ref.step();
      if (c % 997 === 0) expect(idle.peek("sum")).toBe(ref.peek("sum"));
    }
    expect(state(idle).active).toBe(true);
    expect(state(busy).active).toBe(false);
    expect(idle.peek("sum")).toBe(ref.peek("sum"));
  });

  it("the output bank reads what peek reads, in one call", () => {
    const sim = simulate(shifters(4), { activity: "on" });
    const bank = sim.outputBank(["r0", "r1", "r2", "r3", "sum"]);
    sim.reset();
    sim.poke("en", 1);
    for (const d of [5, 6, 7, 8, 9]) {
      sim.poke("d", d);
      sim.step();
      const v = bank.read();
      expect([...v]).toEqual(["r0", "r1", "r2", "r3", "sum"].map((n) => Number(sim.peek(n))));
    }
    expect(() => sim.outputBank(["nope"])).toThrow(/nope/);
  });
});
