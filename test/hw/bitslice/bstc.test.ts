/**
 * BSTC against the golden models: the golden code's own properties (round trip, exact length,
 * segmentation, rejection of bad streams, word packing, the papers.md example); the RTL encoder's
 * words, segment starts, total and timing == golden on random planes and shapes; the RTL
 * decoder's patterns == golden from backdoor-filled banks at arbitrary bit offsets, with and
 * without stalls, its end positions and timing as modelled; the `mcbp-bstc` testbench on random
 * parameters and its defaults; and mutants (a corrupted bank word, a wrong design) it must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { bstcCompressionRatio, bstcDecode, bstcEncode, bstcLength, bstcSegments, groupCount, groupPattern } from "../../../src/golden/bitslice.js";
import { bstcConcat, bstcPack, bstcUnpack } from "../../../src/golden/bitslice-bstc-words.js";
import { bstcDecodeCycles, bstcEncoderWordCycles } from "../../../src/golden/bitslice-bstc-timing.js";
import { makeBstcCodec } from "../../../src/hw/bitslice/bstc-codec.js";
import { BANK_NAME, makeBstcDecoder } from "../../../src/hw/bitslice/bstc-decoder.js";
import { makeBstcEncoder } from "../../../src/hw/bitslice/bstc-encoder.js";
import { Module, mux, u } from "../../../src/hdl/index.js";
import { simulate } from "../../../src/sim/index.js";
import { Checker, randInt, rng } from "../../../src/tb/harness.js";
import { bstcPlan, decodePlan, encodeStandalone, loadBank } from "../../../src/tb/bitslice/bstc-drive.js";
import { bstcCodecParams, mcbpBstcTb, parsePlanes } from "../../../src/tb/bitslice/bstc.js";
import type { Params, Testbench } from "../../../src/tb/types.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { requireTool, verilatorLint } from "../../../src/verilog/tools.js";

type Plane = number[][];

/** A random 0/1 plane: each bit 1 with `density` (0 and 1 give the all-zero and all-one planes). */
function plane(r: () => number, rows: number, cols: number, density: number): Plane {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (r() < density ? 1 : 0)));
}

