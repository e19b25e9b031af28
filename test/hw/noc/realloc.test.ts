/**
 * vcRealloc "tail-sent" (BookSim's wait_for_tail_credit = 0): an output VC takes the next packet
 * as soon as the previous tail has left, so a VC buffer downstream holds the end of one packet and
 * the starts of later ones, each head routed when it reaches the front. Under it, with shallow
 * buffers and short packets (where several packets share a buffer most often), up to load 1.0:
 * every packet arrives once and intact, in order per pair under "flow", the network drains, and
 * every link carries exactly the golden flit count. And it is what it is for: with one VC and
 * single-flit packets a VC no longer waits a credit round trip per packet, so more gets through.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { makeMesh } from "../../../src/hw/noc/mesh.js";
import { nocParams, type NocParams } from "../../../src/hw/noc/params.js";
import { simulate } from "../../../src/sim/index.js";
import { runNoc } from "../../../src/tb/noc/driver.js";
import { TRAFFIC_PATTERNS, expectRandomTrafficDelivered, meshConfig } from "./arbitraries.js";


describe("vcRealloc tail-sent", () => {
  test.prop(
    [
      meshConfig(4).map((p): NocParams => ({ ...p, vcRealloc: "tail-sent", bufDepth: Math.min(p.bufDepth, 3) })),
      fc.constantFrom(...TRAFFIC_PATTERNS),
      fc.oneof(fc.constant(1), fc.double({ min: 0.2, max: 1, noNaN: true })),
      fc.integer({ min: 1, max: 3 }),
      fc.nat(1e9),
    ],
    { numRuns: 20, seed: 5301 },
  )("delivered once, intact, in order per pair; drains; link counts equal golden", expectRandomTrafficDelivered);

  it.each(["flow", "any"] as const)("carries more than tail-credit with one VC and single-flit packets (%s)", (vcPolicy) => {
    const run = (vcRealloc: NocParams["vcRealloc"]) => {
      const p = nocParams({ w: 4, h: 4, vcs: 1, bufDepth: 4, vcPolicy, vcRealloc });
      const res = runNoc(simulate(makeMesh(p)), p, { traffic: { kind: "uniform" }, rate: 0.6, packetSize: 1, warmup: 200, measure: 800, seed: 3 });
      expect(res.checker.failures).toEqual([]);
      return Number(res.metrics.throughput);
    };
    const credit = run("tail-credit"), sent = run("tail-sent");
    // One credit round trip per packet caps a VC at about 1/(round trip) packets per cycle.
    expect(sent).toBeGreaterThan(credit * 1.3);
  });
});
