/**
 * The SPEQ PE array (src/hw/speq/array.ts) against the golden: for random SPEQ tensors (golden
 * `encode` of random binary16 weights in the 16-binade window, every scale `top` 0..30, so
 * subnormal weights and subnormal drafts come up) and activations with the binary16 edge values
 * mixed in, both modes' y equal golden dotF16 of decodeFullWord / decodeDraftNibble rows bit for
 * bit, busy/done follow the stated timing every cycle, and the byte counter reads exactly
 * 2 rows cols (verify) and rows cols / 2 (draft). Then mutants the check must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { DEFAULT_SPEQ, decodeDraftNibble, decodeFullWord, encode, speqCodes } from "../../../src/golden/speq.js";
import { dotF16 } from "../../../src/golden/fp16.js";
import { DEFAULT_SPEQ_ARRAY, type SpeqArrayParams, makeSpeqArray, speqArrayBytes } from "../../../src/hw/speq/array.js";
import { draftTable, fullExponentTable } from "../../../src/hw/speq/array-decode.js";
import { simulate, type Simulator } from "../../../src/sim/index.js";
import { Checker, randInt, rng } from "../../../src/tb/harness.js";
import { speqArrayTb } from "../../../src/tb/speq/array.js";
import type { Params } from "../../../src/tb/types.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { requireTool, verilatorLint } from "../../../src/verilog/tools.js";
import { loadWeights, moderateX, randomSpeqTensor, randomX, runPass, speqArrayGolden, writeX } from "../../../src/tb/speq/array-drive.js";

/** Load W and x, run verify then draft, return the checker and the byte counts. */
function both(sim: Simulator, p: SpeqArrayParams, seed: number, edgeRate = 0.15) {
  const r = rng(seed);
  const t = randomSpeqTensor(r, p.rows, p.cols, p.top, p.config);
  const x = randomX(r, p.cols, edgeRate);
  loadWeights(sim, t, p);
  writeX(sim, x);
  const ck = new Checker();
  const v = runPass(sim, p, false, speqArrayGolden(t, p.rows, p.cols, x, false), ck);
  const d = runPass(sim, p, true, speqArrayGolden(t, p.rows, p.cols, x, true), ck);
  return { ck, v, d, t, x };
}

describe("speq array: per-tensor tables", () => {
  it("the draft table equals decodeDraftNibble for every top and nibble, singles 0..5", () => {
    for (let singles = 0; singles <= 5; singles++) {
      for (let top = 0; top <= 30; top++) {
        const tab = draftTable(top, { singles });
        for (let nib = 0; nib < 16; nib++) expect(tab[nib], `singles ${singles} top ${top} nibble ${nib}`).toBe(decodeDraftNibble(nib, top, { singles }));
      }
    }
  });
  it("the exponent table rebuilds decodeFullWord for every valid word shape", () => {
    for (let singles = 0; singles <= 5; singles++) {
      const codes = speqCodes({ singles });
      for (let top = 0; top <= 30; top++) {
        const tab = fullExponentTable(top, { singles });
        codes.forEach((ds, code) => ds.forEach((d, idx) => {
          if (top - d < 0) return;
          for (const [sign, m] of [[0, 0], [1, 1023], [0, 517]]) {
            const w = (sign << 15) | (code << 12) | (idx << 10) | m;
            expect((sign << 15) | (tab[(code << 2) | idx] << 10) | m).toBe(decodeFullWord(w, top, { singles }));
          }
        }));
        const zero = encode([0x8000, top << 10], { singles }).words[0];
        expect(0x8000 | (tab[(zero >> 10) & 31] << 10) | (zero & 1023)).toBe(decodeFullWord(zero, top, { singles }));
      }
    }
  });
});

