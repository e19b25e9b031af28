/**
 * Injection priority classes (priorityClasses 2: a low-priority queue in every network interface,
 * for traffic such as MoE expert migration that must not delay the rest):
 *  - with only high traffic the mesh is cycle-exact the single-class mesh;
 *  - over random meshes and random traces mixing both classes every run check passes, a source
 *    never hands the interface a low packet while a high one waits, the interface never starts a
 *    low packet while a high one waits in (or is being offered to) its high queue, and packets
 *    leave an interface whole (monitored on its link to the router);
 *  - a long low-priority stream delays a high-priority burst by at most the low packet in progress;
 *  - bad parameters and traces are refused by name.
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { hops, zeroLoadLatency } from "../../../src/golden/noc.js";
import { flitLayout } from "../../../src/hw/noc/flit.js";
import { makeMesh, meshNames } from "../../../src/hw/noc/mesh.js";
import { flowVcOf } from "../../../src/hw/noc/ni.js";
import { NocParamError, NocParams, nocParams } from "../../../src/hw/noc/params.js";
import { simulate } from "../../../src/sim/index.js";
import { NocRunResult, PacketRecord, runNoc } from "../../../src/tb/noc/driver.js";
import { TraceEntry, TrafficError, parseTrace } from "../../../src/tb/noc/traffic.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { describeConfig, meshConfig } from "./arbitraries.js";
import { monitorInterfaces } from "./ni-monitor.js";

const runTrace = (p: NocParams, trace: readonly TraceEntry[], sim = simulate(makeMesh(p))): NocRunResult =>
  runNoc(sim, p, { traffic: { kind: "trace", trace }, rate: 0, packetSize: 1, warmup: 0, measure: 1, seed: 1 });

/**
 * Random traces over a mesh: cycles 0..maxCycle, sizes 1..8, each entry high or low with
 * `lowClass`. Half the packets come from node 0, so its queues fill and both classes compete.
 */
const traceOf = (p: NocParams, o: { maxCycle: number; maxLength: number; lowClass: boolean }) =>
  fc.array(
    fc.record({
      cycle: fc.nat(o.maxCycle),
      src: fc.oneof(fc.constant(0), fc.nat(p.w * p.h - 1)),
      dst: fc.nat(p.w * p.h - 1),
      size: fc.integer({ min: 1, max: 8 }),
      priority: o.lowClass ? fc.constantFrom<0 | 1>(0, 1) : fc.constant<0 | 1>(0),
    }),
    { minLength: 1, maxLength: o.maxLength },
  );

const twoClasses = (p: NocParams): NocParams => ({ ...p, priorityClasses: 2 });

describe("parameters, ports and traces", () => {
  it("priorityClasses is 1 or 2, by name", () => {
    expect(nocParams({}).priorityClasses).toBe(1);
    expect(() => nocParams({ priorityClasses: 3 as never })).toThrow(NocParamError);
    expect(() => nocParams({ priorityClasses: 0 as never })).toThrow(/priorityClasses = 0 must be 1 .* or 2/);
  });

  it("two classes add exactly the low queue's ports; one class leaves the mesh as it was", () => {
    const ports = (pc: 1 | 2) => {
      const d = emitDesign(makeMesh({ w: 2, h: 1, vcs: 2, priorityClasses: pc }));
      return [...d.text.matchAll(/^\s*(input|output)\b[^;]*?(\w+)[,;]?\s*$/gm)].map((m) => m[2]).filter((n) => /^inj_\w*_\d+$/.test(n));
    };
    const one = ports(1), two = ports(2);
    expect(one).not.toContain(meshNames.injLoValid(0));
    expect(two.filter((n) => !one.includes(n)).sort()).toEqual(
      [0, 1].flatMap((i) => [meshNames.injLoValid(i), meshNames.injLoPkt(i), meshNames.injLoReady(i)]).sort(),
    );
    expect(meshNames.injLoPkt(3)).toBe("inj_lo_pkt_3");
  });

  it("a low-priority trace entry on a one-class mesh is refused, naming the entry", () => {
    const p = nocParams({ w: 2, h: 2 });
    const trace: TraceEntry[] = [{ cycle: 0, src: 0, dst: 1, size: 2 }, { cycle: 3, src: 2, dst: 1, size: 1, priority: 1 }];
    expect(() => runTrace(p, trace)).toThrow(TrafficError);
    expect(() => runTrace(p, trace)).toThrow(/trace entry 1 \(cycle 3, 2 -> 1\) has priority 1 .* priorityClasses 2/);
    expect(() => runTrace(twoClasses(p), [{ cycle: 0, src: 0, dst: 1, size: 1, priority: 2 as never }])).toThrow(/priority 2 must be 0 .* or 1/);
  });

  it("traces give the class as a 5th CSV column or a JSON field (absent: high)", () => {
    expect(parseTrace("cycle,src,dst,size,priority\n4,1,2,3,1\n0,0,3,1\n", 4, 255)).toEqual([
      { cycle: 0, src: 0, dst: 3, size: 1 },
      { cycle: 4, src: 1, dst: 2, size: 3, priority: 1 },
    ]);
    expect(parseTrace('[{"cycle":2,"src":0,"dst":1,"size":4,"priority":1}]', 4, 255)).toEqual([{ cycle: 2, src: 0, dst: 1, size: 4, priority: 1 }]);
    expect(() => parseTrace("0,0,1,1,2", 4, 255)).toThrow(/trace:1: field 'priority' = 2 must be 0 \(high\) or 1 \(low\)/);
    expect(() => parseTrace("0,0,1,1,0,7", 4, 255)).toThrow(/trace:1: .* has 6 fields/);
  });
});

