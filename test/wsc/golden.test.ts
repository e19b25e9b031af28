/**
 * The wafer-scale MoE golden (src/golden/wsc.ts): the link-load vectors of papers.md section 1
 * reproduced exactly, and the properties of the mappings, the MoE layer's traffic and the
 * NI-Balancer planner over random meshes, FTD shapes, top-k, token counts and seeds.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  a2aLinkLoads, assignReplicas, deviceLoads, expertLoads, ftdOf, interFtdLinks, linkKey, maxLinkLoad, meshLinks, migrationSteps,
  moeLayerTraffic, moeOutputs, moeRouting, niBalancerPlan, ringHops, routeLinks, totalLinkLoad, wscMapping,
} from "../../src/golden/wsc.js";
import { mulberry32 } from "../../src/golden/prng.js";

const everyNode = (W: number, H: number) => [Array.from({ length: W * H }, (_, i) => i)];

describe("wsc golden: the vectors of papers.md section 1", () => {
  const cases = [
    { W: 4, H: 4, global: [16, 640], block: [4, 128], er: [2, 64], blockFtd0: [0, 2, 8, 10], erLinks: 32 },
    { W: 8, H: 8, global: [128, 21504], block: [8, 1024], er: [2, 256], blockFtd0: [0, 4, 32, 36], erLinks: 128 },
  ];
  for (const c of cases) {
    it(`${c.W}x${c.H}: all-to-all max-link / hop-messages, global ${c.global.join("/")}, block ${c.block.join("/")}, ER ${c.er.join("/")}`, () => {
      const g = a2aLinkLoads(c.W, c.H, everyNode(c.W, c.H));
      const block = wscMapping("block", c.W, c.H, 2, 2), er = wscMapping("entwined", c.W, c.H, 2, 2);
      const b = a2aLinkLoads(c.W, c.H, block.ftds), e = a2aLinkLoads(c.W, c.H, er.ftds);
      expect([maxLinkLoad(g), totalLinkLoad(g)]).toEqual(c.global);
      expect([maxLinkLoad(b), totalLinkLoad(b)]).toEqual(c.block);
      expect([maxLinkLoad(e), totalLinkLoad(e)]).toEqual(c.er);
      expect(block.ftds[0]).toEqual(c.blockFtd0);
      expect(er.ftds[0]).toEqual([0, 1, c.W, c.W + 1]); // the 2x2 block at the origin
      expect(Object.values(e).filter((v) => v > 0).length).toBe(c.erLinks);
      expect(meshLinks(c.W, c.H).length).toBe(2 * (c.W - 1) * c.H + 2 * c.W * (c.H - 1));
      for (const l of interFtdLinks(c.W, c.H, er)) expect(e[l] ?? 0).toBe(0);
      expect(interFtdLinks(c.W, c.H, block).some((l) => (b[l] ?? 0) > 0)).toBe(true);
    });
  }

  it("ring hops per step: block 1 (4x4 snake closes with 1, 8x8 with 3), ER 2 (closing 2 on 4x4, 6 on 8x8)", () => {
    for (const [W, closeBlock, closeEr] of [[4, 1, 2], [8, 3, 6]]) {
      const T = (W * W) / 4;
      for (const ring of wscMapping("block", W, W, 2, 2).tpGroups) expect(ringHops(W, W, ring)).toEqual([...new Array(T - 1).fill(1), closeBlock]);
      for (const ring of wscMapping("entwined", W, W, 2, 2).tpGroups) expect(ringHops(W, W, ring)).toEqual([...new Array(T - 1).fill(2), closeEr]);
    }
  });

  it("routes: XY goes along x first, YX along y first; a link joins 4-neighbours", () => {
    expect(routeLinks(4, 0, 5)).toEqual([linkKey(0, 1), linkKey(1, 5)]);
    expect(routeLinks(4, 0, 5, "yx")).toEqual([linkKey(0, 4), linkKey(4, 5)]);
    expect(routeLinks(4, 7, 7)).toEqual([]);
  });

  it("names bad meshes and FTD shapes", () => {
    expect(() => wscMapping("block", 4, 4, 3, 2)).toThrow(/bw = 3 must be a whole number dividing W = 4/);
    expect(() => wscMapping("ring" as never, 4, 4, 2, 2)).toThrow(/kind 'ring'/);
    expect(() => moeRouting(4, 8, 9, 1)).toThrow(/topk = 9/);
  });
});

/** Random mesh with an FTD shape dividing it. */
const meshArb = fc
  .record({ bw: fc.integer({ min: 1, max: 3 }), bh: fc.integer({ min: 1, max: 3 }), kx: fc.integer({ min: 1, max: 4 }), ky: fc.integer({ min: 1, max: 4 }) })
  .map(({ bw, bh, kx, ky }) => ({ W: bw * kx, H: bh * ky, bw, bh }));

