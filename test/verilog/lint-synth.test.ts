/**
 * Real tools accept the emitted Verilog: Verilator `--lint-only -Wall` reports nothing beyond
 * the documented allowlist (src/verilog/lint-allowlist.ts), and Yosys `read_verilog; synth -top`
 * succeeds — for the emitter's test designs and for every registered testbench's design at its
 * default parameters. Large designs run synthesis up to fine-grained mapping only (see
 * yosysSynth's `coarse`); TESSERA_FULL_SYNTH=1 runs the whole flow (gemm-tiled: about 3 minutes).
 */
import { describe, expect, test } from "vitest";
import type { Module } from "../../src/hdl/index.js";
import { registry } from "../../src/tb/registry.js";
import { BehaviouralEmitError, emitDesign } from "../../src/verilog/emit.js";
import { LINT_ALLOWLIST } from "../../src/verilog/lint-allowlist.js";
import { requireTool, verilatorLint, yosysSynth } from "../../src/verilog/tools.js";
import { DESIGNS } from "./designs.js";

const cases: [string, () => Module][] = [
  ...Object.entries(DESIGNS).map(([n, f]) => [`design ${n}`, f] as [string, () => Module]),
  ...registry().map((tb) => {
    const params = Object.fromEntries(tb.params.map((p) => [p.name, p.default]));
    return [`testbench ${tb.name}`, () => tb.design(params)] as [string, () => Module];
  }),
];

/** Emit, or undefined for a design that contains a behavioural block (refused by design). */
function emitOrRefuse(make: () => Module) {
  try {
    return emitDesign(make());
  } catch (e) {
    if (e instanceof BehaviouralEmitError) return undefined;
    throw e;
  }
}

test("the lint allowlist is short and says why", () => {
  expect(LINT_ALLOWLIST.length).toBeLessThanOrEqual(4);
  for (const a of LINT_ALLOWLIST) expect(a.why.length).toBeGreaterThan(20);
});

// Concurrent: the tools run as child processes, so two cores lint and synthesize at once.
describe.skipIf(!requireTool("verilator"))("verilator --lint-only -Wall", { concurrent: true }, () => {
  for (const [name, make] of cases) {
    test(name, async () => {
      const d = emitOrRefuse(make);
      if (!d) return;
      const r = await verilatorLint(d.text, d.top);
      expect(r.disallowed.map((m) => `${m.severity} ${m.code} line ${m.line}: ${m.text}`)).toEqual([]);
    });
  }
});

// Synthesis alone takes up to 40 s a design here (speq-decode; sofa-attention 24 s), and vitest
// runs five of these at once beside another worker's tests on two cores, so one synthesis can take
// several times as long in wall time (CI once timed out sofa-attention at 120 s). The timeout is
// there to catch a hung tool, not to judge its speed.
const SYNTH_TIMEOUT_MS = 600_000;

describe.skipIf(!requireTool("yosys"))("yosys read_verilog; synth -top", { concurrent: true, timeout: SYNTH_TIMEOUT_MS }, () => {
  for (const [name, make] of cases) {
    test(name, async () => {
      const d = emitOrRefuse(make);
      if (!d) return;
      // Large designs get coarse synthesis (all RTL checks, no gate mapping: minutes saved);
      // TESSERA_FULL_SYNTH=1 runs the full flow on everything.
      const coarse = process.env.TESSERA_FULL_SYNTH !== "1" && (d.text.split("\n").length > 1600 || /\[0:(\d{4,})\];/.test(d.text));
      const r = await yosysSynth(d.text, d.top, { coarse });
      expect(r.ok, r.log.slice(-3000)).toBe(true);
      // Synthesis produced logic (a design that lost its logic would be a silent failure).
      expect(Object.keys(r.cells).length).toBeGreaterThan(0);
    });
  }
});
