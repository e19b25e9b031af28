/**
 * BookSim-style measurement (src/tb/noc/sampling.ts): the monitor's decisions on statistics built
 * by hand (clearing pattern, settling, running out of periods, the latency threshold, warm-up by
 * settling), and the mesh driver measured that way: the window it finds, stable below saturation
 * and unstable past it, with every packet still delivered and checked. A property runs random
 * options and loads on small meshes.
 */
import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { makeMesh } from "../../../src/hw/noc/mesh.js";
import { nocParams } from "../../../src/hw/noc/params.js";
import { simulate } from "../../../src/sim/index.js";
import { runNoc } from "../../../src/tb/noc/driver.js";
import { nocTb, samplingOf } from "../../../src/tb/noc/noc.js";
import { BOOKSIM_SAMPLING, ConvergenceMonitor, SampleStats, SamplingOptions } from "../../../src/tb/noc/sampling.js";
import type { Params } from "../../../src/tb/types.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`sampling properties: FC_SEED=${SEED}`);

/** Statistics with average latency `lat` over 100 packets and accepted rate `acc` on 4 nodes over 100 cycles. */
const stats = (lat: number, acc: number, inFlight: { flits: number; age: number } = { flits: 0, age: 0 }): SampleStats => ({
  latencySum: lat * 100, latencyCount: 100, acceptedFlits: acc * 400, cycles: 100, nodes: 4,
  inFlightFlits: inFlight.flits, inFlightAgeSum: inFlight.flits * inFlight.age,
});
const opts = (o: Partial<SamplingOptions> = {}): SamplingOptions => ({ ...BOOKSIM_SAMPLING, samplePeriod: 100, ...o });

describe("ConvergenceMonitor", () => {
  it("clears before warm-up periods 0 and 2 and before the first measured period, as BookSim", () => {
    const m = new ConvergenceMonitor(opts());
    const clears: boolean[] = [];
    const decisions: string[] = [];
    for (let k = 0; k < 6; k++) {
      clears.push(m.clearsBeforePeriod());
      decisions.push(m.endOfPeriod(stats(20, 0.3)));
    }
    expect(clears).toEqual([true, false, true, true, false, false]);
    // Three warm-up periods, then settled measured periods: the first compares with the last
    // warm-up period's (equal) averages, so three settled periods end it at period 6.
    expect(decisions).toEqual(["continue", "continue", "start-measuring", "continue", "continue", "stop-measuring"]);
    expect(m.converged).toBe(true);
    expect(m.measuredPeriods).toBe(3);
  });

  it("a change above the threshold restarts the count of settled periods", () => {
    const m = new ConvergenceMonitor(opts({ warmupPeriods: 1 }));
    const lat = [20, 20, 22, 22, 30, 30, 30.5, 30.6];
    const got = lat.map((l) => (m.clearsBeforePeriod(), m.endOfPeriod(stats(l, 0.3))));
    // 20->22 is 9% (not settled), 22 settled, 30 not, then 30, 30.5, 30.6 settled three times.
    expect(got).toEqual(["start-measuring", "continue", "continue", "continue", "continue", "continue", "continue", "stop-measuring"]);
    expect(m.samples.map((s) => s.latencyChange > 0.05)).toEqual([true, false, true, false, true, false, false, false]);
  });

  it("stops after maxSamples periods (warm-up included) without having settled", () => {
    const m = new ConvergenceMonitor(opts({ warmupPeriods: 2, maxSamples: 5 }));
    const got = [10, 20, 40, 80, 160].map((l) => m.endOfPeriod(stats(l, 0.1)));
    expect(got).toEqual(["continue", "start-measuring", "continue", "continue", "stop-measuring"]);
    expect(m.converged).toBe(false);
    expect(m.instability).toBe("");
  });

  it("is unstable when delivered and in-flight flits together average above the threshold", () => {
    const m = new ConvergenceMonitor(opts({ latencyThreshold: 100 }));
    // 100 packets at 50 cycles + 100 flits aged 149: (5000 + 14900) / 200 = 99.5, still stable.
    expect(m.endOfPeriod(stats(50, 0.3, { flits: 100, age: 149 }))).toBe("continue");
    // Aged 151: 100.5 > 100.
    expect(m.endOfPeriod(stats(50, 0.3, { flits: 100, age: 151 }))).toBe("unstable");
    expect(m.instability).toMatch(/latencyThreshold 100/);
    expect(m.phase).toBe("done");
  });

  it("the drain check uses the same average", () => {
    const m = new ConvergenceMonitor(opts({ latencyThreshold: 100 }));
    const s = { latencySum: 50 * 10, latencyCount: 10, inFlightFlits: 10, inFlightAgeSum: 10 * 160 };
    expect(m.duringDrain(s, 1000)).toBe("unstable");
    expect(m.instability).toMatch(/1000 cycles of draining/);
  });

  it("warmupPeriods 0: warm-up lasts until latency and throughput settle, else unstable at maxSamples", () => {
    const m = new ConvergenceMonitor(opts({ warmupPeriods: 0 }));
    expect([10, 15, 15.2].map((l) => m.endOfPeriod(stats(l, 0.2)))).toEqual(["continue", "continue", "start-measuring"]);
    const n = new ConvergenceMonitor(opts({ warmupPeriods: 0, maxSamples: 3 }));
    expect([10, 20, 40].map((l) => n.endOfPeriod(stats(l, 0.2)))).toEqual(["continue", "continue", "unstable"]);
    expect(n.instability).toMatch(/warm-up did not settle/);
  });

  it("a period with no packet delivered (0/0) does not hold convergence back", () => {
    const m = new ConvergenceMonitor(opts({ warmupPeriods: 1 }));
    const none: SampleStats = { ...stats(0, 0), latencySum: 0, latencyCount: 0, acceptedFlits: 0 };
    expect([0, 1, 2, 3].map(() => m.endOfPeriod(none))).toEqual(["start-measuring", "continue", "continue", "stop-measuring"]);
  });

  it("refuses options that cannot work, naming the option", () => {
    expect(() => new ConvergenceMonitor(opts({ samplePeriod: 0 }))).toThrow(/samplePeriod = 0/);
    expect(() => new ConvergenceMonitor(opts({ maxSamples: 1.5 }))).toThrow(/maxSamples/);
    expect(() => new ConvergenceMonitor(opts({ latencyThreshold: -1 }))).toThrow(/latencyThreshold/);
  });
});