describe("two classes, high traffic only", () => {
  test.prop([meshConfig(4).chain((p) => fc.tuple(fc.constant(p), traceOf(p, { maxCycle: 60, maxLength: 40, lowClass: false })))], {
    numRuns: 15,
    seed: 1101,
  })("every packet is accepted and delivered in the same cycle as on the one-class mesh", ([p, trace]) => {
    const one = runTrace(p, trace), two = runTrace(twoClasses(p), trace);
    expect(one.checker.failures, describeConfig(p)).toEqual([]);
    expect(two.checker.failures, describeConfig(p)).toEqual([]);
    expect(two.packets, describeConfig(p)).toEqual(one.packets);
    expect(two.cycles).toBe(one.cycles);
    expect([...two.linkFlits]).toEqual([...one.linkFlits]);
  });

  it("Bernoulli traffic too (uniform, near saturation)", () => {
    const p = nocParams({ w: 3, h: 3, vcs: 2, bufDepth: 3 });
    const opts = { traffic: { kind: "uniform" as const }, rate: 0.5, packetSize: 3, warmup: 20, measure: 200, seed: 9, noCooldown: true };
    const one = runNoc(simulate(makeMesh(p)), p, opts), two = runNoc(simulate(makeMesh(twoClasses(p))), twoClasses(p), opts);
    expect(two.checker.failures).toEqual([]);
    expect(two.packets).toEqual(one.packets);
    expect(two.packets.length).toBeGreaterThan(200);
  });
});

/** Packet ids by (src, dst, seq): the driver numbers each pair's packets in creation order. */
function idBySeq(p: NocParams, packets: readonly PacketRecord[]): Map<string, number> {
  const seqMod = 2 ** flitLayout(p.w, p.h).seqBits;
  const next = new Map<string, number>(), out = new Map<string, number>();
  packets.forEach((pk, id) => {
    const pair = `${pk.src}>${pk.dst}`;
    const s = next.get(pair) ?? 0;
    next.set(pair, s + 1);
    out.set(`${pair}#${s % seqMod}`, id);
  });
  return out;
}