describe("wsc golden: properties", () => {
  test.prop([meshArb, fc.constantFrom("block", "entwined" as const)], { numRuns: 60 })("mappings are bijections; each FTD has one member per TP group", ({ W, H, bw, bh }, kind) => {
    const m = wscMapping(kind, W, H, bw, bh);
    const N = W * H, D = bw * bh, T = N / D;
    expect(m.tpGroups.length).toBe(D);
    expect(m.ftds.length).toBe(T);
    expect([...m.tpGroups.flat()].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect([...m.ftds.flat()].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    const group = new Array<number>(N);
    m.tpGroups.forEach((g, k) => g.forEach((d) => (group[d] = k)));
    for (const f of m.ftds) expect(f.map((d) => group[d])).toEqual(Array.from({ length: D }, (_, k) => k));
    // Ring steps: block 1 but the snake's closing edge; ER: the FTD block's width or height.
    for (const ring of m.tpGroups) {
      const h = ringHops(W, H, ring).slice(0, -1);
      for (const x of h) expect(kind === "block" ? x === 1 : x === bw || x === bh).toBe(true);
    }
  });

  test.prop([meshArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, 2)], { numRuns: 40 })(
    "one MoE layer: ER all-to-all never touches an inter-FTD link; total bytes equal across mappings; combine = dispatch transposed",
    ({ W, H, bw, bh }, topkRaw, tokens, seed, skew) => {
      const N = W * H, experts = N, topk = Math.min(topkRaw, experts);
      const spec = { W, H, bw, bh, experts, topk, tokens, bytesPerToken: 64, seed, skew };
      const t = { block: moeLayerTraffic({ ...spec, mapping: "block" }), entwined: moeLayerTraffic({ ...spec, mapping: "entwined" }), global: moeLayerTraffic({ ...spec, mapping: "global" }) };
      const sum = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
      for (const k of ["block", "entwined", "global"] as const) {
        expect(sum(t[k].dispatch)).toBe(bw * bh * tokens * topk * 64);
        t[k].dispatch.forEach((row, i) => row.forEach((v, j) => expect(t[k].combine[j][i]).toBe(v)));
        // combine moves the same bytes over as many hops (its routes are XY from the other end)
        expect(totalLinkLoad(t[k].phases.combine)).toBe(totalLinkLoad(t[k].phases.dispatch));
      }
      for (const l of interFtdLinks(W, H, t.entwined.mapping)) expect(t.entwined.phases.dispatch[l] ?? 0).toBe(0);
      // the same routing: every token's experts are the same under every mapping
      expect(t.block.route).toEqual(t.entwined.route);
    },
  );

  it("max link load of a unit all-to-all: ER <= block <= global on the test meshes", () => {
    for (const [W, H] of [[4, 4], [8, 8], [8, 4], [4, 8]]) {
      const er = maxLinkLoad(a2aLinkLoads(W, H, wscMapping("entwined", W, H, 2, 2).ftds));
      const block = maxLinkLoad(a2aLinkLoads(W, H, wscMapping("block", W, H, 2, 2).ftds));
      const global = maxLinkLoad(a2aLinkLoads(W, H, everyNode(W, H)));
      expect(er).toBeLessThanOrEqual(block);
      expect(block).toBeLessThanOrEqual(global);
    }
  });

  test.prop([meshArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0.05, 0.1, 0.3), fc.integer({ min: 0, max: 2 })], { numRuns: 40 })(
    "NI-Balancer: never raises the maximum predicted load, respects slots, copies along the XY route split into local/global steps",
    ({ W, H, bw, bh }, perDevice, seed, alpha, slots) => {
      const N = W * H, experts = N * perDevice;
      const t = moeLayerTraffic({ W, H, bw, bh, mapping: "entwined", experts, topk: Math.min(2, experts), tokens: 16, bytesPerToken: 1, seed, skew: 1.5 });
      const loads = expertLoads(t, experts);
      const plan = niBalancerPlan({ W, H, mapping: t.mapping, placement: t.placement, loads, slots, alpha });
      expect(Math.max(...plan.after)).toBeLessThanOrEqual(Math.max(...plan.before) + 1e-9);
      expect(plan.after.reduce((a, b) => a + b, 0)).toBeCloseTo(loads.reduce((a, b) => a + b, 0), 9); // work moves, never vanishes
      const extra = new Array<number>(N).fill(0);
      plan.replicas.forEach((devs) => {
        expect(new Set(devs).size).toBe(devs.length);
        devs.slice(1).forEach((d) => extra[d]++);
      });
      for (const x of extra) expect(x).toBeLessThanOrEqual(slots);
      if (!plan.triggered) expect(plan.migrations).toEqual([]);
      const ftd = ftdOf(t.mapping, N);
      for (const mg of plan.migrations) {
        const links = mg.steps.flatMap((s) => s.links);
        expect(links).toEqual(routeLinks(W, mg.from, mg.to));
        for (const s of mg.steps) for (const l of s.links) {
          const [a, b] = l.split("->").map(Number);
          expect(s.kind).toBe(ftd[a] === ftd[b] ? "local" : "global");
        }
        mg.steps.slice(1).forEach((s, i) => expect(s.kind).not.toBe(mg.steps[i].kind));
      }
      expect(deviceLoads(plan.replicas, loads, N)).toEqual(plan.after);
    },
  );

  it("NI-Balancer: deterministic tie-breaks, nearest target, and the trigger", () => {
    // 2x2 mesh, 4 experts, all load on expert 0 at device 0; one slot each.
    const m = wscMapping("entwined", 2, 2, 2, 2);
    const plan = niBalancerPlan({ W: 2, H: 2, mapping: m, placement: [0, 1, 2, 3], loads: [12, 0, 0, 0], slots: 1, alpha: 0.1 });
    expect(plan.triggered).toBe(true);
    // Devices 1 and 2 are both 1 hop away: the lower id first, then 2, then 3.
    expect(plan.migrations.map((x) => [x.expert, x.from, x.to])).toEqual([[0, 0, 1], [0, 0, 2], [0, 0, 3]]);
    expect(plan.after).toEqual([3, 3, 3, 3]);
    const calm = niBalancerPlan({ W: 2, H: 2, mapping: m, placement: [0, 1, 2, 3], loads: [10, 10, 10, 11], slots: 1, alpha: 0.1 });
    expect(calm.triggered).toBe(false);
    expect(migrationSteps(4, ftdOf(wscMapping("entwined", 4, 4, 2, 2), 16), 0, 3)).toEqual([
      { kind: "local", src: 0, dst: 1, links: ["0->1"] },
      { kind: "global", src: 1, dst: 2, links: ["1->2"] },
      { kind: "local", src: 2, dst: 3, links: ["2->3"] },
    ]);
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 20 })("MoE outputs are unchanged by balancing when replicas hold the home weights", (seed) => {
    const W = 4, H = 4, experts = 16;
    const t = moeLayerTraffic({ W, H, bw: 2, bh: 2, mapping: "entwined", experts, topk: 2, tokens: 6, bytesPerToken: 1, seed, skew: 2 });
    const plan = niBalancerPlan({ W, H, mapping: t.mapping, placement: t.placement, loads: expertLoads(t, experts), slots: 2, alpha: 0.05 });
    const r = mulberry32(seed ^ 0x5eed);
    const weights = Array.from({ length: experts }, () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => Math.floor(r() * 17) - 8)));
    const xs = t.route.map((g) => g.map(() => Array.from({ length: 3 }, () => Math.floor(r() * 33) - 16)));
    const x = (g: number, i: number) => xs[g][i];
    const home = moeOutputs(t.route, assignReplicas(t.route, t.placement.map((d) => [d])), x, (_d, e) => weights[e]);
    const balanced = moeOutputs(t.route, assignReplicas(t.route, plan.replicas), x, (_d, e) => weights[e]);
    expect(balanced).toEqual(home);
    // A replica holding a wrong copy is seen whenever some pair is computed on a replica (the
    // corruption changes row 0 by x0 + 40 x1 + 1600 x2, zero only for a zero activation).
    const where = assignReplicas(t.route, plan.replicas);
    const onReplica = t.route.some((g, gi) => g.some((exps, i) => exps.some((e, k) => where[gi][i][k] !== t.placement[e] && xs[gi][i].some((v) => v !== 0))));
    const wrong = (d: number, e: number) => (d === t.placement[e] ? weights[e] : weights[e].map((row, ri) => (ri === 0 ? row.map((v, c) => v + [1, 40, 1600][c]) : row)));
    if (onReplica) expect(moeOutputs(t.route, where, x, wrong)).not.toEqual(home);
  });
});

