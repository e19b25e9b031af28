/**
 * The NoC golden model against first principles: paths are shortest, dimension ordered and end in
 * the destination's ejection port; link loads are the sum of path counts; the uniform mean hop
 * count and the channel-load bound match their closed forms.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import {
  OUT_DIRS, coords, hops, linkIndex, linkLoads, matrixLinkLoads, minDepthForFullRate, path, saturationBound, uniformMeanHops,
  zeroLoadLatency,
} from "../../src/golden/noc.js";

const mesh = fc.record({ w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 9 }) });
const meshPair = mesh.chain(({ w, h }) =>
  fc.record({ w: fc.constant(w), h: fc.constant(h), src: fc.nat(w * h - 1), dst: fc.nat(w * h - 1), routing: fc.constantFrom("xy" as const, "yx" as const) }),
);

describe("golden NoC paths", () => {
  test.prop([meshPair], { numRuns: 300, seed: 5101 })("a DOR path is a shortest walk of neighbours ending in the destination's L port", ({ w, h, src, dst, routing }) => {
    const p = path(routing, w, src, dst);
    expect(p.length).toBe(hops(w, src, dst) + 1);
    expect(p[p.length - 1]).toEqual({ node: dst, dir: "L" });
    expect(p[0].node).toBe(src);
    let turnedToSecond = false;
    for (let i = 0; i + 1 < p.length; i++) {
      const a = coords(w, p[i].node), b = coords(w, p[i + 1].node);
      const step = { E: [1, 0], W: [-1, 0], S: [0, 1], N: [0, -1], L: [0, 0] }[p[i].dir];
      expect([b.x - a.x, b.y - a.y]).toEqual(step);
      expect(b.x >= 0 && b.x < w && b.y >= 0 && b.y < h).toBe(true);
      const inX = p[i].dir === "E" || p[i].dir === "W";
      const first = routing === "xy" ? inX : !inX;
      if (!first) turnedToSecond = true;
      else expect(turnedToSecond).toBe(false); // never back to the first dimension
    }
  });

  it("hops is the Manhattan distance", () => {
    expect(hops(8, 0, 63)).toBe(14);
    expect(hops(8, 9, 9)).toBe(0);
    expect(hops(5, 3, 21)).toBe(Math.abs(3 - 1) + Math.abs(0 - 4));
  });
});

describe("golden link loads", () => {
  test.prop(
    [mesh.chain(({ w, h }) => fc.record({ w: fc.constant(w), h: fc.constant(h), flows: fc.array(fc.record({ src: fc.nat(w * h - 1), dst: fc.nat(w * h - 1), flits: fc.integer({ min: 1, max: 9 }) }), { maxLength: 40 }) }))],
    { numRuns: 150, seed: 5102 },
  )("per-link loads are the sum of each flow's path, and only existing links carry flits", ({ w, h, flows }) => {
    for (const routing of ["xy", "yx"] as const) {
      const loads = linkLoads(routing, w, h, flows);
      const brute = new Float64Array(w * h * 5);
      for (const f of flows) for (const hp of path(routing, w, f.src, f.dst)) brute[linkIndex(hp.node, hp.dir)] += f.flits;
      expect([...loads]).toEqual([...brute]);
      for (let n = 0; n < w * h; n++) {
        const { x, y } = coords(w, n);
        if (x === w - 1) expect(loads[linkIndex(n, "E")]).toBe(0);
        if (x === 0) expect(loads[linkIndex(n, "W")]).toBe(0);
        if (y === 0) expect(loads[linkIndex(n, "N")]).toBe(0);
        if (y === h - 1) expect(loads[linkIndex(n, "S")]).toBe(0);
      }
      // Every flit is ejected once, and crosses hops(src, dst) links before that.
      const total = loads.reduce((a, b) => a + b, 0);
      expect(total).toBe(flows.reduce((a, f) => a + f.flits * (hops(w, f.src, f.dst) + 1), 0));
    }
  });

  it("a traffic matrix and its flow list give the same loads", () => {
    const m = [[0, 3, 1, 0], [2, 0, 0, 5], [0, 0, 0, 1], [4, 0, 2, 0]];
    const flows = m.flatMap((row, src) => row.map((flits, dst) => ({ src, dst, flits })));
    expect([...matrixLinkLoads("xy", 2, 2, m)]).toEqual([...linkLoads("xy", 2, 2, flows)]);
    expect(OUT_DIRS).toEqual(["L", "E", "W", "N", "S"]);
  });

  it("uniform traffic: mean hops has the closed form N/(N-1) * ((w^2-1)/3w + (h^2-1)/3h)", () => {
    for (const [w, h] of [[2, 2], [8, 8], [5, 3], [1, 7]]) {
      const n = w * h;
      expect(uniformMeanHops(w, h)).toBeCloseTo((n / (n - 1)) * ((w * w - 1) / (3 * w) + (h * h - 1) / (3 * h)), 10);
    }
  });

  it("uniform traffic on a k x k mesh saturates near the bisection bound 4/k", () => {
    for (const k of [4, 8]) {
      const n = k * k;
      const fr = Array.from({ length: n }, (_, s) => Array.from({ length: n }, (_, d) => (s === d ? 0 : 1 / (n - 1))));
      // The busiest link is a middle link of the bisection: (k/2)^2 * k sources' flits cross it... with self traffic
      // excluded the bound is (n-1)/n * 4/k.
      expect(saturationBound("xy", k, k, fr)).toBeCloseTo(((n - 1) / n) * (4 / k), 10);
    }
  });
});

describe("zero-load latency formula", () => {
  it("counts every router's stages, every link and the fixed interface cycles", () => {
    const classic = { rc: 1, va: 1, sa: 1, st: 1, linkLatency: 1 };
    expect(zeroLoadLatency(classic, 0, 1)).toBe(4 + 1 + 2);
    expect(zeroLoadLatency(classic, 3, 3)).toBe(4 * 4 + 3 + 3 + 2);
    expect(zeroLoadLatency({ rc: 0, va: 0, sa: 0, st: 0, linkLatency: 2 }, 5, 4)).toBe(10 + 4 + 2);
    expect(minDepthForFullRate(classic)).toBe(4);
    expect(minDepthForFullRate({ rc: 0, va: 0, sa: 0, st: 0, linkLatency: 1 })).toBe(2);
  });
});
