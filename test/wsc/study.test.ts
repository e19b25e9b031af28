/**
 * The balancer study (src/system/wsc): the skewed expert-load trace, the invasive greedy planner,
 * the migration stream that hides NI-Balancer's steps in the phase windows, and the study over
 * random wafers: balancing never raises the maximum predicted device load, NI-Balancer exposes no
 * more migration time than the invasive baseline where it is meant to work (ER mapping, one expert
 * per device), it lowers max/mean load on a skewed trace, and the study repeats for a seed.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  type BalancerSpec, deviceLoads, expertPlacement, migrationSteps, ftdOf, moeLayerTraffic, niBalancerPlan, phaseLatency, routeLinks, wscMapping,
} from "../../src/golden/wsc.js";
import { expertLoadTrace } from "../../src/system/wsc/load-trace.js";
import { greedyBalancerPlan } from "../../src/system/wsc/greedy-balancer.js";
import { MigrationStream, pauseCycles, phaseWindows } from "../../src/system/wsc/migration-schedule.js";
import { type BalanceStudySpec, BALANCE_POLICIES, balanceStudy, evictCooled } from "../../src/system/wsc/balance-study.js";

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const divisors = (n: number) => [1, 2, 4].filter((d) => n % d === 0);

/** A wafer and balancer setting drawn over small meshes (2 or 4 a side), FTD shapes, loads and links. */
const studyArb = fc
  .record({
    W: fc.constantFrom(2, 4), H: fc.constantFrom(2, 4), bwi: fc.nat(3), bhi: fc.nat(3),
    mapping: fc.constantFrom("block" as const, "entwined" as const),
    experts: fc.integer({ min: 1, max: 24 }), topk: fc.integer({ min: 1, max: 4 }), tokens: fc.integer({ min: 1, max: 12 }),
    bytesPerToken: fc.integer({ min: 16, max: 512 }), linkBytes: fc.constantFrom(16, 32, 64, 128), linkLatency: fc.integer({ min: 1, max: 2 }),
    expertBytes: fc.integer({ min: 64, max: 4096 }), slots: fc.integer({ min: 0, max: 2 }), alpha: fc.constantFrom(0, 0.1, 0.3, 0.5),
    history: fc.integer({ min: 1, max: 6 }), skew: fc.constantFrom(0, 0.5, 1, 1.5), drift: fc.constantFrom(0, 0.05, 0.2),
    layers: fc.integer({ min: 1, max: 3 }), threshold: fc.constantFrom(0, 0.5, 1), seed: seedArb,
  })
  .map(({ bwi, bhi, ...c }): BalanceStudySpec => ({
    ...c, bw: divisors(c.W)[bwi % divisors(c.W).length], bh: divisors(c.H)[bhi % divisors(c.H).length], topk: Math.min(c.topk, c.experts), iterations: 25,
  }));

describe("expert-load trace", () => {
  it("each iteration routes tokens x topk (token, expert) pairs, at most one per token and expert", () => {
    const tr = expertLoadTrace({ experts: 12, iterations: 40, tokens: 30, topk: 3, skew: 1, drift: 0.1, seed: 5 });
    expect(tr).toHaveLength(40);
    for (const row of tr) {
      expect(row.reduce((a, b) => a + b, 0)).toBe(90);
      for (const v of row) expect(Number.isInteger(v) && v >= 0 && v <= 30).toBe(true);
    }
  });

  test.prop([seedArb], { numRuns: 20 })("repeats for a seed", (seed) => {
    const spec = { experts: 10, iterations: 5, tokens: 20, topk: 2, skew: 0.7, drift: 0.05, seed };
    expect(expertLoadTrace(spec)).toEqual(expertLoadTrace(spec));
  });

  it("is skewed (the hottest expert far above the mean) and has temporal locality (neighbouring iterations alike, distant ones less)", () => {
    const tr = expertLoadTrace({ experts: 32, iterations: 120, tokens: 2000, topk: 2, skew: 1, drift: 0.2, seed: 3 });
    const mean = 4000 / 32;
    expect(Math.max(...tr[0]) / mean).toBeGreaterThan(3);
    const dist = (a: number[], b: number[]) => a.reduce((s, v, e) => s + Math.abs(v - b[e]), 0);
    const near = tr.slice(1).reduce((s, row, t) => s + dist(row, tr[t]), 0) / (tr.length - 1);
    expect(near * 3).toBeLessThan(dist(tr[0], tr[tr.length - 1]));
  });

  it("names a bad parameter", () => {
    expect(() => expertLoadTrace({ experts: 4, iterations: 1, tokens: 1, topk: 5, skew: 0, drift: 0, seed: 0 })).toThrow(/topk = 5 must be at most experts = 4/);
    expect(() => expertLoadTrace({ experts: 4, iterations: 1, tokens: 1, topk: 1, skew: -1, drift: 0, seed: 0 })).toThrow(/skew = -1 must be a number >= 0/);
  });
});

