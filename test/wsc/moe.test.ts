/**
 * The `wsc-moe` testbench (src/tb/wsc): one MoE layer's phases as trace traffic on the RTL mesh,
 * link flits equal to the wafer-scale golden's, the mappings' properties on the RTL counters, the
 * balancers (greedy pauses, NI-Balancer's steps ride at low priority), and a corrupted golden is
 * told apart. Also the pieces: the phase messages and load history added to the golden, the trace
 * packetizer, the step scheduler, the output check, the parameter checks and the presets.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  type Migration, a2aLinkLoads, ftdOf, maxLinkLoad, meshLinks, messageLinkFlits, migrationSteps, moeLayerTraffic, moePhaseMessages,
  moeRouting, expertLoadHistory, routeLinks, wscMapping,
} from "../../src/golden/wsc.js";
import { makeMesh } from "../../src/hw/noc/mesh.js";
import { simulate } from "../../src/sim/index.js";
import { Checker } from "../../src/tb/harness.js";
import { checkOutputs } from "../../src/tb/wsc/balance.js";
import { runWscMoe, wscMeshParams, wscMoeTb } from "../../src/tb/wsc/moe.js";
import { validateWscMoe, wscMoeDefaults } from "../../src/tb/wsc/params.js";
import { runPhase } from "../../src/tb/wsc/phase.js";
import { WSC_PRESETS, nsPerCycle, presetParams } from "../../src/tb/wsc/presets.js";
import { MIGRATION_WINDOWS, niSchedule, windowLoad } from "../../src/tb/wsc/schedule.js";
import { linkFlitsRecord, messagesToTrace } from "../../src/tb/wsc/trace.js";
import type { Params } from "../../src/tb/types.js";

// Runs at fixed parameters are shared between the tests that look at them (each takes ~1.5 s).
const runs = new Map<string, ReturnType<typeof runWscMoe>>();
const run = (p: Params, seed = 1) => {
  const key = JSON.stringify([{ ...wscMoeDefaults(), ...p }, seed]);
  if (!runs.has(key)) runs.set(key, runWscMoe(p, seed));
  return runs.get(key)!;
};
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("wsc-moe at the defaults (4 x 4, 2 x 2 FTDs, entwined, NI-Balancer)", () => {
  it("passes; no all-to-all flit between FTDs; phases, metrics and migrations add up", async () => {
    const r = await run({});
    expect(r.result.failures).toEqual([]);
    expect(r.result.passed).toBe(true);
    const m = r.result.metrics;
    expect(m.interFtdA2aFlits).toBe(0);
    expect(m.dispatchedBytes).toBe(4 * 8 * 2 * 256); // groups x tokens x topk x bytesPerToken
    expect(r.phases.map((p) => p.name)).toEqual(["allreduce", "dispatch", "combine", "allreduceNext"]);
    for (const p of r.phases) {
      expect(p.totalFlits).toBe(sum(Object.values(p.linkFlits)));
      expect(p.maxLink).toBe(Math.max(...Object.values(p.linkFlits)));
      expect(Object.keys(p.linkFlits).sort()).toEqual(meshLinks(4, 4).sort());
      expect(p.totalFlits - sum(Object.values(p.baseLinkFlits))).toBe(p.migrationFlits);
    }
    expect(m.dispatchFlits).toBe(r.phases[1].totalFlits - r.phases[1].migrationFlits);
    expect(m.migrations).toBe(r.balance.migrations.length);
    expect(m.migrations).toBeGreaterThan(0);
    expect(m.leftoverCopies).toBe(0);
    expect(m.loadMaxMeanAfter).toBeLessThan(m.loadMaxMeanBefore as number);
    expect(sum(r.balance.after)).toBeCloseTo(sum(r.balance.before), 9);
  });

  // NI-Balancer's steps ride at the lowest injection priority, but the interface's priority is
  // per packet (a copy leaves a device only after the device's own packets of the phase) and the
  // routers do not prioritise: under ER every device's all-reduce drains until the phase's end,
  // so each local step outlasts its all-reduce; the windows still beat the pause. Under block
  // mapping every step is global and the long all-to-all windows hide them all.
  it("greedy exposes its pause; NI exposes less under entwined and nothing under block", async () => {
    const [erGreedy, erNi, blockGreedy, blockNi] = await Promise.all([
      run({ balancer: "greedy" }), run({ balancer: "ni" }), run({ balancer: "greedy", mapping: "block" }), run({ balancer: "ni", mapping: "block" }),
    ]);
    for (const r of [erGreedy, erNi, blockGreedy, blockNi]) expect(r.result.failures).toEqual([]);
    const exposed = (r: typeof erNi) => r.result.metrics.migrationExposedCycles as number;
    expect(exposed(erGreedy)).toBeGreaterThan(0);
    expect(erGreedy.phases.at(-1)!.name).toBe("migration");
    expect(exposed(erGreedy)).toBe(erGreedy.phases.at(-1)!.cycles);
    expect(exposed(erNi)).toBeLessThan(exposed(erGreedy));
    expect(erNi.result.metrics.migrationHidden).toBe(false);
    expect(exposed(blockGreedy)).toBeGreaterThan(0);
    expect(blockNi.result.metrics.migrationHidden).toBe(true);
    expect(exposed(blockNi)).toBe(0);
    // Same plan, same loads: the balancers differ only in when they copy.
    expect(erNi.balance.migrations).toEqual(erGreedy.balance.migrations);
    expect(erNi.result.metrics.loadMaxMeanAfter).toBe(erGreedy.result.metrics.loadMaxMeanAfter);
  });
});

describe("wsc-moe over meshes, FTD shapes, top-k, tokens, mappings, balancers and seeds", () => {
  const side = fc.constantFrom(2, 4);
  test.prop(
    [
      fc.record({
        w: side, h: side, bwLog: fc.integer({ min: 0, max: 2 }), bhLog: fc.integer({ min: 0, max: 2 }),
        experts: fc.integer({ min: 2, max: 20 }), topk: fc.integer({ min: 1, max: 3 }), tokens: fc.integer({ min: 1, max: 6 }),
        bytesPerToken: fc.constantFrom(40, 64, 200), mapping: fc.constantFrom("block", "entwined", "global"),
        balancer: fc.constantFrom("none", "greedy", "ni"), seed: fc.integer({ min: 0, max: 1e6 }), slots: fc.integer({ min: 0, max: 2 }),
        expertBytes: fc.constantFrom(64, 300, 1024), packetFlits: fc.constantFrom(1, 3, 16), skew: fc.constantFrom(0, 1, 2),
      }),
      fc.integer({ min: 1, max: 1e6 }),
    ],
    { numRuns: 8 },
  )("the run passes every check", async (g, seed) => {
    const bw = Math.min(g.w, 2 ** g.bwLog), bh = Math.min(g.h, 2 ** g.bhLog);
    const p: Params = { ...g, bw, bh, topk: Math.min(g.topk, g.experts) };
    delete p.bwLog;
    delete p.bhLog;
    expect(validateWscMoe(p)).toBeUndefined();
    const r = await runWscMoe(p, seed);
    expect(r.result.failures).toEqual([]);
    if (g.mapping === "entwined") expect(r.result.metrics.interFtdA2aFlits).toBe(0);
    if (g.balancer === "none") expect(r.result.metrics.migrations).toBe(0);
  });
});

describe("the mappings on the RTL mesh (4 x 4, 2 x 2 FTDs)", () => {
  it("routed traffic: ER leaves the links between FTDs cold, block and global do not; equal bytes", async () => {
    const [er, block, global] = await Promise.all((["entwined", "block", "global"] as const).map((mapping) => run({ mapping, balancer: "none" })));
    for (const r of [er, block, global]) expect(r.result.failures).toEqual([]);
    expect(er.result.metrics.interFtdA2aFlits).toBe(0);
    expect(block.result.metrics.interFtdA2aFlits).toBeGreaterThan(0);
    expect(global.result.metrics.interFtdA2aFlits).toBeGreaterThan(0);
    expect(new Set([er, block, global].map((r) => r.result.metrics.dispatchedBytes)).size).toBe(1);
    // The default routing's dispatch follows the order; for skewed routed traffic it is not a law
    // (combine at the defaults: block 40 > global 32 flits), the uniform all-to-all below is.
    expect(er.result.metrics.dispatchMaxLink).toBeLessThanOrEqual(block.result.metrics.dispatchMaxLink as number);
    expect(block.result.metrics.dispatchMaxLink).toBeLessThanOrEqual(global.result.metrics.dispatchMaxLink as number);
  });

  it("uniform all-to-all: max link ER <= block <= global, exactly papers.md's 2 / 4 / 16 messages", () => {
    const p = wscMeshParams({ w: 4, h: 4, linkLatency: 1, balancer: "none" });
    const sim = simulate(makeMesh(p));
    const check = new Checker();
    const max: Record<string, number> = {};
    try {
      const groups = { entwined: wscMapping("entwined", 4, 4, 2, 2).ftds, block: wscMapping("block", 4, 4, 2, 2).ftds, global: [Array.from({ length: 16 }, (_, i) => i)] };
      for (const [name, gs] of Object.entries(groups)) {
        // Each ordered pair one message of 3 flits.
        const messages = gs.flatMap((g) => g.flatMap((src) => g.filter((d) => d !== src).map((dst) => ({ src, dst, bytes: 3 * 64 }))));
        const expected = Object.fromEntries(Object.entries(a2aLinkLoads(4, 4, gs)).map(([l, n]) => [l, 3 * n]));
        const out = runPhase(sim, p, { name, messages, migration: [] }, { flitBytes: 64, packetFlits: 2, seed: 1, expected, check });
        max[name] = maxLinkLoad(out.linkFlits);
      }
    } finally {
      sim.close();
    }
    expect(check.failures).toEqual([]);
    expect(max).toEqual({ entwined: 6, block: 12, global: 48 });
  });
});

describe("a corrupted golden is told apart", () => {
  it("mapping kinds swapped in the golden: the link flits disagree", async () => {
    const swap = (s: Parameters<typeof moeLayerTraffic>[0]) => moeLayerTraffic({ ...s, mapping: s.mapping === "entwined" ? "block" : "entwined" });
    const r = await runWscMoe({ balancer: "none" }, 1, { golden: { moeLayerTraffic: swap } });
    expect(r.result.passed).toBe(false);
    expect(r.result.failures.join("\n")).toMatch(/allreduce: flits on link \d+->\d+: observed \d+, expected \d+/);
  });

  it("the golden routing YX instead of the mesh's XY: the link flits disagree", async () => {
    const yx: typeof messageLinkFlits = (W, msgs, fb) => messageLinkFlits(W, msgs, fb, "yx");
    const r = await runWscMoe({ balancer: "none", mapping: "global" }, 1, { golden: { messageLinkFlits: yx } });
    expect(r.result.passed).toBe(false);
    expect(r.result.failures.join("\n")).toMatch(/flits on link/);
  });

  it("a replica without its copy changes the MoE outputs", () => {
    const t = moeLayerTraffic({ W: 2, H: 2, bw: 1, bh: 2, mapping: "entwined", experts: 4, topk: 2, tokens: 6, bytesPerToken: 8, seed: 3, skew: 1 });
    const replicas = t.placement.map((d) => [d, (d + 1) % 4]);
    const copies = [0, 1, 2, 3].map((d) => new Set(t.placement.flatMap((h, e) => (h === d ? [e] : []))));
    const ok = new Checker();
    checkOutputs(t, replicas, copies.map((s, d) => new Set([...s, ...t.placement.flatMap((h, e) => ((h + 1) % 4 === d ? [e] : []))])), 5, ok);
    expect(ok.failures).toEqual([]);
    const bad = new Checker();
    checkOutputs(t, replicas, copies, 5, bad);
    expect(bad.passed).toBe(false);
    expect(bad.failures.join("\n")).toMatch(/MoE outputs that differ/);
  });
});

describe("pieces", () => {
  const specArb = fc.record({
    W: fc.integer({ min: 1, max: 6 }), H: fc.integer({ min: 1, max: 6 }), experts: fc.integer({ min: 1, max: 24 }), topk: fc.integer({ min: 1, max: 4 }),
    tokens: fc.integer({ min: 0, max: 10 }), bytesPerToken: fc.integer({ min: 1, max: 300 }), seed: fc.integer({ min: 0, max: 1e6 }),
    skew: fc.constantFrom(0, 0.5, 2), mapping: fc.constantFrom("block" as const, "entwined" as const, "global" as const),
    bwPick: fc.nat(), bhPick: fc.nat(),
  }).map(({ bwPick, bhPick, ...s }) => {
    const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const dw = divisors(s.W), dh = divisors(s.H);
    return { ...s, topk: Math.min(s.topk, s.experts), bw: dw[bwPick % dw.length], bh: dh[bhPick % dh.length] };
  });

  test.prop([specArb, fc.integer({ min: 1, max: 100 })], { numRuns: 60 })(
    "golden phase messages reproduce the phase bytes per link; flits per link are ceil(bytes / flitBytes) per message",
    (s, flitBytes) => {
      const t = moeLayerTraffic(s);
      const m = moePhaseMessages(t);
      for (const ph of ["allreduce", "dispatch", "combine"] as const) {
        const bytes = messageLinkFlits(s.W, m[ph], 1);
        expect(Object.fromEntries(Object.entries(bytes).filter(([, v]) => v > 0))).toEqual(Object.fromEntries(Object.entries(t.phases[ph]).filter(([, v]) => v > 0)));
        const flits = messageLinkFlits(s.W, m[ph], flitBytes);
        for (const l of Object.keys(bytes)) {
          expect(flits[l]).toBeGreaterThanOrEqual(bytes[l] / flitBytes);
          expect(flits[l]).toBeLessThan(bytes[l] / flitBytes + m[ph].length);
        }
      }
    },
  );

  test.prop([specArb, fc.integer({ min: 1, max: 5 })], { numRuns: 40 })(
    "load history: the layer's routing is the head of each group's stream; the average keeps the pair count",
    (s, history) => {
      const t = moeLayerTraffic(s);
      const l = expertLoadHistory(s, history);
      expect(l.length).toBe(s.experts);
      expect(sum(l)).toBeCloseTo(s.bw * s.bh * s.tokens * s.topk, 9);
      t.route.forEach((g, gi) => expect(moeRouting(s.tokens * (history + 1), s.experts, s.topk, s.seed * 7919 + gi, s.skew).slice(0, s.tokens)).toEqual(g));
    },
  );

  test.prop([
    fc.array(fc.record({ src: fc.integer({ min: 0, max: 5 }), dst: fc.integer({ min: 0, max: 5 }), bytes: fc.integer({ min: 1, max: 5000 }) }), { maxLength: 12 }),
    fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 255 }), fc.constantFrom(0 as const, 1 as const),
  ], { numRuns: 100 })("trace packets: ceil(bytes / flitBytes) flits per message in packets of at most packetFlits, class kept", (msgs, fb, pf, prio) => {
    const tr = messagesToTrace(msgs, fb, pf, prio);
    for (const e of tr) {
      expect(e.size).toBeGreaterThanOrEqual(1);
      expect(e.size).toBeLessThanOrEqual(pf);
      expect(e.cycle).toBe(0);
      expect(e.priority ?? 0).toBe(prio);
    }
    const per = new Map<string, number>();
    for (const e of tr) per.set(`${e.src}>${e.dst}`, (per.get(`${e.src}>${e.dst}`) ?? 0) + e.size);
    const want = new Map<string, number>();
    for (const m of msgs) if (m.src !== m.dst) want.set(`${m.src}>${m.dst}`, (want.get(`${m.src}>${m.dst}`) ?? 0) + Math.ceil(m.bytes / fb));
    expect(per).toEqual(want);
  });

  it("link record: every directed link of the mesh, read from its router output", () => {
    const counters = Array.from({ length: 6 * 5 }, (_, i) => i);
    const rec = linkFlitsRecord(3, 2, counters);
    expect(Object.keys(rec).sort()).toEqual(meshLinks(3, 2).sort());
    expect(rec["0->1"]).toBe(0 * 5 + 1); // node 0, E
    expect(rec["4->1"]).toBe(4 * 5 + 3); // node 4, N
    const column = linkFlitsRecord(1, 3, counters); // one column: 0->1 goes South
    expect(Object.keys(column).sort()).toEqual(meshLinks(1, 3).sort());
    expect(column["0->1"]).toBe(0 * 5 + 4);
    expect(column["2->1"]).toBe(2 * 5 + 3);
  });

  // Random migrations on random meshes and FTD shapes, random window loads.
  const schedArb = fc.record({ W: fc.integer({ min: 2, max: 8 }), H: fc.integer({ min: 1, max: 8 }), kind: fc.constantFrom("block" as const, "entwined" as const) })
    .chain(({ W, H, kind }) => fc.record({
      W: fc.constant(W), H: fc.constant(H), kind: fc.constant(kind),
      bw: fc.constantFrom(...[1, 2, 4].filter((d) => W % d === 0)), bh: fc.constantFrom(...[1, 2, 4].filter((d) => H % d === 0)),
      pairs: fc.array(fc.tuple(fc.integer({ min: 0, max: W * H - 1 }), fc.integer({ min: 0, max: W * H - 1 })), { maxLength: 8 }),
      msgs: fc.array(fc.record({ src: fc.integer({ min: 0, max: W * H - 1 }), dst: fc.integer({ min: 0, max: W * H - 1 }), bytes: fc.integer({ min: 1, max: 999 }) }), { maxLength: 10 }),
    }));
  test.prop([schedArb], { numRuns: 80 })("NI schedule: each migration's steps in order in later windows of their kind, the rest one copy along the rest of the route", ({ W, H, kind, bw, bh, pairs, msgs }) => {
    const ftd = ftdOf(wscMapping(kind, W, H, bw, bh), W * H);
    const migs: Migration[] = pairs.filter(([a, b]) => a !== b).map(([from, to], i) => ({ expert: i, from, to, steps: migrationSteps(W, ftd, from, to) }));
    const load = windowLoad(W, H, msgs, 64);
    const s = niSchedule(migs, 500, 64, { allreduce: load, dispatch: windowLoad(W, H, msgs.slice(1), 64), combine: load, allreduceNext: load });
    migs.forEach((m, i) => {
      const placed = MIGRATION_WINDOWS.flatMap((w, k) => s.windows[w.phase].filter((c) => c.migration === i).map((c) => ({ k, c, kind: w.kind })));
      placed.forEach(({ c, kind: wk }, j) => {
        expect(c.steps).toBe(1);
        expect(wk).toBe(m.steps[j].kind);
        expect(c.links).toEqual(m.steps[j].links);
        expect(c.message).toEqual({ src: m.steps[j].src, dst: m.steps[j].dst, bytes: 500 });
      });
      const rest = s.leftover.filter((c) => c.migration === i);
      const pattern = m.steps.map((st) => (st.kind === "local" ? "L" : "G")).join("");
      if (/^L?G?L?$/.test(pattern)) expect(rest).toEqual([]);
      expect(placed.length + sum(rest.map((c) => c.steps))).toBe(m.steps.length);
      for (const c of rest) {
        expect(c.links).toEqual(m.steps.slice(placed.length).flatMap((st) => st.links));
        expect(routeLinks(W, c.message.src, c.message.dst)).toEqual(c.links);
      }
    });
  });

  it("parameter errors name the parameters and how to mend them", () => {
    expect(validateWscMoe({ w: 4, bw: 3 })).toMatch(/bw = 3 must divide w = 4/);
    expect(validateWscMoe({ h: 2, bh: 4 })).toMatch(/bh = 4 must divide h = 2/);
    expect(validateWscMoe({ topk: 5, experts: 4 })).toMatch(/topk = 5 must be at most experts = 4/);
    expect(validateWscMoe({ mapping: "ring" })).toMatch(/mapping = 'ring' must be one of block, entwined, global/);
    expect(validateWscMoe({ tokens: 0 })).toMatch(/tokens = 0 must be a whole number 1\.\./);
    expect(validateWscMoe({})).toBeUndefined();
    expect(wscMoeTb.validate!({ ...wscMoeDefaults(), bw: 3 })).toMatch(/bw/);
    return expect(runWscMoe({ bw: 3 }, 1)).rejects.toThrow(/wsc-moe: bw = 3 must divide w = 4/);
  });

  it("presets: valid parameters; one cycle is flitBytes / linkGBps ns", () => {
    for (const p of Object.values(WSC_PRESETS)) expect(validateWscMoe(presetParams(p))).toBeUndefined();
    expect(WSC_PRESETS["moentwine-8x8"]).toMatchObject({ w: 8, h: 8, bw: 2, bh: 2, linkGBps: 900 });
    expect(nsPerCycle(WSC_PRESETS["test-4x4"])).toBeCloseTo(64 / 900, 12);
    expect(presetParams(WSC_PRESETS["test-4x4"])).toMatchObject({ w: 4, h: 4, bw: 2, bh: 2, experts: 16, topk: 2, bytesPerToken: 256, flitBytes: 64 });
  });
});
