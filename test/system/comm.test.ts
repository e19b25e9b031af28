/**
 * The system model's network: PALM's p2p formula on idle links, serialization of transfers that
 * share a link, and ring collectives step by step against their analytical forms.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { EventSim } from "../../src/system/des/index.js";
import type { ProcessBody } from "../../src/system/des/index.js";
import { MeshNetwork, collectiveIdleTime, ringCollective } from "../../src/system/comm/index.js";
import { platformPreset } from "../../src/system/platform/index.js";
import type { Platform, TileCoord } from "../../src/system/platform/index.js";

const palm = platformPreset("palm-wafer"); // 20x16 tiles, dies of 4x4, 1024 / 256 GB/s, 1 ns

/** Run one process body to the end; its value. */
function runOne<T>(sim: EventSim, body: ProcessBody<T>): T {
  const p = sim.process(body);
  sim.run();
  return p.value;
}

describe("point to point", () => {
  const tile = fc.record({ x: fc.integer({ min: 0, max: 19 }), y: fc.integer({ min: 0, max: 15 }) });
  test.prop([tile, tile, fc.integer({ min: 0, max: 1 << 24 })], { numRuns: 300 })(
    "idle: bytes / bandwidth + hops x latency, the inter-die bandwidth once the XY route crosses a die edge",
    (a, b, bytes) => {
      const sim = new EventSim();
      const net = new MeshNetwork(sim, palm);
      const hops = Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
      // XY: along row a.y from a.x to b.x, then along column b.x from a.y to b.y.
      const crosses = Math.floor(a.x / 4) !== Math.floor(b.x / 4) || Math.floor(a.y / 4) !== Math.floor(b.y / 4);
      const want = hops === 0 ? 0 : bytes / (crosses ? 256 : 1024) + hops * 1;
      expect(net.route(a, b)).toHaveLength(hops);
      expect(runOne(sim, net.transfer(a, b, bytes))).toBeCloseTo(want, 6);
    },
  );

  it("two transfers on one link: the second's bytes go on after the first's, the link busy twice as long; disjoint links overlap", () => {
    const sim = new EventSim();
    const net = new MeshNetwork(sim, palm, true);
    const mib = 1 << 20, wire = mib / 1024, one = wire + 1; // 1 ns of latency
    const a = sim.process(net.transfer({ x: 0, y: 0 }, { x: 1, y: 0 }, mib));
    const b = sim.process(net.transfer({ x: 0, y: 0 }, { x: 1, y: 0 }, mib));
    const c = sim.process(net.transfer({ x: 1, y: 0 }, { x: 0, y: 0 }, mib)); // the other direction
    sim.run();
    expect(a.value).toBeCloseTo(one, 9);
    expect(b.value).toBeCloseTo(2 * wire + 1, 9);
    expect(c.value).toBeCloseTo(one, 9);
    const use = net.linkUse().find((l) => l.from.x === 0 && l.to.x === 1)!;
    expect(use.transfers).toBe(2);
    expect(use.bytes).toBe(2 * mib);
    expect(use.busy).toEqual([[0, wire], [wire, 2 * wire]]);
  });

  it("transfers into one tile from different sides share its ejection port", () => {
    const sim = new EventSim();
    const net = new MeshNetwork(sim, palm);
    const into = { x: 1, y: 1 }, bytes = 1024 * 64; // 64 ns on the wire
    const w = sim.process(net.transfer({ x: 0, y: 1 }, into, bytes));
    const n = sim.process(net.transfer({ x: 1, y: 0 }, into, bytes));
    sim.run();
    expect([w.value, n.value]).toEqual([65, 129]);
  });

  test.prop([
    fc.array(fc.record({ start: fc.integer({ min: 0, max: 100 }), a: fc.nat(8), b: fc.nat(8), bytes: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 40 }),
  ], { numRuns: 150 })("random traffic: each transfer at least its idle time, a link carries one transfer's bytes at a time", (jobs) => {
    const p = platformPreset("tiny-2x2") as Platform; // 2x2 tiles
    const at = (i: number): TileCoord => ({ x: i % 3 % 2, y: Math.floor(i / 3) % 2 });
    const sim = new EventSim();
    const net = new MeshNetwork(sim, p);
    const took: number[] = [];
    jobs.forEach((j, i) => sim.process((function* () {
      yield sim.timeout(j.start);
      took[i] = yield* net.transfer(at(j.a), at(j.b), j.bytes);
    })()));
    sim.run();
    jobs.forEach((j, i) => expect(took[i]).toBeGreaterThanOrEqual(net.idleTime(at(j.a), at(j.b), j.bytes) - 1e-9));
    expect(net.transfers).toBe(jobs.length);
    // A link carries one transfer at a time: the run lasts at least the busiest link's total.
    for (const l of net.linkUse()) {
      const onLink = jobs.filter((j) => net.route(at(j.a), at(j.b)).some((r) => r.from.x === l.from.x && r.from.y === l.from.y && r.to.x === l.to.x && r.to.y === l.to.y));
      expect(l.transfers).toBe(onLink.length);
      expect(l.bytes).toBe(onLink.reduce((s, j) => s + j.bytes, 0));
      // Each transfer holds the link while its bytes go on (idle time less the route's latency).
      const busy = onLink.reduce((s, j) => s + net.idleTime(at(j.a), at(j.b), j.bytes) - net.pathLatency(at(j.a), at(j.b)), 0);
      expect(sim.now).toBeGreaterThanOrEqual(busy - 1e-9);
      expect(l.utilization).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});

describe("ring collectives", () => {
  // A Hamiltonian cycle of die (0, 0)'s 4x4 tiles: every ring neighbour one hop away, no link
  // used twice in a step.
  const ring: TileCoord[] = [
    [0, 0], [1, 0], [2, 0], [3, 0], [3, 1], [2, 1], [1, 1], [1, 2], [2, 2], [3, 2], [3, 3], [2, 3], [1, 3], [0, 3], [0, 2], [0, 1],
  ].map(([x, y]) => ({ x, y }));
  const P = ring.length, S = 16 << 20, BW = 1024, LAT = 1;

  it("all-reduce on an idle mesh: 2(P-1)/P x S / BW + 2(P-1) x latency", () => {
    for (const [kind, steps] of [["all-reduce", 2 * (P - 1)], ["all-gather", P - 1], ["reduce-scatter", P - 1]] as const) {
      const sim = new EventSim();
      const net = new MeshNetwork(sim, palm);
      const want = ((steps / P) * S) / BW + steps * LAT;
      expect(runOne(sim, ringCollective(net, kind, ring, S))).toBeCloseTo(want, 6);
      expect(collectiveIdleTime(net, kind, ring, S)).toBeCloseTo(want, 6);
    }
  });

  it("all-to-all shares links and takes at least its idle time; a ring across dies runs at the inter-die bandwidth", () => {
    const sim = new EventSim();
    const net = new MeshNetwork(sim, palm);
    const t = runOne(sim, ringCollective(net, "all-to-all", ring, S));
    expect(t).toBeGreaterThan(collectiveIdleTime(net, "all-to-all", ring, S));
    // Two tiles either side of a die edge: each step is one inter-die hop.
    const sim2 = new EventSim();
    const net2 = new MeshNetwork(sim2, palm);
    const pair = [{ x: 3, y: 0 }, { x: 4, y: 0 }];
    expect(runOne(sim2, ringCollective(net2, "all-reduce", pair, S))).toBeCloseTo(2 * (S / 2 / 256 + 1), 6);
  });

  it("bad arguments say which", () => {
    const net = new MeshNetwork(new EventSim(), palm);
    expect(() => collectiveIdleTime(net, "all-reduce", [], 10)).toThrow(/ring has no members/);
    expect(() => collectiveIdleTime(net, "broadcast" as never, ring, 10)).toThrow(/collective 'broadcast': use all-reduce/);
    expect(() => net.idleTime(ring[0], ring[1], -5)).toThrow(/-5 bytes/);
  });
});
