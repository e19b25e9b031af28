/**
 * The RTL mesh against the golden model, over random mesh sizes, VC counts, buffer depths,
 * pipeline settings, link latencies, routing orders and VC policies:
 *  - zero-load latency of every packet equals the formula (src/golden/noc.ts), and is never below
 *    it when buffers are too shallow for full rate;
 *  - random traffic of every pattern up to offered load 1.0: every packet arrives once, intact, in
 *    order per pair ("flow"), the network drains after injection stops (no deadlock), and the
 *    flits counted on each router output equal the golden path counts exactly.
 */
import { describe, expect } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { hops, zeroLoadLatency } from "../../../src/golden/noc.js";
import { makeMesh } from "../../../src/hw/noc/mesh.js";
import type { NocParams } from "../../../src/hw/noc/params.js";
import { simulate } from "../../../src/sim/index.js";
import { runNoc } from "../../../src/tb/noc/driver.js";
import type { TraceEntry } from "../../../src/tb/noc/traffic.js";
import { TRAFFIC_PATTERNS, describeConfig, expectRandomTrafficDelivered, meshConfig } from "./arbitraries.js";

/** Packets one at a time (each alone in the network), from a trace. */
function isolatedPackets(p: NocParams, pairs: readonly { src: number; dst: number; size: number }[]) {
  const gap = 40 + (p.w + p.h) * (p.rc + p.va + p.sa + p.st + p.linkLatency) + 2 * 16;
  const trace: TraceEntry[] = pairs.map((q, i) => ({ cycle: i * gap, ...q }));
  const sim = simulate(makeMesh(p));
  const res = runNoc(sim, p, { traffic: { kind: "trace", trace }, rate: 0, packetSize: 1, warmup: 0, measure: trace.length * gap, seed: 1 });
  return res;
}

const withPackets = (cfg: fc.Arbitrary<NocParams>) =>
  cfg.chain((p) =>
    fc.record({
      p: fc.constant(p),
      pairs: fc.array(fc.record({ src: fc.nat(p.w * p.h - 1), dst: fc.nat(p.w * p.h - 1), size: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 6 }),
    }),
  );

describe("zero-load latency", () => {
  test.prop([withPackets(meshConfig(5, { depth: "full-rate" }))], { numRuns: 30, seed: 5201 })(
    "every packet alone in the network takes exactly (H+1)(rc+va+sa+st) + H*L + size + 2 cycles",
    ({ p, pairs }) => {
      const res = isolatedPackets(p, pairs);
      expect(res.checker.failures, describeConfig(p)).toEqual([]);
      for (const pk of res.packets) {
        const want = zeroLoadLatency(p, hops(p.w, pk.src, pk.dst), pk.size);
        expect(pk.delivered - pk.created, `${describeConfig(p)}: ${pk.src}->${pk.dst} size ${pk.size}`).toBe(want);
      }
    },
  );

  test.prop([withPackets(meshConfig(4, { depth: "any" }))], { numRuns: 15, seed: 5202 })(
    "with shallow buffers a packet is never faster than the formula, and still arrives",
    ({ p, pairs }) => {
      const res = isolatedPackets(p, pairs);
      expect(res.checker.failures, describeConfig(p)).toEqual([]);
      for (const pk of res.packets) expect(pk.delivered - pk.created).toBeGreaterThanOrEqual(zeroLoadLatency(p, hops(p.w, pk.src, pk.dst), pk.size));
    },
  );
});


describe("random traffic up to saturation and beyond", () => {
  test.prop(
    [
      meshConfig(4),
      fc.constantFrom(...TRAFFIC_PATTERNS),
      fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
      fc.integer({ min: 1, max: 6 }),
      fc.nat(1e9),
    ],
    { numRuns: 25, seed: 5203 },
  )("delivered once, intact, in order per pair; drains after injection stops; link counts equal golden", expectRandomTrafficDelivered);
});