describe("speq array: both modes bit-exact vs golden", () => {
  it("defaults (16 x 16, 4 PEs, 4 lanes): every top 0..30, back-to-back passes on one simulator", () => {
    const sim = simulate(makeSpeqArray(DEFAULT_SPEQ_ARRAY));
    try {
      for (let top = 0; top <= 30; top++) {
        const p = { ...DEFAULT_SPEQ_ARRAY, top };
        // One design per top would rebuild the tables; the top-15 design's tables are only right for
        // top 15, so build per top (cheap at 16 x 16) except for the shared default.
        const s = top === 15 ? sim : simulate(makeSpeqArray(p));
        try {
          const { ck, v, d } = both(s, p, 1000 + top);
          expect(ck.failures).toEqual([]);
          expect(d.bytes * 4).toBe(v.bytes);
          expect(v.bytes).toBe(2 * p.rows * p.cols);
        } finally {
          if (s !== sim) s.close();
        }
      }
    } finally {
      sim.close();
    }
  });

  test.prop([fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(0, 0.1, 0.5, 1)], { numRuns: 12 })("random W and x at defaults, edge-heavy x", (seed, edgeRate) => {
    const sim = simulate(makeSpeqArray(DEFAULT_SPEQ_ARRAY));
    try {
      expect(both(sim, DEFAULT_SPEQ_ARRAY, seed, edgeRate).ck.failures).toEqual([]);
    } finally {
      sim.close();
    }
  });

  const shapes: Partial<SpeqArrayParams>[] = [
    { rows: 8, cols: 8, pes: 1, lanes: 2, top: 3 },
    { rows: 12, cols: 32, pes: 3, lanes: 8, top: 20 },
    { rows: 6, cols: 16, pes: 2, lanes: 16, top: 30 },
    { rows: 5, cols: 4, pes: 5, lanes: 4, top: 15 },
    { rows: 16, cols: 24, pes: 4, lanes: 4, top: 9, config: { singles: 2 } },
  ];
  for (const sp of shapes) {
    it(`shape ${JSON.stringify(sp)} on both engines`, () => {
      const p = { ...DEFAULT_SPEQ_ARRAY, ...sp };
      for (const engine of ["compiled", "interp"] as const) {
        const sim = simulate(makeSpeqArray(p), { engine });
        try {
          const { ck, v, d } = both(sim, p, 7 + p.rows, 0.2);
          expect(ck.failures).toEqual([]);
          expect(d.bytes * 4).toBe(v.bytes);
          expect(d.bytes).toBe(speqArrayBytes(p, true));
        } finally {
          sim.close();
        }
      }
    });
  }

  it("start is ignored while busy, and x can change between passes", () => {
    const p = DEFAULT_SPEQ_ARRAY;
    const sim = simulate(makeSpeqArray(p));
    try {
      const r = rng(5);
      const t = randomSpeqTensor(r, p.rows, p.cols, p.top, p.config);
      loadWeights(sim, t, p);
      for (let k = 0; k < 3; k++) {
        const x = randomX(r, p.cols, 0.1);
        writeX(sim, x);
        const ck = new Checker();
        sim.poke("mode", 1);
        sim.poke("start", 1);
        sim.step();
        // keep start high for 3 more cycles: a restart would reset the counters and move done
        sim.step(3);
        sim.poke("start", 0);
        for (let c = 4; c < (p.rows / p.pes) * (p.cols / p.lanes) + 3; c++) sim.step();
        ck.equal("done", sim.peekNumber("done"), 1);
        for (let row = 0; row < p.rows; row++) {
          sim.poke("y_addr", row);
          ck.equal(`y[${row}]`, Number(sim.peek("y_data")), speqArrayGolden(t, p.rows, p.cols, x, true)[row] >>> 0);
        }
        sim.step();
        expect(ck.failures).toEqual([]);
      }
    } finally {
      sim.close();
    }
  });
});