describe("two classes, mixed traffic", () => {
  test.prop([meshConfig(3).chain((p) => fc.tuple(fc.constant(twoClasses(p)), traceOf(p, { maxCycle: 40, maxLength: 40, lowClass: true })))], {
    numRuns: 30,
    seed: 1102,
  })("all checks pass; a low packet is never accepted or started while a high packet of its source waits", ([p, trace]) => {
    const what = describeConfig(p);
    const mon = monitorInterfaces(simulate(makeMesh(p)), p);
    const res = runTrace(p, trace, mon.sim);
    // The engine's checks: delivery exactly once, payload, order per pair and class ("flow"), golden link counts.
    expect(res.checker.failures, what).toEqual([]);
    expect(res.passed, what).toBe(true);
    expect([...res.linkFlits], what).toEqual([...res.goldenFlits]);
    expect(res.packets.map((pk) => pk.priority), what).toEqual([...trace].sort((a, b) => a.cycle - b.cycle).map((e) => e.priority));
    // Packets leave each interface whole.
    expect(mon.failures, what).toEqual([]);
    const ids = idBySeq(p, res.packets);
    const started = new Array<number>(res.packets.length).fill(-1);
    for (const hd of mon.heads) started[ids.get(`${hd.src}>${hd.dst}#${hd.seq}`)!] = hd.cycle;
    expect(started.every((c) => c >= 0), what).toBe(true);
    for (const lo of res.packets.filter((pk) => pk.priority === 1)) {
      const s = started[res.packets.indexOf(lo)];
      res.packets.forEach((hi, id) => {
        if (hi.priority !== 0 || hi.src !== lo.src) return;
        // Source: a high packet created by then and not yet accepted was waiting.
        const waitingAtSource = hi.created <= lo.accepted && hi.accepted > lo.accepted;
        expect(waitingAtSource, `${what}: low packet accepted at ${lo.accepted} while a high one (created ${hi.created}) waited`).toBe(false);
        // Interface: a high packet offered or queued by then whose head had not left was waiting.
        const waitingAtNi = hi.accepted <= s && started[id] > s;
        expect(waitingAtNi, `${what}: low packet started at ${s} while a high one (accepted ${hi.accepted}) waited`).toBe(false);
      });
    }
  });
});

describe("priority at work: a low-priority stream and a high-priority burst", () => {
  // Classic pipeline (default parameters) on a 4x4 mesh. Node 5 streams 16-flit low packets to
  // its West neighbour; a burst of four 4-flit high packets to node 7 arrives at cycle T. The two
  // flows leave node 5's router by different ports on different VCs, so the burst is not held in
  // that router behind low flits; the README says what holds in general.
  const p = nocParams({ priorityClasses: 2 });
  const src = 5, lowDst = 4, highDst = 7, lowSize = 16;
  const low: TraceEntry[] = Array.from({ length: 10 }, () => ({ cycle: 0, src, dst: lowDst, size: lowSize, priority: 1 }));
  const burst = (T: number): TraceEntry[] => Array.from({ length: 4 }, () => ({ cycle: T, src, dst: highDst, size: 4 }));
  const sim = simulate(makeMesh(p)); // runNoc resets it: one compiled mesh serves every run
  const latencies = (r: NocRunResult) => r.packets.filter((pk) => pk.priority === 0).map((pk) => pk.delivered - pk.created);

  it("the burst is delayed by at most the low packet in progress, whenever it arrives", () => {
    expect(flowVcOf(src, lowDst, p.vcs)).not.toBe(flowVcOf(src, highDst, p.vcs));
    const alone = runTrace(p, burst(40), sim);
    expect(alone.checker.failures).toEqual([]);
    const base = latencies(alone);
    expect(base[0]).toBe(zeroLoadLatency(p, hops(p.w, src, highDst), 4));
    const delays: number[] = [];
    // Arrivals over more than one whole low packet period: every phase of the packet in progress.
    for (let T = 40; T < 80; T++) {
      const r = runTrace(p, [...low, ...burst(T)], sim);
      expect(r.checker.failures, `T=${T}`).toEqual([]);
      const lat = latencies(r);
      lat.forEach((l, k) => {
        expect(l, `T=${T} packet ${k}`).toBeGreaterThanOrEqual(base[k]);
        expect(l, `T=${T} packet ${k}`).toBeLessThanOrEqual(base[k] + lowSize);
      });
      delays.push(lat[0] - base[0]);
      // The low stream was still going (the burst did not just find an idle interface).
      expect(r.packets.filter((pk) => pk.priority === 1).some((pk) => pk.delivered > T + base[3]), `T=${T}`).toBe(true);
    }
    // Some arrivals found a low packet in progress, and waited for (only) its remaining flits.
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(lowSize - 2);
    expect(Math.min(...delays)).toBe(0);
  });

  it("without the classes the same burst waits behind the queued low packets", () => {
    const T = 40;
    const oneClass = nocParams({});
    const flat = runTrace(oneClass, [...low.map(({ priority: _, ...e }) => e), ...burst(T)]);
    expect(flat.checker.failures).toEqual([]);
    const base = latencies(runTrace(p, burst(T), sim));
    const lat = flat.packets.filter((pk) => pk.created === T).map((pk) => pk.delivered - pk.created);
    expect(lat[0]).toBeGreaterThan(base[0] + 3 * lowSize);
  });
});