const defaults = (): Params => Object.fromEntries(nocTb.params.map((p) => [p.name, p.default]));

describe("the mesh measured the BookSim way", () => {
  const p = nocParams({ w: 4, h: 4, vcs: 2, bufDepth: 4, vcPolicy: "any", vcRealloc: "tail-sent" });
  const sim = simulate(makeMesh(p));
  const run = (rate: number, sampling: SamplingOptions, seed = 1) =>
    runNoc(sim, p, { traffic: { kind: "uniform", includeSelf: true }, rate, packetSize: 2, warmup: 0, measure: 1, sampling, seed });

  it("below saturation: warm-up periods, then whole sample periods until settled; throughput follows the load", () => {
    const o = opts({ samplePeriod: 400 });
    const r = run(0.15, o);
    expect(r.checker.failures).toEqual([]);
    expect(r.metrics.stable).toBe(true);
    expect(r.metrics.converged).toBe(true);
    const periods = r.samples!.filter((s) => s.phase === "measuring").length;
    expect(r.windowCycles).toBe(periods * o.samplePeriod);
    expect(r.samples!.filter((s) => s.phase === "warm-up")).toHaveLength(o.warmupPeriods);
    expect(Math.abs(Number(r.metrics.throughput) - 0.15)).toBeLessThan(0.02);
    // Measured packets are exactly those created in the window found.
    const start = o.warmupPeriods * o.samplePeriod, end = start + r.windowCycles;
    const measured = r.packets.filter((pk) => pk.created >= start && pk.created < end).length;
    expect(r.metrics.measuredPackets).toBe(measured);
  });

  it("past saturation: unstable, the reason given, every packet still delivered and checked", () => {
    const r = run(0.9, opts({ samplePeriod: 200, latencyThreshold: 150 }));
    expect(r.checker.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.stable).toBe(false);
    expect(String(r.metrics.instability)).toMatch(/latencyThreshold 150/);
    expect(Number(r.metrics.throughput)).toBeGreaterThan(0.2);
    expect(r.packets.every((pk) => pk.delivered >= 0)).toBe(true);
  });

  fcTest.prop(
    [fc.double({ min: 0.02, max: 0.9, noNaN: true }), fc.integer({ min: 50, max: 300 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1e6 })],
    { numRuns: 12, seed: SEED },
  )("any options and load: checks pass; a stable run's window is whole periods after the warm-up", (rate, samplePeriod, warmupPeriods, maxSamples, seed) => {
    const o = opts({ samplePeriod, warmupPeriods, maxSamples, latencyThreshold: 200 });
    const r = run(rate, o, seed);
    expect(r.checker.failures).toEqual([]);
    expect(r.packets.every((pk) => pk.delivered >= 0)).toBe(true);
    if (r.metrics.stable) {
      expect(r.windowCycles % samplePeriod).toBe(0);
      expect(r.windowCycles / samplePeriod).toBeLessThanOrEqual(Math.max(1, maxSamples - warmupPeriods));
    } else {
      expect(String(r.metrics.instability)).not.toBe("");
    }
  });
});

describe("measurement parameters of the noc testbench", () => {
  it("preset=booksim measures the BookSim way with BookSim's defaults; measurement=window does not", () => {
    expect(samplingOf({ ...defaults(), preset: "booksim" })).toEqual(BOOKSIM_SAMPLING);
    expect(samplingOf({ ...defaults(), measurement: "converge", samplePeriod: 500 })).toEqual({ ...BOOKSIM_SAMPLING, samplePeriod: 500 });
    expect(samplingOf(defaults())).toBeUndefined();
  });

  it("refuses a fixed window alongside measurement=converge, saying what to do", async () => {
    expect(nocTb.validate!({ ...defaults(), measurement: "converge", measure: 5000 })).toMatch(/drop --param measure=5000/);
    await expect(nocTb.run({ params: { ...defaults(), preset: "booksim" }, seed: 1, cycles: 100 })).rejects.toThrow(/--cycles.*preset=booksim.*maxSamples/);
  });
});
