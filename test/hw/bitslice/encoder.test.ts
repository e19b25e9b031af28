/**
 * The bit-slice encoder against the golden sign-magnitude planes: every lane exhaustively over
 * -127..127 (the other lanes random), random columns for every m in 1..16, -128 flagged, its
 * one-cycle latency with valid/last passed along, and bad parameters refused.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { bitPlanes, groupPattern, signMagnitude } from "../../../src/golden/bitslice.js";
import { makeBitsliceEncoder } from "../../../src/hw/bitslice/encoder.js";
import { simulate } from "../../../src/sim/index.js";
import { randInt, rng } from "../../../src/tb/harness.js";
import { requireTool, verilatorLint } from "../../../src/verilog/tools.js";
import { emitDesign } from "../../../src/verilog/emit.js";

/** Apply one column (group row i = ws[i]) and read the registered patterns a cycle later. */
function encode(sim: ReturnType<typeof simulate>, ws: readonly number[], last = 0) {
  ws.forEach((w, i) => sim.poke(`in_w_${i}`, w));
  sim.poke("in_valid", 1);
  sim.poke("in_last", last);
  sim.step();
  return {
    valid: sim.peekNumber("out_valid"), last: sim.peekNumber("out_last"), bad: sim.peekNumber("out_bad"),
    sign: sim.peekNumber("out_sign"), planes: Array.from({ length: 7 }, (_, k) => sim.peekNumber(`out_plane_${k + 1}`)),
  };
}

/** The golden patterns of a column of m weights: the column as an m x 1 matrix. */
function golden(ws: readonly number[]) {
  const bp = bitPlanes(ws.map((w) => [w]));
  const m = ws.length;
  return { sign: groupPattern(bp.sign, m, 0, 0), planes: bp.planes.map((pl) => groupPattern(pl, m, 0, 0)) };
}

describe("bit-slice encoder", () => {
  for (const m of [4, 1, 3]) {
    it(`m = ${m}: every lane over -127..127 (other lanes random) == golden bitPlanes`, () => {
      const sim = simulate(makeBitsliceEncoder({ m }).module);
      sim.reset();
      const r = rng(40 + m);
      let bad = "";
      for (let lane = 0; lane < m && !bad; lane++) {
        for (let w = -127; w <= 127 && !bad; w++) {
          const ws = Array.from({ length: m }, (_, i) => (i === lane ? w : randInt(r, -127, 127)));
          const got = encode(sim, ws, w & 1), want = golden(ws);
          // The magnitude of lane `lane` read back from the planes must be |w| and its sign bit the sign.
          const bit = m - 1 - lane;
          const mag = got.planes.reduce((acc, pl, k) => acc | (((pl >> bit) & 1) << k), 0);
          if (got.sign !== want.sign || got.planes.some((pl, k) => pl !== want.planes[k]) || got.valid !== 1 || got.last !== (w & 1) || got.bad !== 0 ||
            (((got.sign >> bit) & 1) << 7 | mag) !== signMagnitude(w)) {
            bad = `lane ${lane} w ${w} (column ${ws}): sign ${got.sign} planes ${got.planes} valid ${got.valid} last ${got.last} bad ${got.bad}; want sign ${want.sign} planes ${want.planes}`;
          }
        }
      }
      expect(bad).toBe("");
      sim.close();
    });
  }

  test.prop([fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 24, seed: 4242 })(
    "random columns for m in 1..16 == golden, valid follows in_valid one cycle later", (m, seed) => {
      const sim = simulate(makeBitsliceEncoder({ m }).module);
      sim.reset();
      const r = rng(seed);
      for (let k = 0; k < 40; k++) {
        const ws = Array.from({ length: m }, () => (r() < 0.2 ? 0 : randInt(r, -127, 127)));
        const got = encode(sim, ws), want = golden(ws);
        expect(got.sign).toBe(want.sign);
        expect(got.planes).toEqual(want.planes);
        if (k % 7 === 0) {
          sim.poke("in_valid", 0);
          sim.step();
          expect(sim.peekNumber("out_valid")).toBe(0);
        }
      }
      sim.close();
    },
  );

  it("-128 (no sign-magnitude form) raises out_bad, with sign 1 and magnitude 0", () => {
    const sim = simulate(makeBitsliceEncoder({ m: 4 }).module);
    sim.reset();
    const got = encode(sim, [5, -128, -3, 0]);
    expect(got.bad).toBe(1);
    expect(got.sign).toBe(0b0110);
    expect(got.planes.map((pl) => (pl >> 2) & 1)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(encode(sim, [5, -127, -3, 0]).bad).toBe(0);
    sim.close();
  });

  it("refuses a bad m, naming it", () => {
    expect(() => makeBitsliceEncoder({ m: 0 })).toThrow(/m = 0 must be a whole number 1\.\.16/);
    expect(() => makeBitsliceEncoder({ m: 17 })).toThrow(/m = 17/);
  });

  it.skipIf(!requireTool("verilator"))("emits Verilog that Verilator lints clean (m = 4)", async () => {
    const d = emitDesign(makeBitsliceEncoder({ m: 4 }).module);
    const l = await verilatorLint(d.text, d.top);
    expect(l.disallowed.map((x) => `${x.code} ${x.line}: ${x.text}`)).toEqual([]);
  });
});
