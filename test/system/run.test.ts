/**
 * The system run (src/system/run): layer operators against the transformer's arithmetic, virtual
 * tile aggregation against per-tile simulation, and the properties every run must have: each
 * operator once, dependences and pipeline order kept, latency at least the critical path and at
 * least the work over the capacity.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { analyticCycles } from "../../src/golden/systolic.js";
import { DEFAULT_SOFTMAX } from "../../src/golden/sofa.js";
import { softmaxUnitCycles } from "../../src/golden/sofa-sufa-timing.js";
import { platformPreset } from "../../src/system/platform/index.js";
import { grid, smallModel, tiny } from "./fixtures.js";
import { runSystem, runSystemAsync } from "../../src/system/run/executor.js";
import { dieOrder, placeGroups } from "../../src/system/run/placement.js";
import { opComputeTime } from "../../src/system/run/timing.js";
import { layerMacs, layerOps } from "../../src/system/workload/ops.js";
import { modelPreset, type Phase, type TransformerSpec } from "../../src/system/workload/model.js";

describe("layer operators", () => {
  it("a Llama-2-7B layer's GEMMs are 4h^2 + 3h*ffn MACs per token plus attention, split evenly by tp", () => {
    const spec = modelPreset("llama2-7b");
    const phase: Phase = { kind: "prefill", batch: 2, seq: 256 };
    const T = 512, h = 4096, f = 11008, attn = 2 * 2 * 256 * 256 * 128 * 32;
    expect(layerMacs(layerOps(spec, phase, 1, 0))).toBe(T * (4 * h * h + 3 * h * f) + attn);
    for (const tp of [2, 4, 8, 16]) {
      expect(layerMacs(layerOps(spec, phase, tp, 0)) * tp).toBe(T * (4 * h * h + 3 * h * f) + attn);
      const weights = layerOps(spec, phase, tp, 0).reduce((s, o) => s + o.weightBytes, 0);
      expect(weights * tp).toBe((4 * h * h + 3 * h * f) * 2);
      expect(layerOps(spec, phase, tp, 0).filter((o) => o.kind === "all-reduce")).toHaveLength(2);
    }
    expect(layerOps(spec, phase, 1, 0).filter((o) => o.kind === "all-reduce")).toHaveLength(0);
    expect(() => layerOps(spec, phase, 3, 0)).toThrow(/tp = 3 does not divide the heads \(32\)/);
  });

  it("DeepSeek-V3: dense first layers, then routed and shared experts", () => {
    const spec = modelPreset("deepseek-v3");
    const phase: Phase = { kind: "decode", batch: 16, context: 100 };
    const dense = layerOps(spec, phase, 1, 2).map((o) => o.name);
    const moe = layerOps(spec, phase, 1, 3);
    expect(dense).toContain("gate+up");
    expect(moe.map((o) => o.name)).toEqual(expect.arrayContaining(["router", "experts gate+up", "experts down", "shared gate+up", "combine"]));
    // 16 tokens x top-8 = 128 slots over 128 of the 256 experts, one token each.
    expect(moe.find((o) => o.name === "experts gate+up")!.gemm).toEqual({ m: 1, n: 2 * 2048, k: 7168, count: 128 });
    expect(moe.find((o) => o.name === "experts down")!.weightBytes).toBe(256 * 2048 * 7168 * 2);
    // Expert parallelism over 8 replicas: 32 local experts, dispatch and combine all-to-alls of the
    // tokens' top-8 copies.
    const ep = layerOps(spec, phase, 1, 3, 8);
    expect(ep.find((o) => o.name === "experts down")!.weightBytes).toBe(32 * 2048 * 7168 * 2);
    expect(ep.filter((o) => o.kind === "all-to-all").map((o) => [o.name, o.bytes])).toEqual([["dispatch all-to-all", 16 * 8 * 7168 * 2], ["combine all-to-all", 16 * 8 * 7168 * 2]]);
    expect(ep.find((o) => o.name === "experts gate+up")!.gemm).toEqual({ m: 4, n: 2 * 2048, k: 7168, count: 32 });
    expect(layerOps(spec, phase, 1, 2, 8).some((o) => o.kind === "all-to-all")).toBe(false);
    expect(() => layerOps(spec, phase, 1, 3, 3)).toThrow(/ep = 3 does not divide the experts \(256\)/);
  });

  it("attention's softmax takes the SOFA softmax units' cycles where the tile has them, else the roofline", () => {
    // 2 sequences x 32 heads x 1 query row = 64 rows of 11 scores, over tiny-2x2's two 8-lane units.
    const op = layerOps(modelPreset("llama2-7b"), { kind: "decode", batch: 2, context: 10 }, 1, 0).find((o) => o.name === "softmax")!;
    expect(op.softmax).toEqual({ rows: 64, length: 11 });
    expect(opComputeTime(tiny, "fp16", op)).toEqual({ ns: 32 * softmaxUnitCycles(11, 8, DEFAULT_SOFTMAX.recipBits, DEFAULT_SOFTMAX.probBits), model: "softmax-unit" });
    const { softmaxUnit: _, ...plain } = tiny.tile;
    expect(opComputeTime({ ...tiny, tile: plain }, "fp16", op)).toEqual({ ns: (64 * 11 * 5) / 64, model: "roofline" });
    // A run reports the time that rests on each model.
    const r = runSystem(tiny, modelPreset("llama2-7b"), { kind: "decode", batch: 2, context: 10 }, { tp: 4, pp: 1, dp: 1, microbatches: 1 }, { spans: false });
    expect(Object.keys(r.computeNsByModel).sort()).toEqual(["pe-array", "roofline", "softmax-unit"]);
  });

  it("a GEMM operator takes the PE-array model's cycles, scaled from the array's rate to the tile's peak", () => {
    const op = layerOps(modelPreset("llama2-7b"), { kind: "decode", batch: 3, context: 10 }, 1, 0).find((o) => o.name === "o proj")!;
    const cycles = analyticCycles({ rows: 8, cols: 8, dataflow: "os", m: 3, n: 4096, k: 4096, cores: 1, tileM: 3, tileN: 4096, memLatency: 1 }).total;
    // tiny-2x2: 8x8 array at 1 GHz = 128 G ops/s, fp16 peak 64 G: twice the cycles' time.
    expect(opComputeTime(tiny, "fp16", op)).toEqual({ ns: cycles * 2, model: "pe-array" });
  });
});

describe("system runs", () => {
  const arb = fc.record({
    dies: fc.integer({ min: 1, max: 3 }),
    sram: fc.constantFrom(1 << 20, 16 << 10, 1 << 10),
    tp: fc.constantFrom(1, 2, 4),
    pp: fc.constantFrom(1, 2),
    dp: fc.constantFrom(1, 2),
    ep: fc.constantFrom(1, 2),
    mb: fc.constantFrom(1, 2),
    moe: fc.boolean(),
    decode: fc.boolean(),
  });

  test.prop([arb], { numRuns: 40 })("aggregated groups give the per-tile times with fewer events; every operator once, in order; latency bounds", (c) => {
    const p = grid(c.dies, c.sram);
    if (c.tp * c.pp * c.dp > 4 * c.dies * c.dies) return;
    const spec = smallModel(2 * c.pp, c.moe);
    const batch = 2 * c.dp * c.mb;
    const phase: Phase = c.decode ? { kind: "decode", batch, context: 8 } : { kind: "prefill", batch, seq: 4 };
    const ep = c.moe && c.dp % c.ep === 0 ? c.ep : 1;
    const mapping = { tp: c.tp, pp: c.pp, dp: c.dp, microbatches: c.mb, ep };
    const agg = runSystem(p, spec, phase, mapping);
    const per = runSystem(p, spec, phase, mapping, { aggregate: false });
    expect(agg.latencyNs).toBe(per.latencyNs);
    expect(agg.spans.map((s) => [s.op, s.start, s.end])).toEqual(per.spans.map((s) => [s.op, s.start, s.end]));
    if (c.tp > 1) expect(agg.events).toBeLessThan(per.events);

    // Each compute operator of each layer once per replica and micro-batch, in the layer's order.
    const mbPhase: Phase = { ...phase, batch: batch / (c.dp * c.mb) };
    for (let r = 0; r < c.dp; r++) {
      for (let j = 0; j < c.mb; j++) {
        for (let l = 0; l < spec.layers; l++) {
          const mine = agg.spans.filter((s) => s.replica === r && s.microbatch === j && s.layer === l && s.kind !== "fetch" && s.kind !== "send");
          expect(mine.map((s) => s.op)).toEqual(layerOps(spec, mbPhase, c.tp, l, ep).map((o) => o.name));
          for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBeGreaterThanOrEqual(mine[i - 1].end);
        }
        // A stage starts a micro-batch only after the previous stage's hand-over of it.
        for (let s = 1; s < c.pp; s++) {
          const send = agg.spans.find((x) => x.kind === "send" && x.replica === r && x.stage === s - 1 && x.microbatch === j)!;
          const firstOp = agg.spans.filter((x) => x.replica === r && x.stage === s && x.microbatch === j).reduce((a, b) => (a.start <= b.start ? a : b));
          expect(firstOp.start).toBeGreaterThanOrEqual(send.end);
        }
      }
    }
    expect(agg.latencyNs).toBeGreaterThanOrEqual(agg.criticalPathNs - 1e-6);
    expect(agg.computeUtilization).toBeLessThanOrEqual(1 + 1e-12);
    expect(agg.linkUtilization.max).toBeLessThanOrEqual(1 + 1e-12);
    expect(agg.dramUtilization).toBeLessThanOrEqual(1 + 1e-12);
  });

  it("the sliced run (progress bars) gives the same result and reports every layer", async () => {
    const args = [grid(2, 1 << 20), smallModel(4, true), { kind: "prefill", batch: 4, seq: 8 }, { tp: 2, pp: 2, dp: 2, microbatches: 2, ep: 2 }] as const;
    const seen: [number, number][] = [];
    const a = await runSystemAsync(...args, {}, (d, t) => seen.push([d, t]));
    const b = runSystem(...args);
    expect(a.latencyNs).toBe(b.latencyNs);
    expect(a.events).toBe(b.events);
    expect(seen[seen.length - 1]).toEqual([2 * 2 * 2 * 2, 2 * 2 * 2 * 2]);
  });

  it("die placement keeps a die-sized TP group on one die, and its all-reduces on the fast links", () => {
    const palm = platformPreset("palm-wafer");
    const m = { tp: 16, pp: 2, dp: 2, microbatches: 1 };
    const groups = placeGroups(palm, { ...m, placement: "die" });
    for (const g of groups.flat()) expect(new Set(g.map((t) => `${Math.floor(t.x / 4)},${Math.floor(t.y / 4)}`)).size).toBe(1);
    expect(new Set(dieOrder(palm).map((t) => `${t.x},${t.y}`)).size).toBe(320);
    // Weights that fit in SRAM (2 MB a tile), so the all-reduces are what differ: a row of 16
    // tiles crosses three die edges at 256 GB/s and wraps around over 15 hops.
    const spec: TransformerSpec = { name: "fits", hidden: 1024, heads: 16, kvHeads: 16, headDim: 64, ffn: 4096, layers: 2, precision: "fp16" };
    const phase: Phase = { kind: "prefill", batch: 2, seq: 512 };
    const die = runSystem(palm, spec, phase, { ...m, placement: "die" }, { spans: false });
    const snake = runSystem(palm, spec, phase, m, { spans: false });
    expect(die.stages.every((x) => x.choice === "act-stream")).toBe(true);
    expect(die.latencyNs).toBeLessThan(snake.latencyNs);
    expect(() => placeGroups(palm, { ...m, placement: "zigzag" as never })).toThrow(/placement 'zigzag': use snake or die/);
  });

  it("one micro-batch with nothing to share runs exactly its critical path", () => {
    const r = runSystem(grid(2, 1 << 20), smallModel(4, false), { kind: "prefill", batch: 1, seq: 8 }, { tp: 2, pp: 2, dp: 1, microbatches: 1 });
    expect(r.stages.every((s) => s.choice === "act-stream")).toBe(true);
    expect(r.latencyNs).toBeCloseTo(r.criticalPathNs, 6);
  });

  it("expert parallelism: the replicas of an EP group meet at each all-to-all and leave it together", () => {
    const r = runSystem(grid(2, 1 << 20), smallModel(2, true), { kind: "prefill", batch: 4, seq: 4 }, { tp: 2, pp: 1, dp: 4, microbatches: 1, ep: 2 });
    const a2a = r.spans.filter((s) => s.kind === "all-to-all");
    // Layer 1 is MoE: dispatch and combine, in 4 replicas.
    expect(a2a).toHaveLength(2 * 4);
    for (const op of ["dispatch all-to-all", "combine all-to-all"]) {
      for (const group of [[0, 1], [2, 3]]) {
        const ends = a2a.filter((s) => s.op === op && group.includes(s.replica)).map((s) => s.end);
        expect(ends).toHaveLength(2);
        expect(ends[0]).toBe(ends[1]);
      }
    }
    expect(r.latencyNs).toBeGreaterThanOrEqual(r.criticalPathNs);
  });

  it("weights that do not fit stream from DRAM and the run says so", () => {
    const r = runSystem(grid(1, 4 << 10), smallModel(2, false), { kind: "decode", batch: 2, context: 8 }, { tp: 1, pp: 1, dp: 1, microbatches: 1 });
    expect(r.stages[0].choice).toBe("weight-stream");
    expect(r.spans.some((s) => s.kind === "fetch")).toBe(true);
    expect(r.dramUtilization).toBeGreaterThan(0);
  });

  it("mappings that do not fit say why", () => {
    const spec = smallModel(2, false);
    expect(() => runSystem(tiny, spec, { kind: "prefill", batch: 2, seq: 4 }, { tp: 4, pp: 2, dp: 1, microbatches: 1 })).toThrow(/8 tiles, but tiny-2x2 has 4/);
    expect(() => runSystem(grid(2, 1 << 20), smallModel(3, false), { kind: "prefill", batch: 2, seq: 4 }, { tp: 1, pp: 2, dp: 1, microbatches: 1 })).toThrow(/pp = 2 does not divide the 3 layers/);
    expect(() => runSystem(tiny, spec, { kind: "prefill", batch: 3, seq: 4 }, { tp: 1, pp: 1, dp: 2, microbatches: 1 })).toThrow(/does not divide the batch of 3/);
    expect(() => runSystem(tiny, spec, { kind: "prefill", batch: 4, seq: 4 }, { tp: 1, pp: 1, dp: 2, microbatches: 1, ep: 2 })).toThrow(/ep = 2, but small has no experts/);
    expect(() => runSystem(tiny, smallModel(2, true), { kind: "prefill", batch: 4, seq: 4 }, { tp: 1, pp: 1, dp: 2, microbatches: 1, ep: 4 })).toThrow(/ep = 4 must be a whole number that divides dp = 2/);
  });
});
