/**
 * VCD from real simulations, parsed by an independent reader (vcd-stream's wasm build): every
 * change equals what the simulator held; a testbench that throws still leaves a complete file.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Module, s, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";
import { parseVcd, valueAt } from "../util/vcd-parse.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vcd-"));

function design() {
  const top = new Module("top");
  const a = top.input("a", s(8));
  const en = top.input("en", u(1));
  const child = new Module("acc");
  const ca = child.input("x", s(8));
  const cq = child.output("q", s(40));
  child.sync.set(cq, cq.add(ca).trunc(40));
  top.submodule("acc0", child);
  top.comb.set(ca, a);
  const wide = top.output("wide", u(70));
  top.sync.set(wide, wide.add(cq.asUnsigned().mul(3)).trunc(70));
  const f = top.fsm("ctl", { states: ["IDLE", "RUN"] as const });
  f.state("IDLE", () => top.if(en, () => f.next("RUN")));
  f.state("RUN", () => top.if(en.not(), () => f.next("IDLE")));
  const slow = top.output("slow", u(4));
  top.domain("slow").set(slow, slow.add(1).trunc(4));
  return top;
}

describe("VCD from the simulator", () => {
  for (const engine of ["compiled", "interp"] as const) {
    it(`every value change matches the simulation (${engine})`, async () => {
      const file = path.join(tmp, `sim-${engine}.vcd`);
      const sim = simulate(design(), { engine, clocks: { slow: { period: 30 } } });
      sim.traceVcd(file);
      const expected: { t: number; name: string; v: bigint }[] = [];
      const names = ["top.a", "top.acc0.q", "top.wide", "top.ctl_state", "top.slow"];
      let x = 7;
      for (let c = 0; c < 60; c++) {
        x = (x * 73 + 11) % 256;
        sim.poke("a", x - 128);
        sim.poke("en", (c >> 3) & 1);
        sim.step();
        for (const n of names) expected.push({ t: sim.time, name: n, v: sim.peek(n) });
      }
      sim.close();
      const vcd = await parseVcd(fs.readFileSync(file));
      expect(vcd.vars.map((v) => v.path)).toEqual(expect.arrayContaining(["top.clk", "top.slow_clk", "top.acc0.q", "top.ctl_state"]));
      for (const e of expected) {
        const raw = valueAt(vcd.changesOf(e.name), BigInt(e.t));
        const node = sim.node(e.name);
        expect(raw, `${e.name} at ${e.t}`).toBe(BigInt.asUintN(node.shape.width, e.v));
      }
      // The clock toggles: high at each rising edge, low at the half period.
      const clk = vcd.changesOf("top.clk");
      expect(clk.slice(0, 4)).toEqual([{ time: 0n, value: 0n }, { time: 10n, value: 1n }, { time: 15n, value: 0n }, { time: 20n, value: 1n }]);
      // Inputs poked after an edge appear at the falling edge before the next one.
      const aChanges = vcd.changesOf("top.a").map((c) => c.time % 10n);
      expect(aChanges.slice(1).every((t) => t === 5n)).toBe(true);
      const text = fs.readFileSync(file, "utf8");
      expect(text).toMatch(/\$var string 1 \S+ ctl_state_name \$end/);
      expect(text.indexOf("#0")).toBeLessThan(text.indexOf("#10"));
    });
  }

  it("a testbench that throws still leaves a complete, parseable file", async () => {
    const file = path.join(tmp, "throws.vcd");
    const sim = simulate(design());
    sim.traceVcd(file);
    try {
      sim.poke("en", 1);
      for (let c = 0; c < 40; c++) {
        sim.step();
        if (c === 25) sim.expect("slow", 99); // fails
      }
    } catch {
      // expected
    } finally {
      sim.close();
    }
    const vcd = await parseVcd(fs.readFileSync(file));
    const last = vcd.changesOf("top.clk").at(-1)!;
    expect(last.time).toBe(260n);
  });

  it("filters and a cycle window", async () => {
    const file = path.join(tmp, "window.vcd");
    const sim = simulate(design());
    sim.traceVcd(file, { signals: ["top.acc0.*"], window: [10, 20] });
    sim.poke("a", 1);
    sim.step(40);
    sim.close();
    const vcd = await parseVcd(fs.readFileSync(file));
    const paths = vcd.vars.map((v) => v.path);
    expect(paths).toContain("top.acc0.q");
    expect(paths).not.toContain("top.wide");
    const q = vcd.changesOf("top.acc0.q");
    expect(q[0].time).toBe(100n);
    expect(q.at(-1)!.time).toBeLessThanOrEqual(205n);
    expect(q[0].value).toBe(10n);
  });

  it("ASCII waves for snapshot tests", () => {
    const m = new Module("cnt");
    const en = m.input("en", u(1));
    const q = m.output("q", u(4));
    m.if(en, () => m.sync.set(q, q.add(1).trunc(4)));
    const sim = simulate(m);
    sim.recordWaves(["en", "q"]);
    sim.poke("en", 1);
    sim.step(3);
    sim.poke("en", 0);
    sim.step(2);
    expect(sim.waves({ cycleWidth: 4 })).toMatchInlineSnapshot(`
      "cycle │0   1   2   3   4   5
      clk   │‾‾|_|‾|_|‾|_|‾|_|‾|_|‾|_
      en    │‾‾‾‾‾‾‾‾‾‾‾‾|___________
            │────┬───┬───┬───────────
      q     │ 0  │1  │2  │3
            │────┴───┴───┴───────────"
    `);
  });
});