describe("invasive greedy planner (EPLB-style)", () => {
  const mapping = wscMapping("entwined", 4, 4, 2, 2);
  const placement = expertPlacement(16, 16);
  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 0.1, 0.5)], { numRuns: 100 })(
    "never raises the maximum predicted load, keeps the slot limit, and copies to the least loaded eligible device",
    (loads, slots, alpha) => {
      const spec: BalancerSpec = { W: 4, H: 4, mapping, placement, loads, slots, alpha };
      const plan = greedyBalancerPlan(spec);
      expect(Math.max(...plan.after)).toBeLessThanOrEqual(Math.max(...plan.before) + 1e-9);
      const shadows = new Array<number>(16).fill(0);
      plan.replicas.forEach((devs, e) => {
        expect(devs[0]).toBe(placement[e]);
        expect(new Set(devs).size).toBe(devs.length);
        devs.slice(1).forEach((d) => shadows[d]++);
      });
      for (const n of shadows) expect(n).toBeLessThanOrEqual(slots);
      // Replay: each copy went to the least loaded device among those it could go to.
      const reps = placement.map((d) => [d]);
      for (const m of plan.migrations) {
        const H = deviceLoads(reps, loads, 16), max = Math.max(...H);
        const used = new Array<number>(16).fill(0);
        reps.forEach((devs) => devs.slice(1).forEach((d) => used[d]++));
        const share = loads[m.expert] / (reps[m.expert].length + 1);
        const ok = H.map((h, d) => (used[d] < slots && !reps[m.expert].includes(d) && h + share < max ? h : Infinity));
        expect(H[m.to]).toBe(Math.min(...ok));
        expect(ok.indexOf(H[m.to])).toBe(m.to);
        reps[m.expert].push(m.to);
      }
      if (!plan.triggered) expect(plan.migrations).toEqual([]);
    },
  );
});

