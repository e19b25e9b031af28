/**
 * Every registered testbench, at default parameters (Icarus: its eventSimParams, where given), recorded on Tessera's simulator and
 * replayed into Verilator and Icarus on the emitted Verilog: every output agrees every cycle.
 */
import { describe, expect, test } from "vitest";
import { registry } from "../../src/tb/registry.js";
import { compareTraces, runCosim } from "../../src/verilog/cosim.js";
import { cosimTestbench, recordTestbench } from "../../src/verilog/tb-cosim.js";
import { requireTool } from "../../src/verilog/tools.js";
import { counterTb } from "../../src/tb/examples/counter.js";
import type { Testbench } from "../../src/tb/types.js";

const defaults = (tb: Testbench) => Object.fromEntries(tb.params.map((p) => [p.name, p.default]));

for (const sim of ["verilator", "icarus"] as const) {
  describe.skipIf(!requireTool(sim === "verilator" ? "verilator" : "iverilog"))(`registered testbenches under ${sim}`, () => {
    for (const tb of registry()) {
      test(tb.name, async () => {
        const params = sim === "icarus" ? { ...defaults(tb), ...tb.eventSimParams } : defaults(tb);
        const r = await cosimTestbench(tb, { params, seed: 1, sim });
        expect(r.passed, r.failures.join("\n")).toBe(true);
        expect(r.rows.length).toBeGreaterThan(10);
        expect(r.mismatch?.message ?? null).toBeNull();
      });
    }
  });
}

describe.skipIf(!requireTool("iverilog"))("the replay can fail", () => {
  test("a wrong Verilog counter is caught at the first cycle it differs", async () => {
    const rec = await recordTestbench(counterTb, { params: defaults(counterTb), seed: 3 });
    const wrong = { ...rec.spec, verilog: rec.spec.verilog.replace(/\+ (\d+)'d1;/, "+ $1'd2;") };
    expect(wrong.verilog).not.toBe(rec.spec.verilog);
    const run = await runCosim(wrong, rec.rows, { sim: "icarus" });
    const m = compareTraces(rec.ours, run);
    expect(m).not.toBeNull();
    expect(m!.message).toMatch(/first mismatch at cycle \d+/);
  });
});
