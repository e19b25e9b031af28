/**
 * The meta-attention unit (src/hw/xyserve/meta-attention.ts) against its golden on random mixed
 * batches in all three pipelines: every output bit for bit, every tile's cycles equal to
 * metaAttentionCycles, the key counters; the `meta-attention` testbench on random parameters; the
 * 2- and 4-stage designs through Verilator lint and Yosys (the registry's lint/synth tests take
 * the default, 3-stage, one); and the cycle model's own properties.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { DEFAULT_META, type MetaPipeline } from "../../../src/golden/meta-attention.js";
import { metaAttentionCycles, metaAttentionJobs } from "../../../src/golden/meta-attention-timing.js";
import { makeMetaAttention } from "../../../src/hw/xyserve/meta-attention.js";
import { Checker, rng } from "../../../src/tb/harness.js";
import { runMetaTiles } from "../../../src/tb/xyserve/meta-attention-drive.js";
import { metaAttentionTb } from "../../../src/tb/xyserve/meta-attention.js";
import { TILE_KINDS, randomTile } from "../../../src/tb/xyserve/tiles.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { verifyTestbench } from "../../../src/cli/commands/verify.js";
import { requireTool, verilatorLint, yosysSynth } from "../../../src/verilog/tools.js";

const unitArb = fc.record({
  pipeline: fc.constantFrom<MetaPipeline>(2, 3, 4),
  headDim: fc.integer({ min: 1, max: 6 }),
  valueDim: fc.integer({ min: 1, max: 4 }),
  maxRows: fc.integer({ min: 1, max: 8 }),
  blockLog: fc.integer({ min: 0, max: 4 }),
  blocks: fc.integer({ min: 1, max: 6 }),
  split: fc.integer({ min: 1, max: 30 }),
  specLen: fc.integer({ min: 0, max: 6 }),
  scoreShift: fc.integer({ min: 14, max: 26 }),
  tiles: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe("meta-attention unit vs golden", () => {
  test.prop([unitArb], { numRuns: 40 })(
    "random mixed batches: outputs bit for bit, cycles per tile == the model, key counters",
    (u) => {
      const kvBlock = 2 ** u.blockLog, kvCap = kvBlock * u.blocks;
      const p = {
        pipeline: u.pipeline, headDim: u.headDim, valueDim: u.valueDim, maxRows: u.maxRows, kvCap, kvBlock,
        split: Math.min(u.split, kvCap), specMax: Math.max(1, u.specLen), cfg: { ...DEFAULT_META, scoreShift: u.scoreShift },
      };
      const r = rng(u.seed);
      const shape = { headDim: u.headDim, valueDim: u.valueDim, maxRows: u.maxRows, kvMax: kvCap, kvBlock, specLen: u.specLen };
      const tiles = Array.from({ length: u.tiles }, () => randomTile(r, TILE_KINDS[Math.floor(r() * 3)], shape));
      const check = new Checker();
      runMetaTiles(p, tiles, { load: "backdoor" }, check);
      expect(check.failures).toEqual([]);
      expect(check.checks).toBeGreaterThan(tiles.length * 2);
    },
  );

  it("the counters see the causal padding: a decode row at position 20 with 16-key blocks runs 32 keys, 11 zeroed", () => {
    const p = { pipeline: 2 as const, headDim: 2, valueDim: 2, maxRows: 1, kvCap: 32, kvBlock: 16, split: 8, specMax: 1 };
    const r = rng(3);
    const row = (w: number, lo: number, hi: number) => Array.from({ length: w }, () => lo + Math.floor(r() * (hi - lo + 1)));
    const tile = { q: [row(2, -9000, 9000)], k: Array.from({ length: 32 }, () => row(2, -9000, 9000)), v: Array.from({ length: 32 }, () => row(2, -128, 127)), start: 20, kvLen: 21 };
    const check = new Checker();
    const res = runMetaTiles(p, [tile], { load: "backdoor" }, check);
    expect(check.failures).toEqual([]);
    expect(res.keys).toBe(32);
    expect(res.masked).toBe(11);
  });
});

describe("meta-attention cycle model", () => {
  const timingArb = fc.record({ rows: fc.integer({ min: 1, max: 40 }), start: fc.integer({ min: 0, max: 500 }), split: fc.integer({ min: 1, max: 128 }), blockLog: fc.integer({ min: 0, max: 6 }) });

  test.prop([timingArb], { numRuns: 200 })("every stage is busy at least once per key: cycles >= keys + fill; 3-stage overlaps rows, so it beats running them one by one", (t) => {
    const kvBlock = 2 ** t.blockLog;
    for (const pipeline of [2, 3, 4] as const) {
      const s = { pipeline, rows: t.rows, start: t.start, split: t.split, kvBlock };
      const keys = metaAttentionJobs(s).reduce((a, j) => a + j.keys, 0);
      expect(metaAttentionCycles(s)).toBeGreaterThan(keys);
    }
    const three = metaAttentionCycles({ pipeline: 3, rows: t.rows, start: t.start, kvBlock });
    const serial = Array.from({ length: t.rows }, (_, r) => metaAttentionCycles({ pipeline: 3, rows: 1, start: t.start + r, kvBlock })).reduce((a, b) => a + b, 0);
    expect(three).toBeLessThanOrEqual(serial);
    if (t.rows > 1) expect(three).toBeLessThan(serial);
  });
});

describe("meta-attention testbench", () => {
  const defaults = Object.fromEntries(metaAttentionTb.params.map((p) => [p.name, p.default]));
  test.prop([fc.constantFrom("2", "3", "4"), fc.constantFrom("mixed", "verify", "prefill"), fc.integer({ min: 1, max: 2 ** 30 })], { numRuns: 6 })(
    "passes on random seeds, each pipeline, each mix",
    async (pipeline, mix, seed) => {
      const params = { ...defaults, pipeline, mix, tiles: 4, kvLen: 90, rows: 8, specLen: 5, headDim: 6, valueDim: 3, split: 20 };
      expect(metaAttentionTb.validate!(params)).toBeUndefined();
      const res = await metaAttentionTb.run({ params, seed });
      expect(res.failures).toEqual([]);
      expect(res.metrics.errorRatio).toBeLessThanOrEqual(1);
    },
  );

  it("tessera verify: 60 random parameter draws within the verify ranges pass", async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const o = await verifyTestbench(metaAttentionTb, { runs: 60, seed });
    expect(o.passed, `verify seed ${seed}: ${o.replay ?? ""} ${(o.failures ?? []).join("; ")}`).toBe(true);
  }, 120_000);

  it("refuses a verify tile that does not fit the tile's rows, naming both parameters", () => {
    expect(metaAttentionTb.validate!({ ...defaults, rows: 4, specLen: 4 })).toMatch(/specLen = 4 needs rows >= specLen \+ 1 = 5/);
  });
});

describe.skipIf(!requireTool("yosys") || !requireTool("verilator"))("meta-attention Verilog", { concurrent: true }, () => {
  for (const pipeline of [2, 4] as const) {
    test(`${pipeline}-stage: Verilator lint is clean and Yosys synthesizes it`, async () => {
      const d = emitDesign(makeMetaAttention({ pipeline, headDim: 4, valueDim: 2, maxRows: 8, kvCap: 64, kvBlock: 16, split: 16, specMax: 4 }));
      const lint = await verilatorLint(d.text, d.top);
      expect(lint.disallowed.map((m) => `${m.code} line ${m.line}: ${m.text}`)).toEqual([]);
      const r = await yosysSynth(d.text, d.top, { coarse: true });
      expect(r.ok, r.log.slice(-3000)).toBe(true);
      expect(Object.keys(r.cells).length).toBeGreaterThan(0);
    });
  }
});
