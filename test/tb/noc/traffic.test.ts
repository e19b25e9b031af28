/** Traffic patterns, injection process and trace/hotspot parsing of the noc testbench. */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { rng } from "../../../src/tb/harness.js";
import {
  TrafficError, centreHotspot, destinationPicker, geometricGap, parseHotspots, parseTrace, trafficFractions,
} from "../../../src/tb/noc/traffic.js";

const side = fc.integer({ min: 1, max: 8 });

describe("patterns", () => {
  test.prop([side, side], { numRuns: 60, seed: 5301 })("bitcomp and neighbour are permutations; transpose is one on square meshes", (w, h) => {
    const n = w * h;
    for (const kind of ["bitcomp", "neighbour"] as const) {
      const pick = destinationPicker({ kind }, w, h);
      expect(new Set(Array.from({ length: n }, (_, s) => pick(s, 0, Math.random))).size).toBe(n);
    }
    const t = destinationPicker({ kind: "transpose" }, w, w);
    for (let s = 0; s < w * w; s++) {
      const d = t(s, 0, Math.random);
      expect(t(d, 0, Math.random)).toBe(s);
      expect(d).toBe((s % w) * w + Math.floor(s / w));
    }
  });

  it("bitcomp is the bit complement of the id on power-of-two meshes", () => {
    const pick = destinationPicker({ kind: "bitcomp" }, 8, 4);
    for (let s = 0; s < 32; s++) expect(pick(s, 0, Math.random)).toBe(~s & 31);
  });

  it("uniform never sends to itself and reaches every other node", () => {
    const pick = destinationPicker({ kind: "uniform" }, 3, 3);
    const r = rng(3);
    const hits = new Array(9).fill(0);
    for (let k = 0; k < 9000; k++) hits[pick(4, k, r)]++;
    expect(hits[4]).toBe(0);
    for (let d = 0; d < 9; d++) if (d !== 4) expect(hits[d]).toBeGreaterThan(800);
  });

  it("all-to-all: phase j sends every source to the node j+1 ids on, phasePackets packets each", () => {
    const n = 6;
    const pick = destinationPicker({ kind: "alltoall", phasePackets: 2 }, 3, 2);
    for (let s = 0; s < n; s++) {
      const dsts = Array.from({ length: 2 * (n - 1) }, (_, k) => pick(s, k, Math.random));
      expect(dsts.filter((d) => d === s)).toEqual([]);
      expect(new Set(dsts).size).toBe(n - 1);
      expect(dsts[0]).toBe(dsts[1]);
      expect(dsts[2]).toBe((s + 2) % n);
      // Within one phase the sources form a permutation.
      expect(new Set(Array.from({ length: n }, (_, q) => pick(q, 4, Math.random))).size).toBe(n);
    }
  });

  it("hotspot: destinations follow the weights; hotFraction mixes in uniform traffic", () => {
    const pick = destinationPicker({ kind: "hotspot", hotspots: [{ node: 1, weight: 3 }, { node: 7, weight: 1 }] }, 4, 4);
    const r = rng(5);
    const hits = new Map<number, number>();
    for (let k = 0; k < 8000; k++) {
      const d = pick(0, k, r);
      hits.set(d, (hits.get(d) ?? 0) + 1);
    }
    expect([...hits.keys()].sort()).toEqual([1, 7]);
    expect(hits.get(1)! / 8000).toBeCloseTo(0.75, 1);
    const mixed = destinationPicker({ kind: "hotspot", hotspots: [{ node: 5, weight: 1 }], hotFraction: 0.5 }, 4, 4);
    let toHot = 0;
    for (let k = 0; k < 8000; k++) if (mixed(0, k, r) === 5) toHot++;
    expect(toHot / 8000).toBeCloseTo(0.5 + 0.5 / 15, 1);
    expect(centreHotspot(8, 8)).toEqual([{ node: 27, weight: 1 }]);
  });

  it("traffic fractions: every row sums to 1", () => {
    for (const kind of ["uniform", "transpose", "bitcomp", "neighbour", "hotspot", "alltoall"] as const) {
      for (const row of trafficFractions({ kind }, 4, 3)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});

describe("injection", () => {
  it("geometric gaps have mean 1/p (Bernoulli arrivals)", () => {
    const r = rng(7);
    for (const p of [0.02, 0.25, 0.9]) {
      let sum = 0;
      const k = 20000;
      for (let i = 0; i < k; i++) sum += geometricGap(p, r);
      expect(Math.abs(sum / k - 1 / p) * p).toBeLessThan(0.04);
    }
    expect(geometricGap(1, r)).toBe(1);
    expect(geometricGap(0, r)).toBe(Infinity);
  });
});

describe("parsing", () => {
  it("hotspot lists name bad entries", () => {
    expect(parseHotspots("3:2, 5", 16)).toEqual([{ node: 3, weight: 2 }, { node: 5, weight: 1 }]);
    expect(() => parseHotspots("16", 16)).toThrow(/node 16 is not on the mesh/);
    expect(() => parseHotspots("x", 16)).toThrow(TrafficError);
    expect(() => parseHotspots("", 16)).toThrow(/empty/);
  });

  it("traces: CSV with header and comments, or JSON; sorted; checked", () => {
    const t = parseTrace("cycle,src,dst,size\n# a comment\n5,1,2,3\n0,0,3,1\n", 4, 255);
    expect(t).toEqual([{ cycle: 0, src: 0, dst: 3, size: 1 }, { cycle: 5, src: 1, dst: 2, size: 3 }]);
    expect(parseTrace('[{"cycle":2,"src":0,"dst":1,"size":4}]', 4, 255)).toEqual([{ cycle: 2, src: 0, dst: 1, size: 4 }]);
    expect(() => parseTrace("0,0,9,1", 4, 255)).toThrow(/trace:1: field 'dst' = 9 is not a node/);
    expect(() => parseTrace("0,0,1,0", 4, 255)).toThrow(/trace:1: field 'size' = 0 must be 1\.\.255 flits/);
    expect(() => parseTrace("0,0,1", 4, 255)).toThrow(/trace:1: '0,0,1' has 3 fields/);
  });
});