const shapeArb = fc.record({
  rows: fc.integer({ min: 1, max: 19 }),
  cols: fc.integer({ min: 1, max: 40 }),
  m: fc.integer({ min: 1, max: 8 }),
  density: fc.constantFrom(0, 1, 0.05, 0.3, 0.7),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describe("golden BSTC", () => {
  it("papers.md example: [0000,0001,0000,1010,0000,0000,0100,0000] -> 0 10001 0 11010 0 0 10100 0 (20 bits)", () => {
    const cols = [0b0000, 0b0001, 0b0000, 0b1010, 0b0000, 0b0000, 0b0100, 0b0000];
    const P = Array.from({ length: 4 }, (_, i) => cols.map((c) => (c >> (3 - i)) & 1));
    expect(bstcEncode(P, 4)).toBe("0" + "10001" + "0" + "11010" + "0" + "0" + "10100" + "0");
    expect(bstcLength(P, 4)).toBe(20);
    expect(bstcCompressionRatio(5 / 8, 4)).toBeCloseTo(32 / 20, 12);
  });

  test.prop([shapeArb], { numRuns: 300, seed: 5150 })("decode(encode(x)) == x; length == zeros + (m+1) nonzeros == bstcLength", ({ rows, cols, m, density, seed }) => {
    const P = plane(rng(seed), rows, cols, density);
    const bits = bstcEncode(P, m);
    expect(bstcDecode(bits, rows, cols, m)).toEqual(P);
    let zeros = 0, nz = 0;
    for (let g = 0; g < groupCount(rows, m); g++) for (let c = 0; c < cols; c++) groupPattern(P, m, g, c) ? nz++ : zeros++;
    expect(bits.length).toBe(zeros + (m + 1) * nz);
    expect(bstcLength(P, m)).toBe(bits.length);
    expect(m * (zeros + nz) / bits.length).toBeCloseTo(bstcCompressionRatio(zeros / (zeros + nz), m), 12);
  });

  test.prop([shapeArb, fc.integer({ min: 1, max: 45 })], { numRuns: 200, seed: 5151 })("bstcSegments: each stream encodes its column block, starts are the prefix sums", ({ rows, cols, m, density, seed }, segCols) => {
    const P = plane(rng(seed), rows, cols, density);
    const { streams, start } = bstcSegments(P, m, segCols);
    expect(streams.length).toBe(Math.ceil(cols / segCols));
    let at = 0;
    streams.forEach((s, i) => {
      const block = P.map((row) => row.slice(i * segCols, (i + 1) * segCols));
      expect(s).toBe(bstcEncode(block, m));
      expect(bstcDecode(s, rows, block[0].length, m)).toEqual(block);
      expect(start[i]).toBe(at);
      at += s.length;
    });
    expect(bstcConcat({ streams }).length).toBe(bstcLength(P, m));
  });

  it("bstcDecode rejects short, long and garbage streams and set padding rows, saying where", () => {
    const P = plane(rng(3), 6, 5, 0.4);
    const bits = bstcEncode(P, 4);
    expect(() => bstcDecode(bits.slice(0, -1), 6, 5, 4)).toThrow(/ends at bit \d+, before 6 x 5/);
    expect(() => bstcDecode(bits + "0", 6, 5, 4)).toThrow(/1 bits left over/);
    expect(() => bstcDecode("2" + bits.slice(1), 6, 5, 4)).toThrow(/character '2' at bit 0 is not 0 or 1/);
    expect(() => bstcDecode("", 6, 5, 4)).toThrow(/ends at bit 0/);
    // Rows 6, 7 of the second group are padding: a 1 there is refused (pattern 0011 sets both).
    expect(() => bstcDecode("0".repeat(5) + "10011" + "0".repeat(4), 6, 5, 4)).toThrow(/padding row 6 of group 1, column 0 is 1/);
    expect(() => bstcDecode(bits, 6, 5, 0)).toThrow(/m = 0/);
  });

  test.prop([fc.string({ unit: fc.constantFrom("0", "1"), maxLength: 300 }), fc.constantFrom(8, 16, 32, 64, 5)], { numRuns: 200, seed: 5152 })("bstcPack: MSB first, zero-padded, unpacks back", (bits, w) => {
    const words = bstcPack(bits, w);
    expect(words.length).toBe(Math.ceil(bits.length / w));
    expect(bstcUnpack(words, bits.length, w)).toBe(bits);
    if (bits.length) expect(words[0] >> BigInt(w - 1)).toBe(BigInt(bits[0]));
    if (bits.length % w) expect(words[words.length - 1] & ((1n << BigInt(w - (bits.length % w))) - 1n)).toBe(0n);
  });

  it("the encoder's word schedule: word k when its last bit is coded, a partial word at the end", () => {
    // Codes of 5, 1, 5, 5 bits into 8-bit words: word 0 completes with pattern 2 (11 bits), word 1 with pattern 3 (16).
    expect(bstcEncoderWordCycles([5, 1, 5, 5], 8)).toEqual([4, 5]);
    expect(bstcEncoderWordCycles([5, 1, 5], 8)).toEqual([4, 5]);
    // Lane 0 runs segments 0 and 2, lane 1 segments 1 and 3.
    expect(bstcDecodeCycles([8, 8, 8, 3], 2)).toEqual(2 * (8 + 2));
    expect(bstcDecodeCycles([8, 8, 3], 3)).toEqual(8 + 2);
  });
});

/** Random unit parameters and a plane for them (the decoder adds lanes, offset and stalls). */
const unitFields = {
  rows: fc.integer({ min: 1, max: 14 }),
  cols: fc.integer({ min: 1, max: 50 }),
  m: fc.integer({ min: 1, max: 7 }),
  wordBits: fc.constantFrom(8, 16, 32, 64),
  segCols: fc.integer({ min: 1, max: 24 }),
  density: fc.constantFrom(0, 1, 0.1, 0.3, 0.6),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
};
const encArb = fc.record(unitFields);

describe("RTL BSTC encoder", () => {
  test.prop([encArb], { numRuns: 40, seed: 6160 })("words, segment starts, total and timing == golden (run twice on one unit)", ({ rows, cols, m, wordBits, segCols, density, seed }) => {
    const r = rng(seed);
    const enc = makeBstcEncoder({ m, wordBits, segCols, maxCols: cols, maxGroups: groupCount(rows, m) });
    const sim = simulate(enc.module);
    sim.reset();
    const check = new Checker();
    // Two planes of the same shape back to back: the unit restarts cleanly.
    for (const d of [density, 1 - density]) {
      const P = plane(r, rows, cols, d);
      const plan = bstcPlan(P, m, segCols, wordBits);
      const out = encodeStandalone(sim, plan, check, `density ${d}`);
      expect(out.words).toEqual(plan.words);
    }
    sim.close();
    expect(check.failures).toEqual([]);
  });

  it("a narrower plane than the maximum, then an empty one (cols = 0: done at once, no words)", () => {
    const m = 4, enc = makeBstcEncoder({ m, wordBits: 16, segCols: 8, maxCols: 30, maxGroups: 5 });
    const sim = simulate(enc.module);
    sim.reset();
    const check = new Checker();
    const P = plane(rng(9), 7, 19, 0.3);
    encodeStandalone(sim, bstcPlan(P, m, 8, 16), check, "7 x 19");
    expect(check.failures).toEqual([]);
    sim.poke("cols", 0);
    sim.poke("groups", 2);
    sim.poke("start", 1);
    sim.step();
    sim.poke("start", 0);
    expect(sim.peekNumber("word_valid")).toBe(0);
    sim.step();
    expect([sim.peekNumber("done"), sim.peekNumber("total_bits"), sim.peekNumber("word_valid"), sim.peekNumber("busy")]).toEqual([1, 0, 0, 0]);
    sim.close();
  });

  it("refuses bad parameters, naming them", () => {
    const p = { m: 4, wordBits: 32, segCols: 16, maxCols: 64, maxGroups: 4 };
    expect(() => makeBstcEncoder({ ...p, wordBits: 24 })).toThrow(/wordBits = 24 must be 8, 16, 32 or 64/);
    expect(() => makeBstcEncoder({ ...p, m: 8, wordBits: 8 })).toThrow(/wordBits = 8 is narrower than one nonzero code \(m \+ 1 = 9 bits\)/);
    expect(() => makeBstcEncoder({ ...p, segCols: 0 })).toThrow(/segCols = 0/);
    expect(() => makeBstcEncoder({ ...p, m: 0 })).toThrow(/m = 0/);
    expect(() => makeBstcDecoder({ m: 4, wordBits: 32, lanes: 0, depth: 10, segCols: 8, maxGroups: 2 })).toThrow(/lanes = 0/);
    expect(() => parsePlanes("3-9")).toThrow(/planes = '3-9'.*within 1\.\.8/);
    expect(parsePlanes("3-7")).toEqual([3, 4, 5, 6, 7]);
    expect(parsePlanes("8, 1,2-3")).toEqual([1, 2, 3, 8]);
  });
});

/**
 * A decoder with `plane`'s stream at bit `offset` of its bank (the bits before it random), filled
 * through the backdoor before reset; decodes every segment and returns the checker.
 */
function decodeFromBank(P: Plane, o: { m: number; wordBits: number; segCols: number; lanes: number; offset: number; seed: number; stall: number; corrupt?: boolean }): Checker {
  const r = rng(o.seed);
  const plan = bstcPlan(P, o.m, o.segCols, o.wordBits);
  const prefix = Array.from({ length: o.offset }, () => (r() < 0.5 ? "1" : "0")).join("");
  const words = bstcPack(prefix + plan.bits, o.wordBits);
  const depth = words.length + randInt(r, 0, 3);
  const dec = makeBstcDecoder({ m: o.m, wordBits: o.wordBits, lanes: o.lanes, depth, segCols: Math.min(o.segCols, plan.cols), maxGroups: plan.groups });
  const sim = simulate(dec.module);
  // Power-up garbage after the stream must not matter.
  for (let a = 0; a < depth; a++) sim.writeMemory(BANK_NAME, a, a < words.length ? words[a] : BigInt(randInt(r, 0, 2 ** Math.min(o.wordBits, 31) - 1)));
  if (o.corrupt && plan.bits.length > 0) {
    const bit = o.offset + randInt(r, 0, plan.bits.length - 1), k = Math.floor(bit / o.wordBits);
    sim.writeMemory(BANK_NAME, k, words[k] ^ (1n << BigInt(o.wordBits - 1 - (bit % o.wordBits))));
  }
  sim.reset();
  const check = new Checker();
  const out = decodePlan(sim, plan, P, o.lanes, check, "decode", { baseBit: o.offset, ready: o.stall > 0 ? () => r() >= o.stall : undefined });
  check.ok("decoded plane == plane", out.decoded.every((row, i) => row.every((v, c) => v === P[i][c])));
  sim.close();
  return check;
}

describe("RTL BSTC decoder", () => {
  const decArb = fc.record({
    ...unitFields,
    lanes: fc.integer({ min: 1, max: 5 }),
    offset: fc.integer({ min: 0, max: 100 }),
    stall: fc.constantFrom(0, 0, 0.3),
  });

  test.prop([decArb], { numRuns: 40, seed: 7170 })("patterns == golden from any bit offset, with and without stalls; ends and timing as modelled", (a) => {
    const P = plane(rng(a.seed), a.rows, a.cols, a.density);
    const check = decodeFromBank(P, { ...a, seed: a.seed + 1 });
    expect(check.failures).toEqual([]);
  });

  it("inside a harness: lane inputs from the top, patterns read inside, ready driven by the design", () => {
    // The harness's consumer takes a pattern in two cycles of three (a counter), as a BRCR engine
    // behind the decoder might; the drive only observes ready.
    const P = plane(rng(31), 10, 37, 0.3), m = 4, W = 16, segCols = 9, lanes = 3;
    const plan = bstcPlan(P, m, segCols, W);
    const top = new Module("harness");
    const dec = makeBstcDecoder({ m, wordBits: W, lanes, depth: plan.words.length + 4, segCols, maxGroups: plan.groups });
    top.submodule("dec", dec.module);
    const tick = top.signal("tick", u(2));
    top.sync.set(tick, mux(tick.eq(2), 0, tick.add(1).trunc(2)));
    dec.lanes.forEach((l, i) => {
      for (const [n, sg] of [["start", l.start], ["addr", l.addr], ["cols", l.cols], ["groups", l.groups]] as const) top.comb.set(sg, top.input(`lane${i}_${n}`, sg.shape));
      top.comb.set(l.patReady, tick.ne(0));
    });
    for (const sg of [dec.wrEn, dec.wrAddr, dec.wrData]) top.comb.set(sg, 0);
    const sim = simulate(top);
    loadBank(sim, plan, 4, `dec.${BANK_NAME}`);
    sim.reset();
    const check = new Checker();
    const out = decodePlan(sim, plan, P, lanes, check, "harness", {
      baseBit: 4 * W, ready: "observe", port: (n) => (n.startsWith("lane") && /_(start|addr|cols|groups)$/.test(n) ? n : `dec.${n}`),
    });
    sim.close();
    expect(check.failures).toEqual([]);
    expect(out.decoded).toEqual(P);
    expect(out.cycles).toBeGreaterThan(bstcDecodeCycles(plan.segments.map((x) => x.patterns), lanes));
  });

  it("a flipped bank bit is caught (for several positions and shapes)", () => {
    let caught = 0;
    for (let s = 1; s <= 8; s++) {
      const P = plane(rng(s), 9, 23, 0.3);
      const check = decodeFromBank(P, { m: 4, wordBits: 16, segCols: 7, lanes: 2, offset: 3 * s, seed: s, stall: 0, corrupt: true });
      if (!check.passed) caught++;
      expect(check.failures.join("\n")).toMatch(/pat_data|pat_valid|lane_pos|done|decoded plane/);
    }
    expect(caught).toBe(8);
  });
});

describe("testbench mcbp-bstc", () => {
  const defaults: Params = Object.fromEntries(mcbpBstcTb.params.map((p) => [p.name, p.default]));
  const paramArb = fc.record(Object.fromEntries(mcbpBstcTb.params.map((s) => [
    s.name,
    s.type === "number" ? fc.double({ min: s.verify!.min!, max: s.verify!.max!, noNaN: true })
      : s.type === "int" ? fc.integer({ min: s.verify!.min!, max: s.verify!.max! })
        : fc.constantFrom(...(s.verify?.values ?? s.values)!),
  ])) as Record<string, fc.Arbitrary<number | string>>);

  test.prop([paramArb, fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 16, seed: 8180 })("passes for random parameters", async (params, seed) => {
    if (mcbpBstcTb.validate!(params)) return; // e.g. wordBits 8 with m = 8
    const r = await mcbpBstcTb.run({ params, seed });
    expect(r.failures, JSON.stringify(params)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.codedRatio).toBeCloseTo(r.metrics.predictedRatio as number, 3);
  });

  it("defaults: passes, cycles as modelled, compression as the golden says", async () => {
    const r = await mcbpBstcTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    // 8 x 4096, m = 4: 2 groups, 8192 patterns per plane, 4 segments of 2048 on 4 lanes; 5 planes.
    expect(r.metrics.encodeCycles).toBe(5 * (8192 + 3));
    expect(r.metrics.decodeCycles).toBe(5 * (2048 + 2));
    expect(r.metrics.segments).toBe(20);
    expect(r.metrics.compressionRatio).toBeGreaterThan(1);
    expect(r.metrics.codedRatio).toBe(r.metrics.predictedRatio);
    expect(r.metrics.bytesMoved).toBeLessThan(r.metrics.bytesRaw as number);
  });

  it("catches a wrong design (the encoder's segments twice as wide) and a corrupted bank word", async () => {
    const small: Params = { ...defaults, rows: 6, cols: 70, segCols: 16, lanes: 3 };
    const wrong: Testbench = { ...mcbpBstcTb, design: (q) => makeBstcCodec({ ...bstcCodecParams(q), segCols: 32 }) };
    const r1 = await wrong.run({ params: small, seed: 2 });
    expect(r1.passed).toBe(false);
    expect(r1.failures[0]).toMatch(/plane 3 cycle \d+: (seg_valid|word)/);
    // One bit of bank word 5 flipped (backdoor) in the cycle plane 3's encoder reports done
    // (plane 3 is coded at base 0, before the tb reads the bank back and decodes).
    const r2 = await mcbpBstcTb.run({
      params: small, seed: 2,
      attach: (sim) => {
        const done = sim.accessor("enc_done");
        let flipped = false;
        sim.addTracer({
          dump: () => {
            if (flipped || done.get() !== 1) return;
            flipped = true;
            sim.writeMemory(`dec.${BANK_NAME}`, 5, sim.readMemory(`dec.${BANK_NAME}`, 5) ^ 0x10000n);
          },
          close: () => {},
        });
      },
    });
    expect(r2.passed).toBe(false);
    expect(r2.failures.join("\n")).toMatch(/plane 3: bank word 5/);
    expect(r2.failures.join("\n")).toMatch(/plane 3 lane \d segment \d cycle \d+: (pat_data|pat_valid|lane_pos)/);
  });
});

describe.skipIf(!requireTool("verilator"))("Verilog of the units lints clean", () => {
  for (const [name, make] of [
    ["bstc_encoder", () => makeBstcEncoder({ m: 4, wordBits: 32, segCols: 1024, maxCols: 4096, maxGroups: 16 }).module],
    ["bstc_decoder", () => makeBstcDecoder({ m: 4, wordBits: 32, lanes: 4, depth: 2048, segCols: 1024, maxGroups: 16 }).module],
  ] as const) {
    it(name, async () => {
      const d = emitDesign(make());
      const l = await verilatorLint(d.text, d.top);
      expect(l.disallowed.map((x) => `${x.code} ${x.line}: ${x.text}`)).toEqual([]);
    });
  }
});
