/**
 * Load sweeps: plans split into shards that cover every point once; shard outputs merge into the
 * same result as the unsharded sweep (runs are deterministic per seed); the worker pool gives the
 * same points as running in-process; saturation is found by interpolation; the JSON and SVG files
 * are written; `tessera sweep noc` parses, runs, merges and reports usage errors.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import {
  findSaturation, mergeSweeps, parseRates, planPoints, runSweep, shardOf, sweepOutputFiles, writeSweepOutputs,
} from "../../../src/sweep/index.js";
import type { SweepPoint, SweepResult } from "../../../src/sweep/index.js";
import { captureIo } from "../../../src/cli/io.js";
import { sweepNocCommand } from "../../../src/cli/commands/sweep-noc.js";

const small = { w: 2, h: 2, warmup: 30, measure: 150, packetSize: 2 };

describe("plans and shards", () => {
  test.prop([fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 })], { numRuns: 100, seed: 5401 })(
    "the shards of a plan are disjoint and cover it",
    (rs, seeds, n) => {
      const plan = planPoints(rs.map((r) => r / 100), Array.from({ length: seeds }, (_, k) => k + 1));
      const parts = Array.from({ length: n }, (_, i) => shardOf(plan, { index: i, count: n }));
      const keys = parts.flat().map((p) => `${p.rate}|${p.seed}`);
      expect(new Set(keys).size).toBe(plan.length);
      expect(keys.length).toBe(plan.length);
      expect(shardOf(plan, { index: 0, count: n })).toEqual(parts[0]);
    },
  );

  it("rates parse from lists and ranges and are checked", () => {
    expect(parseRates("0.1, 0.3,0.2")).toEqual([0.1, 0.3, 0.2]);
    expect(parseRates("0.05..0.2:0.05")).toEqual([0.05, 0.1, 0.15, 0.2]);
    expect(() => parseRates("0..0.2:0.1")).toThrow(/not an offered load/);
    expect(() => parseRates("0.2..0.1:0.05")).toThrow(/lo <= hi/);
    expect(() => parseRates("1.5")).toThrow(/\(0, 1\]/);
  });
});

const pt = (rate: number, avgLatency: number, stable = true): SweepPoint => ({
  rate, seed: 1, passed: true, failures: [], cycles: 0, timing: { wallMs: 0 }, linkUtil: [],
  metrics: { avgLatency, p99Latency: avgLatency * 2, throughput: rate, offered: rate, zeroLoadLatency: 20, stable },
});

describe("saturation", () => {
  it("interpolates where average latency crosses twice zero-load", () => {
    const s = findSaturation([pt(0.1, 21), pt(0.2, 30), pt(0.3, 50), pt(0.4, 200)]);
    expect(s.zeroLoad).toBe(20);
    expect(s.threshold).toBe(40);
    expect(s.how).toBe("interpolated");
    expect(s.bracket).toEqual([0.2, 0.3]);
    expect(s.rate).toBeCloseTo(0.25, 10);
  });

  it("an unstable point counts as past saturation; not reached / already reached are said so", () => {
    expect(findSaturation([pt(0.1, 21), pt(0.2, 35), pt(0.3, 38, false)]).bracket).toEqual([0.2, 0.3]);
    expect(findSaturation([pt(0.1, 21), pt(0.2, 35)]).how).toBe("not-reached");
    expect(findSaturation([pt(0.5, 90), pt(0.6, 95)]).how).toBe("below-lowest-rate");
  });
});

describe("runSweep", () => {
  const rates = [0.1, 0.5, 0.9];

  it("shards merge into exactly the unsharded sweep", async () => {
    const whole = await runSweep({ params: small, rates, seeds: 2, inProcess: true });
    expect(whole.points.length).toBe(6);
    expect(whole.points.every((p) => p.passed)).toBe(true);
    const a = await runSweep({ params: small, rates, seeds: 2, inProcess: true, shard: { index: 0, count: 2 } });
    const b = await runSweep({ params: small, rates, seeds: 2, inProcess: true, shard: { index: 1, count: 2 } });
    expect(a.complete).toBe(false);
    const strip = (r: SweepResult) => r.points.map((p) => ({ ...p, timing: { wallMs: 0 } }));
    const merged = mergeSweeps([b, a]);
    expect(merged.complete).toBe(true);
    expect(strip(merged)).toEqual(strip(whole));
    expect(merged.saturation).toEqual(whole.saturation);
    expect(() => mergeSweeps([a, { ...b, params: { ...b.params, w: 3 } }])).toThrow(/other parameters/);
  });

  it("worker threads give the same points; outputs are written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "noc-sweep-"));
    const out = join(dir, "s.json");
    const pooled = await runSweep({ params: small, rates, workers: 2, out });
    const local = await runSweep({ params: small, rates, inProcess: true });
    expect(pooled.points.map((p) => p.metrics)).toEqual(local.points.map((p) => p.metrics));
    const f = sweepOutputFiles(out);
    for (const file of [f.json, f.latency, f.throughput, f.links]) expect(existsSync(file), file).toBe(true);
    const json = JSON.parse(readFileSync(f.json, "utf8")) as SweepResult;
    expect(json.points.length).toBe(3);
    for (const file of [f.latency, f.throughput, f.links]) {
      const svg = readFileSync(file, "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.trim().endsWith("</svg>")).toBe(true);
      expect((svg.match(/<svg/g) ?? []).length).toBe(1);
    }
    expect(readFileSync(f.links, "utf8")).toMatch(/\(0,0\) -> E/);
    writeSweepOutputs(mergeSweeps([f.json]), join(dir, "again.json"));
    expect(existsSync(join(dir, "again-latency.svg"))).toBe(true);
  });

  it("refuses unknown parameters and loads outside (0, 1]", async () => {
    await expect(runSweep({ params: { nope: 1 }, rates: [0.1], inProcess: true })).rejects.toThrow(/no parameter 'nope'/);
    await expect(runSweep({ params: small, rates: [0], inProcess: true })).rejects.toThrow(/not an offered load/);
    await expect(runSweep({ params: { ...small, vcs: 9 }, rates: [0.1], inProcess: true })).rejects.toThrow(/vcs = 9/);
  });
});

describe("tessera sweep noc", () => {
  it("runs, writes, merges, and reports usage errors with exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "noc-cli-"));
    const io = captureIo();
    const args = { param: ["w=2", "h=2", "warmup=20", "measure=100"], rates: "0.2,0.6", workers: 2 };
    expect(await sweepNocCommand({ ...args, shard: { index: 0, count: 2 }, out: join(dir, "a.json") }, io)).toBe(0);
    expect(await sweepNocCommand({ ...args, shard: { index: 1, count: 2 }, out: join(dir, "b.json") }, io)).toBe(0);
    const m = captureIo();
    expect(await sweepNocCommand({ merge: [join(dir, "a.json"), join(dir, "b.json")], out: join(dir, "m.json"), json: true }, m)).toBe(0);
    const merged = JSON.parse(m.stdout) as SweepResult;
    expect(merged.points.map((p) => p.rate)).toEqual([0.2, 0.6]);
    expect(merged.complete).toBe(true);
    expect(io.stdout).toMatch(/saturation/);
    const bad = captureIo();
    expect(await sweepNocCommand({ param: ["vcs=12"] }, bad)).toBe(2);
    expect(bad.stderr).toMatch(/vcs/);
    expect(await sweepNocCommand({ param: ["w=2"], rates: "2" }, bad)).toBe(2);
    expect(await sweepNocCommand({ merge: [join(dir, "missing.json")] }, bad)).toBe(2);
  });
});
