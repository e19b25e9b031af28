/**
 * Training steps in the system model: the pipeline schedules (GPipe, 1F1B) as orders, the backward
 * operators against the forward's arithmetic, the textbook pipeline time (M + P - 1) x (tf + tb)
 * on a network too fast to matter, and over random runs: each pass of each operator once, a
 * backward only after its forward and after the next stage's backward, the schedules' stashed
 * micro-batches, and latency at least the critical path.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { platformPreset } from "../../src/system/platform/index.js";
import { grid, smallModel, tiny } from "./fixtures.js";
import { runSystem } from "../../src/system/run/executor.js";
import { peakInFlight, stageSteps, type Schedule } from "../../src/system/run/schedule.js";
import { opComputeTime } from "../../src/system/run/timing.js";
import { BACKWARD_VECTOR_FACTOR, layerBackwardOps } from "../../src/system/workload/backward.js";
import { layerMacs, layerOps } from "../../src/system/workload/ops.js";
import { modelPreset, type Phase } from "../../src/system/workload/model.js";

const show = (steps: ReturnType<typeof stageSteps>) => steps.map((s) => `${s.pass[0].toUpperCase()}${s.microbatch}`).join(" ");

describe("pipeline schedules", () => {
  it("GPipe runs every forward then every backward; 1F1B warms up with P - 1 - s forwards, then alternates", () => {
    expect(show(stageSteps("gpipe", 4, 0, 3))).toBe("F0 F1 F2 B0 B1 B2");
    expect(show(stageSteps("1f1b", 4, 0, 6))).toBe("F0 F1 F2 F3 B0 F4 B1 F5 B2 B3 B4 B5");
    expect(show(stageSteps("1f1b", 4, 2, 6))).toBe("F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 B5");
    expect(show(stageSteps("1f1b", 4, 3, 6))).toBe("F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5");
    // Fewer micro-batches than stages: the warm-up is all of them.
    expect(show(stageSteps("1f1b", 4, 0, 2))).toBe("F0 F1 B0 B1");
    // Forward-only phases: the forwards in order, under either schedule.
    expect(show(stageSteps("1f1b", 4, 0, 3, false))).toBe("F0 F1 F2");
    expect(() => stageSteps("zb" as Schedule, 2, 0, 2)).toThrow(/schedule 'zb': use gpipe or 1f1b/);
  });

  test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom<Schedule>("gpipe", "1f1b")])(
    "each micro-batch once forward, once backward, forward first; stashed: GPipe M, 1F1B min(P - s, M)",
    (P, M, schedule) => {
      for (let s = 0; s < P; s++) {
        const steps = stageSteps(schedule, P, s, M);
        expect(steps).toHaveLength(2 * M);
        for (let j = 0; j < M; j++) {
          const f = steps.findIndex((x) => x.pass === "forward" && x.microbatch === j);
          const b = steps.findIndex((x) => x.pass === "backward" && x.microbatch === j);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(b).toBeGreaterThan(f);
        }
        expect(peakInFlight(steps)).toBe(schedule === "gpipe" ? M : Math.min(P - s, M));
      }
    },
  );
});

describe("backward operators", () => {
  it("twice the forward's MACs, the same collectives, vector work x BACKWARD_VECTOR_FACTOR, dependences on earlier operators", () => {
    const spec = modelPreset("deepseek-v3");
    const phase: Phase = { kind: "train", batch: 2, seq: 64 };
    for (const [tp, layer, ep] of [[1, 0, 1], [4, 0, 1], [2, 5, 8]]) {
      const fwd = layerOps(spec, phase, tp, layer, ep);
      const bwd = layerBackwardOps(fwd);
      expect(layerMacs(bwd)).toBe(2 * layerMacs(fwd));
      const count = (ops: typeof fwd, kind: string) => ops.filter((o) => o.kind === kind).length;
      for (const kind of ["all-reduce", "all-to-all"]) expect(count(bwd, kind)).toBe(count(fwd, kind));
      const vec = (ops: typeof fwd) => ops.reduce((s, o) => s + (o.vector ? o.vector.elements * o.vector.opsPerElement : 0), 0);
      expect(vec(bwd)).toBe(BACKWARD_VECTOR_FACTOR * vec(fwd));
      bwd.forEach((o, i) => {
        expect(o.id).toBe(i);
        for (const d of o.deps) expect(d).toBeLessThan(i);
      });
      // The gradient of the layer's last operator comes first; the layer's first one's last.
      expect(bwd[0].name).toBe(`${fwd[fwd.length - 1].name}${fwd[fwd.length - 1].gemm ? " dgrad" : " backward"}`);
      expect(bwd[bwd.length - 1].name).toBe("attn norm backward");
    }
    // dX = dY W^T and dW = X^T dY of the QKV projection (T = 128 tokens, h = 7168, 3 x 128 x 128 outputs).
    const qkv = layerBackwardOps(layerOps(spec, phase, 1, 0)).filter((o) => o.name.startsWith("qkv "));
    expect(qkv.map((o) => [o.name, o.gemm])).toEqual([
      ["qkv dgrad", { m: 128, n: 7168, k: 3 * 128 * 128, count: 1 }],
      ["qkv wgrad", { m: 7168, n: 3 * 128 * 128, k: 128, count: 1 }],
    ]);
  });
});

describe("training runs", () => {
  it("uniform stages on a network too fast to matter: (M + P - 1) x (tf + tb) plus the optimizer, under both schedules", () => {
    const p = grid(1, 1 << 20, { bandwidthGBps: 1e15, latencyNs: 0 });
    const P = 4, M = 6, spec = smallModel(2 * P);
    const phase: Phase = { kind: "train", batch: M, seq: 8 };
    const fwd = layerOps(spec, { ...phase, batch: 1 }, 1, 0);
    const time = (ops: typeof fwd) => ops.reduce((s, o) => s + opComputeTime(p, spec.precision, o).ns, 0);
    const tf = 2 * time(fwd), tb = 2 * time(layerBackwardOps(fwd));
    const runs = (["gpipe", "1f1b"] as const).map((schedule) => runSystem(p, spec, phase, { tp: 1, pp: P, dp: 1, microbatches: M, schedule }));
    for (const r of runs) {
      expect(r.stages.every((s) => s.choice === "act-stream")).toBe(true);
      const optimizer = r.spans.find((s) => s.stage === 0 && s.op === "optimizer step")!;
      expect(optimizer.end).toBe(r.latencyNs);
      expect(optimizer.start / ((M + P - 1) * (tf + tb))).toBeCloseTo(1, 9);
    }
    expect(runs[0].stashedMicrobatches).toEqual([6, 6, 6, 6]);
    expect(runs[1].stashedMicrobatches).toEqual([4, 3, 2, 1]);
    // Same bubble, so the same time; the schedules differ in what each stage keeps.
    expect(runs[0].latencyNs / runs[1].latencyNs).toBeCloseTo(1, 9);
  });

  const arb = fc.record({
    dies: fc.integer({ min: 1, max: 2 }),
    sram: fc.constantFrom(1 << 20, 8 << 10),
    tp: fc.constantFrom(1, 2),
    pp: fc.constantFrom(1, 2, 3),
    dp: fc.constantFrom(1, 2),
    ep: fc.constantFrom(1, 2),
    mb: fc.integer({ min: 1, max: 4 }),
    moe: fc.boolean(),
    schedule: fc.constantFrom<Schedule>("gpipe", "1f1b"),
  });

  test.prop([arb], { numRuns: 30 })("every pass of every operator once; backward after forward and after the next stage's; the gradients reduced; latency bounds", (c) => {
    const p = grid(c.dies, c.sram);
    if (c.tp * c.pp * c.dp > 4 * c.dies * c.dies) return;
    const spec = smallModel(2 * c.pp, c.moe);
    const batch = c.dp * c.mb;
    const phase: Phase = { kind: "train", batch, seq: 4 };
    const ep = c.moe && c.dp % c.ep === 0 ? c.ep : 1;
    const mapping = { tp: c.tp, pp: c.pp, dp: c.dp, microbatches: c.mb, ep, schedule: c.schedule };
    const r = runSystem(p, spec, phase, mapping);
    const mbPhase: Phase = { ...phase, batch: 1 };
    const perStage = spec.layers / c.pp;
    const compute = (x: (typeof r.spans)[number]) => x.kind !== "fetch" && x.kind !== "send";
    for (let rep = 0; rep < c.dp; rep++) {
      for (let j = 0; j < c.mb; j++) {
        const mine = r.spans.filter((x) => x.replica === rep && x.microbatch === j && compute(x));
        for (let l = 0; l < spec.layers; l++) {
          const fwd = mine.filter((x) => x.layer === l && x.pass === "forward");
          const bwd = mine.filter((x) => x.layer === l && x.pass === "backward");
          const ops = layerOps(spec, mbPhase, c.tp, l, ep);
          expect(fwd.map((x) => x.op)).toEqual(ops.map((o) => o.name));
          expect(bwd.map((x) => x.op)).toEqual(layerBackwardOps(ops).map((o) => o.name));
          expect(bwd[0].start).toBeGreaterThanOrEqual(fwd[fwd.length - 1].end);
          // A stage's backward waits for the gradient of the stage after it.
          const s = Math.floor(l / perStage);
          if (l % perStage === perStage - 1 && s + 1 < c.pp) {
            const grad = r.spans.find((x) => x.kind === "send" && x.pass === "backward" && x.replica === rep && x.stage === s + 1 && x.microbatch === j)!;
            expect(bwd[0].start).toBeGreaterThanOrEqual(grad.end);
          }
        }
      }
      for (let s = 0; s < c.pp; s++) {
        // Every stage holds two layers, so with experts an MoE layer (layer 1 on): its expert gradients
        // are reduced over the dp / ep replicas that hold the same experts.
        const update = r.spans.filter((x) => x.replica === rep && x.stage === s && x.pass === "update" && x.kind !== "fetch").map((x) => x.op);
        expect(update).toEqual([...(c.dp > 1 ? ["gradient all-reduce"] : []), ...(c.moe && c.dp / ep > 1 ? ["expert gradient all-reduce"] : []), "optimizer step"]);
        const lastBackward = Math.max(...r.spans.filter((x) => x.replica === rep && x.stage === s && x.pass === "backward" && x.kind !== "send").map((x) => x.end));
        expect(r.spans.find((x) => x.replica === rep && x.stage === s && x.op === "optimizer step")!.start).toBeGreaterThanOrEqual(lastBackward);
      }
    }
    expect(r.stashedMicrobatches).toEqual(Array.from({ length: c.pp }, (_, s) => (c.schedule === "gpipe" ? c.mb : Math.min(c.pp - s, c.mb))));
    expect(r.latencyNs).toBeGreaterThanOrEqual(r.criticalPathNs - 1e-6);
    expect(r.computeUtilization).toBeLessThanOrEqual(1 + 1e-12);
    expect(r.linkUtilization.max).toBeLessThanOrEqual(1 + 1e-12);
    // Aggregated groups and per-tile simulation agree on training too.
    const per = runSystem(p, spec, phase, mapping, { aggregate: false });
    expect(per.latencyNs).toBe(r.latencyNs);
  });

  it("a Llama-2-7B training step on the Dojo-style tile: 1F1B keeps fewer micro-batches than GPipe in the same time", () => {
    const dojo = platformPreset("dojo-tile");
    const phase: Phase = { kind: "train", batch: 16, seq: 1024 };
    const m = { tp: 4, pp: 4, dp: 2, microbatches: 8 };
    const g = runSystem(dojo, modelPreset("llama2-7b"), phase, { ...m, schedule: "gpipe" }, { spans: false });
    const f = runSystem(dojo, modelPreset("llama2-7b"), phase, { ...m, schedule: "1f1b" }, { spans: false });
    expect(g.stashedMicrobatches).toEqual([8, 8, 8, 8]);
    expect(f.stashedMicrobatches).toEqual([4, 3, 2, 1]);
    expect(Math.abs(g.latencyNs / f.latencyNs - 1)).toBeLessThan(0.05);
    // A training step is at least three forward passes' worth of GEMM work.
    const prefill = runSystem(dojo, modelPreset("llama2-7b"), { kind: "prefill", batch: 16, seq: 1024 }, m, { spans: false });
    expect(f.computeNsByModel["pe-array"]).toBeGreaterThan(2.9 * prefill.computeNsByModel["pe-array"]);
  });
});
