/**
 * The `noc` testbench as users and the CLI see it: runs pass and report sensible metrics; a trace
 * is delivered exactly; runs replay from their seed; and the checks fail when the network
 * misbehaves (a simulator wrapper corrupts, drops or duplicates what the sinks see).
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hops, linkLoads, zeroLoadLatency } from "../../../src/golden/noc.js";
import { makeMesh, meshNames } from "../../../src/hw/noc/mesh.js";
import { nocParams } from "../../../src/hw/noc/params.js";
import { simulate, type Simulator } from "../../../src/sim/index.js";
import { runNoc } from "../../../src/tb/noc/driver.js";
import { nocTb } from "../../../src/tb/noc/noc.js";
import type { Params } from "../../../src/tb/types.js";

const defaults = (): Params => Object.fromEntries(nocTb.params.map((p) => [p.name, p.default]));

describe("noc testbench", () => {
  it("passes at default parameters with metrics that make sense", async () => {
    const r = await nocTb.run({ params: { ...defaults(), measure: 800, warmup: 200 }, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    const m = r.metrics as Record<string, number>;
    for (const k of ["avgLatency", "p50Latency", "p99Latency", "throughput", "avgHops", "linkUtilMean", "linkUtilMax"]) expect(Number.isFinite(m[k]), k).toBe(true);
    expect(m.avgLatency).toBeGreaterThanOrEqual(m.zeroLoadLatency);
    expect(m.p99Latency).toBeGreaterThanOrEqual(m.p50Latency);
    // Well below saturation, accepted throughput follows the offered load.
    expect(Math.abs(m.throughput - m.offered)).toBeLessThan(0.02);
    expect(m.avgHops).toBeCloseTo((16 / 15) * (2 * (15 / 12)), 0);
    expect(r.metrics.stable).toBe(true);
  });

  it("replays from its seed; --cycles sets the measurement window", async () => {
    const params = { ...defaults(), w: 3, h: 3, warmup: 50, measure: 300, rate: 0.3 };
    const a = await nocTb.run({ params, seed: 42 });
    const b = await nocTb.run({ params, seed: 42 });
    const c = await nocTb.run({ params, seed: 43 });
    expect(b.metrics).toEqual(a.metrics);
    expect(c.metrics).not.toEqual(a.metrics);
    const d = await nocTb.run({ params, seed: 42, cycles: 100 });
    expect(d.params.measure).toBe(100);
  });

  it("validate explains bad combinations", () => {
    expect(nocTb.validate!({ ...defaults(), traffic: "trace", trace: "" })).toMatch(/trace=<file>/);
    expect(nocTb.validate!({ ...defaults(), traffic: "hotspot", hotspots: "99" })).toMatch(/not on the mesh/);
    expect(nocTb.validate!({ ...defaults(), rate: 1.5 })).toMatch(/rate/);
    expect(nocTb.validate!(defaults())).toBeUndefined();
  });

  it("trace traffic: exactly the trace's packets arrive; link counts equal golden", async () => {
    const dir = mkdtempSync(join(tmpdir(), "noc-trace-"));
    const file = join(dir, "t.csv");
    const rows = [[0, 0, 8, 3], [0, 8, 0, 3], [1, 2, 6, 5], [3, 4, 4, 1], [3, 5, 3, 2], [40, 6, 2, 4]];
    writeFileSync(file, "cycle,src,dst,size\n" + rows.map((r) => r.join(",")).join("\n"));
    const p = nocParams({ w: 3, h: 3 });
    const sim = simulate(makeMesh(p));
    const { readTrace } = await import("../../../src/tb/noc/traffic.js");
    const res = runNoc(sim, p, { traffic: { kind: "trace", trace: readTrace(file, 9, 255) }, rate: 0, packetSize: 1, warmup: 0, measure: 100, seed: 1 });
    expect(res.checker.failures).toEqual([]);
    expect(res.packets.map((q) => [q.created, q.src, q.dst, q.size])).toEqual(rows);
    const golden = linkLoads("xy", 3, 3, rows.map(([, src, dst, size]) => ({ src, dst, flits: size })));
    expect([...res.linkFlits]).toEqual([...golden]);
    const lone = res.packets[5];
    expect(lone.delivered - lone.created).toBe(zeroLoadLatency(p, hops(3, lone.src, lone.dst), lone.size));
    const r = await nocTb.run({ params: { ...defaults(), w: 3, h: 3, traffic: "trace", trace: file, warmup: 0, measure: 50 }, seed: 1 });
    expect(r.passed, r.failures.join("\n")).toBe(true);
    expect(r.metrics.packets).toBe(rows.length);
  });
});

/** A simulator whose ejection outputs are altered by `tamper` (the sinks see the altered words). */
function tampered(sim: Simulator, tamper: (node: number, word: number, nth: number) => number): Simulator {
  let nth = 0;
  return new Proxy(sim, {
    get(target, prop, recv) {
      if (prop === "accessor") {
        return (name: string) => {
          const acc = target.accessor(name);
          const m = /^ej_(\d+)$/.exec(name);
          if (!m) return acc;
          const node = Number(m[1]);
          return { get: () => {
            const w = acc.get();
            return w & 1 ? tamper(node, w, nth++) >>> 0 : w;
          }, set: acc.set };
        };
      }
      const v = Reflect.get(target, prop, recv);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("the checks can fail", () => {
  const p = nocParams({ w: 3, h: 3 });
  const run = (tamper: (node: number, word: number, nth: number) => number) =>
    runNoc(tampered(simulate(makeMesh(p)), tamper), p, { traffic: { kind: "uniform" }, rate: 0.3, packetSize: 3, warmup: 10, measure: 200, seed: 5, stallLimit: 300 });

  it("a flipped data bit in one flit", () => {
    const r = run((_n, w, k) => (k === 40 ? w ^ (1 << 20) : w));
    expect(r.passed).toBe(false);
    expect(r.checker.failures.join("\n")).toMatch(/has data|no such packet|unexpected packet|misrouted/);
  });

  it("a lost flit", () => {
    const r = run((_n, w, k) => (k === 17 ? 0 : w));
    expect(r.passed).toBe(false);
  });

  it("a head flit whose destination is not the node it arrives at (misrouting)", () => {
    let done = false;
    const r = run((_n, w) => {
      if (!done && (w & 16) !== 0) {
        done = true;
        return w ^ (1 << 6); // dstX bit 0 of the head
      }
      return w;
    });
    expect(done).toBe(true);
    expect(r.passed).toBe(false);
    expect(r.checker.failures[0]).toMatch(/misrouted/);
  });

  it("a link counter that disagrees with the golden paths", () => {
    const sim = simulate(makeMesh(p));
    const fake = new Proxy(sim, {
      get(target, prop, recv) {
        if (prop === "peekNumber") return (name: string) => target.peekNumber(name) + (name === "r_1_1.flits_e" ? 1 : 0);
        const v = Reflect.get(target, prop, recv);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const r = runNoc(fake, p, { traffic: { kind: "uniform" }, rate: 0.2, packetSize: 2, warmup: 10, measure: 100, seed: 6 });
    expect(r.passed).toBe(false);
    expect(r.checker.failures.join("\n")).toMatch(/router \(1,1\) port e/);
  });

  it("a head carrying a later sequence number than the next packet of its pair (reordering)", () => {
    // 3x3: head data = dstX, dstY, srcX, srcY (2 bits each), then the sequence tag at data bit 8.
    let done = false;
    const r = run((_n, w) => {
      if (!done && (w & 16) !== 0) {
        done = true;
        return w + 2 ** (6 + 8);
      }
      return w;
    });
    expect(done).toBe(true);
    expect(r.passed).toBe(false);
    expect(r.checker.failures[0]).toMatch(/out of order|no such packet/);
  });
});

describe("mesh names", () => {
  it("are what the testbench pokes", () => {
    expect(meshNames.injValid(3)).toBe("inj_valid_3");
    expect(meshNames.ej(0)).toBe("ej_0");
  });
});
