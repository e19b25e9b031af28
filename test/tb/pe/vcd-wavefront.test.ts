/**
 * A VCD of a small `systolic` run, read back with an independent parser: the PEs are found by
 * row and column (…core0.array.pe_r<i>_c<j>.a), and the A operand wavefront moves one column per
 * cycle along each row, each row starting one cycle after the row above.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { systolicTb } from "../../../src/tb/pe/systolic.js";
import type { Params } from "../../../src/tb/types.js";
import { parseVcd, valueAt } from "../../util/vcd-parse.js";

describe("VCD of the operand wavefront", () => {
  it("os 3x4 array: pe_r<i>_c<j>.a(t) == pe_r<i>_c0.a(t - j), and row i starts i cycles after row 0", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-pe-"));
    const file = path.join(dir, "systolic.vcd");
    try {
      const p: Params = {};
      for (const s of systolicTb.params) p[s.name] = s.default;
      Object.assign(p, { rows: 3, cols: 4, dataflow: "os", m: 3, n: 4, k: 6, aType: "int16", bType: "int16", data: "uniform" });
      const r = await systolicTb.run({ params: p, seed: 21, vcd: file, engine: "compiled" });
      expect(r.passed).toBe(true);
      const vcd = await parseVcd(fs.readFileSync(file));
      const pe = (i: number, j: number) => {
        const v = vcd.vars.find((x) => x.path.endsWith(`core0.array.pe_r${i}_c${j}.a`));
        expect(v, `pe_r${i}_c${j}.a in the VCD`).toBeDefined();
        return vcd.changesOf(v!.path);
      };
      const period = 10n, cycles = BigInt(r.cycles);
      const at = (ch: ReturnType<typeof pe>, c: bigint) => BigInt(valueAt(ch, c * period + period / 2n) ?? 0n);
      const firstNonzero = (ch: ReturnType<typeof pe>) => {
        for (let c = 0n; c < cycles; c++) if (at(ch, c) !== 0n) return c;
        return -1n;
      };
      const start0 = firstNonzero(pe(0, 0));
      expect(start0).toBeGreaterThan(0n);
      for (let i = 0; i < 3; i++) {
        const row0 = pe(i, 0);
        expect(firstNonzero(row0), `row ${i} starts ${i} cycles after row 0`).toBe(start0 + BigInt(i));
        for (let j = 1; j < 4; j++) {
          const ch = pe(i, j);
          for (let c = BigInt(j); c < cycles; c++) expect(at(ch, c), `pe_r${i}_c${j}.a at cycle ${c}`).toBe(at(row0, c - BigInt(j)));
        }
      }
      // The controller's phase shows by name.
      const phase = vcd.vars.find((x) => x.path.endsWith("engine.phase_state_name"));
      expect(phase?.type).toBe("string");
      const names = new Set(vcd.changesOf(phase!.path).map((c) => String(c.value)));
      for (const st of ["LOAD", "COMPUTE", "STORE", "DONE"]) expect(names.has(st), `phase ${st} in the VCD`).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