describe("speq array: the check catches mutants", () => {
  const p = DEFAULT_SPEQ_ARRAY;
  const fresh = () => simulate(makeSpeqArray(p));

  /** Load a random tensor, corrupt the memories with `mutate`, check both modes against the true golden. */
  function mutant(seed: number, mutate: (sim: Simulator) => void): [Checker, Checker] {
    const sim = fresh();
    try {
      const r = rng(seed);
      const t = randomSpeqTensor(r, p.rows, p.cols, p.top, p.config);
      const x = moderateX(r, p.cols);
      loadWeights(sim, t, p);
      mutate(sim);
      writeX(sim, x);
      const cv = new Checker(), cd = new Checker();
      runPass(sim, p, false, speqArrayGolden(t, p.rows, p.cols, x, false), cv);
      runPass(sim, p, true, speqArrayGolden(t, p.rows, p.cols, x, true), cd);
      return [cv, cd];
    } finally {
      sim.close();
    }
  }

  it("a flipped remainder bit fails verify only (draft mode never reads the remainders)", () => {
    // PE 2 owns rows 8..11: pair 3 is its elements 6 and 7, row 8 columns 6 and 7; bit 5 is a
    // mantissa bit of the second (column 7).
    const [cv, cd] = mutant(9, (sim) => sim.writeMemory("pe2.rest", 3, Number(sim.readMemory("pe2.rest", 3)) ^ (1 << 5)));
    expect(cv.failures).toHaveLength(1);
    expect(cv.failures[0]).toMatch(/^verify y\[8\]/);
    expect(cd.failures).toEqual([]);
  });

  it("a flipped draft sign fails both modes", () => {
    const [cv, cd] = mutant(10, (sim) => sim.writeMemory("pe1.draft", 2, Number(sim.readMemory("pe1.draft", 2)) ^ 0x8000));
    expect(cv.passed).toBe(false);
    expect(cd.passed).toBe(false);
  });

  it("a golden that sums a row in another order, or the other mode's golden, is told apart", () => {
    const sim = fresh();
    try {
      const r = rng(11);
      const t = randomSpeqTensor(r, p.rows, p.cols, p.top, p.config);
      const x = moderateX(r, p.cols);
      loadWeights(sim, t, p);
      writeX(sim, x);
      // Reverse order per row: rounding differs for random data, so some row must mismatch.
      const rev = Array.from({ length: p.rows }, (_, i) => {
        const row = t.words.slice(i * p.cols, (i + 1) * p.cols).map((w) => decodeDraftNibble(w >> 12, t.top, DEFAULT_SPEQ));
        return dotF16([...row].reverse(), [...x].reverse());
      });
      const c1 = new Checker(), c2 = new Checker();
      runPass(sim, p, true, rev, c1);
      runPass(sim, p, true, speqArrayGolden(t, p.rows, p.cols, x, false), c2);
      expect(c1.passed).toBe(false);
      expect(c2.passed).toBe(false);
    } finally {
      sim.close();
    }
  });
});

describe("speq array: parameter errors name the parameter", () => {
  it.each([
    [{ rows: 10, pes: 4 }, /rows = 10 must be a multiple of pes = 4/],
    [{ cols: 18, lanes: 4 }, /cols = 18 must be a multiple of lanes = 4/],
    [{ lanes: 6, cols: 12 }, /lanes = 6 must be a power of two/],
    [{ top: 31 }, /top = 31 must be a whole number 0..30/],
    [{ pes: 0 }, /pes = 0/],
    [{ config: { singles: 6 } }, /singles = 6/],
  ] as [Partial<SpeqArrayParams>, RegExp][])("%j", (bad, msg) => {
    expect(() => makeSpeqArray(bad)).toThrow(msg);
  });
});

describe("speq-array testbench", () => {
  const defaults: Params = Object.fromEntries(speqArrayTb.params.map((q) => [q.name, q.default]));

  it("passes at defaults with draft bytes a quarter of verify's", async () => {
    const res = await speqArrayTb.run({ params: defaults, seed: 1 });
    expect(res.failures).toEqual([]);
    expect(res.metrics.byteRatio).toBe(4);
    expect(res.metrics.verifyCycles).toBe(67);
    expect(res.metrics.draftCycles).toBe(19);
  });

  it("encodes its tensor with the design's code table (found by tessera verify: singles 0, top 0)", async () => {
    const params: Params = { ...defaults, rows: 1, cols: 2, pes: 1, lanes: 2, top: 0, singles: 0, vectors: 1, edgeRate: 0 };
    const res = await speqArrayTb.run({ params, seed: 0 });
    expect(res.failures).toEqual([]);
  });

  it("passes on random valid parameters and names bad combinations", async () => {
    const r = rng(3);
    let ran = 0;
    for (let k = 0; ran < 6 && k < 200; k++) {
      const params: Params = { ...defaults };
      for (const q of speqArrayTb.params) {
        const lo = q.verify?.min ?? q.min!, hi = q.verify?.max ?? q.max!;
        params[q.name] = q.type === "int" ? randInt(r, lo, hi) : lo + r() * (hi - lo);
      }
      if (speqArrayTb.validate!(params)) continue;
      const res = await speqArrayTb.run({ params, seed: k });
      expect(res.failures, JSON.stringify(params)).toEqual([]);
      ran++;
    }
    expect(ran).toBe(6);
    expect(speqArrayTb.validate!({ ...defaults, cols: 18 })).toMatch(/cols = 18 must be a multiple of lanes = 4/);
  });
});

describe.skipIf(!requireTool("verilator"))("speq array Verilog", () => {
  it("lints clean at defaults and at 8 lanes", async () => {
    for (const p of [{}, { rows: 12, cols: 16, pes: 3, lanes: 8, top: 4 }]) {
      const d = emitDesign(makeSpeqArray(p));
      const l = await verilatorLint(d.text, d.top);
      expect(l.disallowed.map((x) => `${x.code} ${x.line}: ${x.text}`)).toEqual([]);
    }
  });
});