describe("migration schedule", () => {
  const W = 4, H = 4;
  const er = wscMapping("entwined", W, H, 2, 2);
  const ftd = ftdOf(er, W * H);
  const t = moeLayerTraffic({ W, H, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens: 8, bytesPerToken: 256, seed: 1 });
  const link = { linkBytes: 64, linkLatency: 1 };
  const windows = phaseWindows(W, t, link);
  const mig = (from: number, to: number, expert = 0) => ({ expert, from, to, steps: migrationSteps(W, ftd, from, to) });

  it("phase windows are the golden phase latency of each phase", () => {
    expect(windows.dispatch.cycles).toBe(phaseLatency(t.phases.dispatch, windows.dispatch.maxHops, 64, 1));
    expect(windows.allreduce.maxHops).toBe(2); // entwined rings: 2 hops a step on 2 x 2 FTDs
  });

  it("a copy across an FTD boundary hides in the all-to-all (links between FTDs are cold there)", () => {
    const s = new MigrationStream(windows, link, { expertBytes: 1024, layers: 1, threshold: 0 });
    s.enqueue([mig(1, 2)]); // devices 1 and 2 are in FTDs 0 and 1: one global step
    const it = s.iterate();
    expect(it).toMatchObject({ hidden: 1, exposedCycles: 0, pending: 0 });
    expect(it.hiddenBytes).toBe(1024);
  });

  it("a large copy takes several iterations' windows and lands hidden", () => {
    const s = new MigrationStream(windows, link, { expertBytes: 64 * 1024, layers: 1, threshold: 0 });
    s.enqueue([mig(1, 2)]);
    let iterations = 0, hidden = 0, exposed = 0;
    while (s.pending > 0 && iterations < 1000) {
      const it = s.iterate();
      iterations++;
      hidden += it.hidden;
      exposed += it.exposedCycles;
    }
    expect(iterations).toBeGreaterThan(1);
    expect([hidden, exposed]).toEqual([1, 0]);
  });

  it("under the strict rule a local step over a link an entwined ring uses is exposed, as a pause of the rest of the route", () => {
    // 0 -> 1: inside FTD 0, and TP group 0's ring runs 0 -> 1 -> 2 in the all-reduce.
    expect(t.phases.allreduce["0->1"]).toBeGreaterThan(0);
    const m = mig(0, 1);
    const strict = new MigrationStream(windows, link, { expertBytes: 1024, layers: 1, threshold: 0 });
    strict.enqueue([m]);
    expect(strict.iterate()).toMatchObject({ hidden: 0, exposedCycles: pauseCycles([m], 1024, link), pending: 0 });
    // Relaxed to half the busiest link, the ring's single edge on it is cold enough.
    const relaxed = new MigrationStream(windows, link, { expertBytes: 1024, layers: 1, threshold: 0.5 });
    relaxed.enqueue([m]);
    expect(relaxed.iterate()).toMatchObject({ hidden: 1, exposedCycles: 0 });
  });

  it("the invasive pause is the golden latency of every copy's route together", () => {
    const ms = [mig(0, 5, 0), mig(3, 0, 3)];
    const loads: Record<string, number> = {};
    for (const m of ms) for (const l of routeLinks(W, m.from, m.to)) loads[l] = (loads[l] ?? 0) + 1000;
    expect(pauseCycles(ms, 1000, link)).toBe(phaseLatency(loads, 3, 64, 1));
  });
});

describe("eviction of cooled replicas", () => {
  it("drops a copy of an expert that cooled, never one that would raise the maximum", () => {
    const reps = [[0, 1], [1], [2], [3]];
    expect(evictCooled(reps, [1, 4, 4, 4], 4)).toBe(1); // expert 0: 1 / 1 < half the mean 3.25
    expect(reps[0]).toEqual([0]);
    const hot = [[0, 1], [1], [2], [3]];
    expect(evictCooled(hot, [10, 1, 1, 1], 4)).toBe(0);
    const flying = [[0, 1], [1], [2], [3]];
    expect(evictCooled(flying, [1, 4, 4, 4], 4, (e, d) => e === 0 && d === 1)).toBe(0);
  });
});

