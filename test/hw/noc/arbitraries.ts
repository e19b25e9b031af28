/** fast-check generators of mesh configurations shared by the NoC tests. */
import { fc } from "@fast-check/vitest";
import { minDepthForFullRate } from "../../../src/golden/noc.js";
import type { NocParams } from "../../../src/hw/noc/params.js";
import { expect } from "vitest";
import { makeMesh } from "../../../src/hw/noc/mesh.js";
import { simulate } from "../../../src/sim/index.js";
import { runNoc } from "../../../src/tb/noc/driver.js";
import type { TrafficKind } from "../../../src/tb/noc/traffic.js";

const bit = fc.integer({ min: 0, max: 1 });

/** Small meshes (1..maxSide per side) with every other parameter drawn over its range (VCs up to 4). */
export function meshConfig(maxSide = 4, opts: { depth?: "full-rate" | "any" } = {}): fc.Arbitrary<NocParams> {
  return fc
    .record({
      w: fc.integer({ min: 1, max: maxSide }),
      h: fc.integer({ min: 1, max: maxSide }),
      vcs: fc.integer({ min: 1, max: 4 }),
      rc: bit,
      va: bit,
      sa: bit,
      st: bit,
      linkLatency: fc.integer({ min: 1, max: 3 }),
      routing: fc.constantFrom("xy" as const, "yx" as const),
      vcPolicy: fc.constantFrom("flow" as const, "any" as const),
      vcRealloc: fc.constantFrom("tail-credit" as const, "tail-sent" as const),
      injQueue: fc.integer({ min: 1, max: 4 }),
      depth: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ depth, ...c }) => {
      const min = minDepthForFullRate(c);
      const bufDepth = opts.depth === "full-rate" ? Math.min(16, min + (depth % 3)) : depth;
      return { ...c, bufDepth, linkCounters: true };
    });
}

/** A readable one-line description for failure messages. */
export function describeConfig(p: NocParams): string {
  return `${p.w}x${p.h} vcs=${p.vcs} depth=${p.bufDepth} rc/va/sa/st=${p.rc}${p.va}${p.sa}${p.st} L=${p.linkLatency} ${p.routing} ${p.vcPolicy} ${p.vcRealloc ?? "tail-credit"} injQueue=${p.injQueue}`;
}

/** Every Bernoulli traffic pattern of the noc testbench. */
export const TRAFFIC_PATTERNS: TrafficKind[] = ["uniform", "transpose", "bitcomp", "neighbour", "hotspot", "alltoall"];

/**
 * Random traffic on the RTL mesh, then no new packets until it drains: every packet arrives once,
 * intact, in order per pair under "flow", the network drains, and every link carries exactly the
 * golden flit count.
 */
export function expectRandomTrafficDelivered(p: NocParams, kind: TrafficKind, rate: number, size: number, seed: number): void {
  const sim = simulate(makeMesh(p));
  const res = runNoc(sim, p, { traffic: { kind }, rate, packetSize: size, warmup: 20, measure: 150, seed, noCooldown: true });
  const what = `${describeConfig(p)} ${kind} rate=${rate} size=${size} seed=${seed}`;
  expect(res.checker.failures, what).toEqual([]);
  expect(res.passed, what).toBe(true);
  expect([...res.linkFlits], what).toEqual([...res.goldenFlits]);
  expect(res.packets.every((pk) => pk.delivered >= 0), what).toBe(true);
}
