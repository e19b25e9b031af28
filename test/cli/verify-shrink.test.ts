/**
 * `tessera verify` on a testbench with a planted bug: fast-check finds it, shrinks it to the
 * smallest parameters that show it, and the outcome carries the exact replay command.
 */
import { describe, expect, it } from "vitest";
import { caseArbitrary, verifyTestbench } from "../../src/cli/commands/verify.js";
import { resolveParams } from "../../src/cli/params.js";
import { macGridTb } from "../../src/tb/examples/mac-grid.js";
import { counterTb } from "../../src/tb/examples/counter.js";
import { buggyMacGrid, withDesign } from "../tb/examples/mutants.js";
import fc from "fast-check";

describe("verify shrinks failures and prints how to replay them", () => {
  it("a PE at row 2 that ignores clear shrinks to rows=3, cols=1, k=1", async () => {
    const broken = withDesign(macGridTb, (p) => buggyMacGrid(Number(p.rows), Number(p.cols), { kind: "noClear", at: (i) => i === 2 }));
    const o = await verifyTestbench(broken, { runs: 200, seed: 4242 });
    expect(o.passed).toBe(false);
    expect(o.seed).toBe(4242);
    const ce = o.counterexample!;
    expect(ce.params).toMatchObject({ rows: 3, cols: 1, k: 1 });
    expect(o.failures![0]).toMatch(/^pe_r2_c0_acc = C\[\d+\]\[\d+\] after tile/);
    expect(o.replay).toBe(
      `tessera run mac-grid --seed ${ce.seed} ` + macGridTb.params.map((p) => `--param ${p.name}=${ce.params[p.name]}`).join(" "),
    );
    // The replay command's parameters are accepted by `tessera run` as they are.
    const args = o.replay!.split(" --param ").slice(1);
    expect(resolveParams(macGridTb, args)).toEqual(ce.params);
    // And replaying that case on the broken design fails again, deterministically.
    const again = await broken.run({ params: ce.params, seed: ce.seed });
    expect(again.passed).toBe(false);
  });

  it("draws only parameter combinations the testbench accepts, inside the verify ranges", () => {
    const draws = fc.sample(caseArbitrary(counterTb), { numRuns: 300, seed: 1 });
    for (const d of draws) {
      expect(counterTb.validate!(d.params)).toBeUndefined();
      expect(d.params.width).toBeGreaterThanOrEqual(1);
      expect(d.params.width).toBeLessThanOrEqual(16);
      expect(d.params.wrap).toBeLessThanOrEqual(300);
    }
    expect(new Set(draws.map((d) => d.params.width)).size).toBeGreaterThan(10);
  });
});