describe("balancer study", () => {
  test.prop([studyArb], { numRuns: 40 })("balancing (eviction + plan) never raises the maximum predicted device load", (spec) => {
    const r = balanceStudy(spec);
    for (const p of BALANCE_POLICIES) {
      expect(r.iterations[p]).toHaveLength(spec.iterations);
      for (const it of r.iterations[p]) {
        if (p !== "none" && it.iteration > 0) expect(it.predictedAfter).toBeLessThanOrEqual(it.predictedBefore + 1e-9);
        expect(it.exposedCycles).toBeGreaterThanOrEqual(0);
        expect(it.imbalance).toBeGreaterThanOrEqual(1 - 1e-9);
      }
    }
    expect(r.summary.none).toMatchObject({ migrations: 0, exposedCycles: 0, computeRel: 1 });
    expect(r.summary.ni.hiddenMigrations).toBeLessThanOrEqual(r.summary.ni.migrations);
  });

  // Not a property: NI's plan (nearest target) and EPLB's (least loaded) diverge over the
  // iterations, and random wafers exist where hiding NI's copies exposes more than pausing for
  // EPLB's (fast-check found one at seed 67691737 over random ER wafers with every phase busy). What holds, and is asserted, is the
  // behaviour at the report's study settings on the 4x4 ER wafer, seed by seed.
  it("at the study's settings NI-Balancer exposes no more migration time than the invasive baseline", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = balanceStudy({
        W: 4, H: 4, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens: 8, bytesPerToken: 256, linkBytes: 64, linkLatency: 1,
        expertBytes: 1024, slots: 1, alpha: 0.1, history: 4, iterations: 100, skew: 1, seed,
      });
      expect(r.summary.ni.exposedCycles, `seed ${seed}`).toBeLessThanOrEqual(r.summary.invasive.exposedCycles);
    }
  });

  test.prop([seedArb, fc.constantFrom(0.5, 1, 1.5), fc.integer({ min: 8, max: 32 })], { numRuns: 15 })(
    "on a skewed trace NI-Balancer lowers the mean max/mean device load (4 x 4 ER wafer, 16 experts, top-2)",
    (seed, skew, tokens) => {
      const r = balanceStudy({
        W: 4, H: 4, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens, bytesPerToken: 256, linkBytes: 64, linkLatency: 1,
        expertBytes: 1024, slots: 1, alpha: 0.1, history: 4, iterations: 60, skew, seed,
      });
      expect(r.summary.ni.meanImbalance).toBeLessThan(r.summary.none.meanImbalance);
      expect(r.summary.ni.computeRel).toBeLessThan(1);
    },
  );

  test.prop([studyArb], { numRuns: 10 })("repeats exactly for a seed", (spec) => {
    expect(balanceStudy(spec)).toEqual(balanceStudy(spec));
  });

  it("names a bad parameter", () => {
    const ok: BalanceStudySpec = { W: 4, H: 4, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens: 8, bytesPerToken: 256, linkBytes: 64, linkLatency: 1, expertBytes: 1024, slots: 1, alpha: 0.1, history: 4, iterations: 10, seed: 1 };
    expect(() => balanceStudy({ ...ok, history: 0 })).toThrow(/history = 0 must be a whole number >= 1/);
    expect(() => balanceStudy({ ...ok, linkBytes: 0 })).toThrow(/linkBytes = 0 must be a number > 0/);
    expect(() => balanceStudy({ ...ok, bw: 3 })).toThrow(/bw = 3 must be a whole number dividing W = 4/);
  });

  it("agrees with the golden planner: NI's first plan is niBalancerPlan on the first history", () => {
    const spec: BalanceStudySpec = { W: 4, H: 4, bw: 2, bh: 2, mapping: "entwined", experts: 16, topk: 2, tokens: 8, bytesPerToken: 256, linkBytes: 64, linkLatency: 1, expertBytes: 1024, slots: 1, alpha: 0.1, history: 4, iterations: 2, seed: 9, skew: 1 };
    const r = balanceStudy(spec);
    const tr = expertLoadTrace({ experts: 16, iterations: 2, tokens: 32, topk: 2, skew: 1, drift: 0.05, seed: 9 });
    const plan = niBalancerPlan({ W: 4, H: 4, mapping: wscMapping("entwined", 4, 4, 2, 2), placement: expertPlacement(16, 16), loads: tr[0], slots: 1, alpha: 0.1 });
    expect(r.iterations.ni[1].migrations).toBe(plan.migrations.length);
    expect(r.iterations.ni[1].predictedAfter).toBeCloseTo(Math.max(...plan.after), 9);
  });
});
