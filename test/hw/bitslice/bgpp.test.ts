/**
 * BGPP against the golden model: golden bgpp's own properties (monotone survivor sets, the round's
 * top scorer survives, radius none keeps all, alpha 0 keeps exactly the max ties, the fetched-bit
 * count), the unit on random shapes, rounds, alphas and radii (all-equal keys, zero and extreme
 * queries and keys, partial banks, keys through the write port, start and q writes while busy),
 * every cycle vs golden and the cycle model; the inner-product unit for any D; the `mcbp-bgpp` testbench on random parameters; and
 * mutants the checks must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { bgpp, truncatedKey } from "../../../src/golden/bitslice.js";
import { bgppBankLoad, bgppQueryCycles, bgppRoundCycles } from "../../../src/golden/bitslice-bgpp-timing.js";
import { BgppUnitParams, bgppGeometry, kMagMem } from "../../../src/hw/bitslice/bgpp-params.js";
import { makeBgppIpu } from "../../../src/hw/bitslice/bgpp-ipu.js";
import { makeBgppUnit } from "../../../src/hw/bitslice/bgpp-unit.js";
import { simulate } from "../../../src/sim/index.js";
import { Checker, rng } from "../../../src/tb/harness.js";
import { loadKeys, runQuery, writeKeys, writeQuery } from "../../../src/tb/bitslice/bgpp-drive.js";
import { bgppUnitParams, mcbpBgppTb, parseAlphaTenths, topKRecallOf } from "../../../src/tb/bitslice/bgpp.js";
import type { Params, Testbench } from "../../../src/tb/types.js";

const defaults: Params = Object.fromEntries(mcbpBgppTb.params.map((p) => [p.name, p.default]));
const int8 = fc.integer({ min: -127, max: 127 });
const int4 = fc.integer({ min: -8, max: 7 });

/** Keys of one of several kinds: random, all equal, extremes only, all zero, few distinct values (ties). */
function keysArb(n: number, d: number): fc.Arbitrary<number[][]> {
  const mat = (v: fc.Arbitrary<number>) => fc.array(fc.array(v, { minLength: d, maxLength: d }), { minLength: n, maxLength: n });
  return fc.oneof(
    mat(int8),
    fc.array(int8, { minLength: d, maxLength: d }).map((k) => Array.from({ length: n }, () => [...k])),
    mat(fc.constantFrom(-127, 127, 0)),
    fc.constant(Array.from({ length: n }, () => new Array<number>(d).fill(0))),
    mat(fc.constantFrom(-64, -1, 1, 63, 64)),
  );
}

function queryArb(d: number): fc.Arbitrary<number[]> {
  return fc.oneof(
    fc.array(int4, { minLength: d, maxLength: d }),
    fc.constant(new Array<number>(d).fill(0)),
    fc.array(fc.constantFrom(-8, 7), { minLength: d, maxLength: d }),
  );
}

const radiusArb = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3000 }));
const alphasArb = fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 4 });

const caseArb = fc
  .record({ n: fc.integer({ min: 1, max: 40 }), d: fc.integer({ min: 1, max: 18 }) })
  .chain(({ n, d }) => fc.record({
    K: keysArb(n, d), qs: fc.array(queryArb(d), { minLength: 1, maxLength: 3 }),
    units: fc.integer({ min: 1, max: 9 }), rounds: fc.integer({ min: 1, max: 7 }), alphaTenths: alphasArb, radius: radiusArb,
  }));

const partial = (q: readonly number[], k: readonly number[], r: number) => k.reduce((acc, v, d) => acc + q[d] * truncatedKey(v, r), 0);
const golden = (radius: number) => (radius < 0 ? Infinity : radius);

describe("golden bgpp", () => {
  test.prop([caseArb], { numRuns: 300, seed: 4401 })("survivor sets shrink monotonically; the top scorer survives; max and fetched bits as stated", (c) => {
    const q = c.qs[0];
    const res = bgpp(q, c.K, { rounds: c.rounds, alphaTenths: c.alphaTenths, radius: golden(c.radius) });
    expect(res.rounds.length).toBe(c.rounds);
    expect(res.rounds[0].aliveIn).toEqual(c.K.map((_, i) => i));
    let bits = 0;
    res.rounds.forEach((rd, i) => {
      const alive = new Set(rd.aliveIn);
      expect(rd.survivors.every((k) => alive.has(k))).toBe(true);
      expect([...rd.survivors].sort((a, b) => a - b)).toEqual(rd.survivors);
      if (i + 1 < res.rounds.length) expect(res.rounds[i + 1].aliveIn).toEqual(rd.survivors);
      const scores = rd.aliveIn.map((k) => partial(q, c.K[k], i + 1));
      expect(rd.max).toBe(Math.max(...scores));
      const top = rd.aliveIn[scores.indexOf(rd.max)];
      expect(rd.survivors).toContain(top);
      bits += rd.aliveIn.length * q.length * (i === 0 ? 2 : 1);
    });
    expect(res.survivors).toEqual(res.rounds[c.rounds - 1].survivors);
    expect(res.kBitsFetched).toBe(bits);
  });

  test.prop([caseArb], { numRuns: 150, seed: 4402 })("radius none keeps every key; alpha 0 keeps exactly the max ties", (c) => {
    const q = c.qs[0];
    const all = bgpp(q, c.K, { rounds: c.rounds, alphaTenths: c.alphaTenths, radius: Infinity });
    for (const rd of all.rounds) expect(rd.survivors).toEqual(c.K.map((_, i) => i));
    const ties = bgpp(q, c.K, { rounds: c.rounds, alphaTenths: [0], radius: golden(c.radius) === Infinity ? 5 : c.radius });
    ties.rounds.forEach((rd, i) => {
      expect(rd.survivors).toEqual(rd.aliveIn.filter((k) => partial(q, c.K[k], i + 1) === rd.max));
    });
  });
});

describe("inner-product unit (AND-based adder tree)", () => {
  test.prop([fc.integer({ min: 1, max: 130 }).chain((d) => fc.record({
    q: fc.array(int4, { minLength: d, maxLength: d }),
    keys: fc.array(fc.record({ bits: fc.array(fc.boolean(), { minLength: d, maxLength: d }), sign: fc.array(fc.boolean(), { minLength: d, maxLength: d }) }), { minLength: 1, maxLength: 12 }),
  }))], { numRuns: 60, seed: 4405 })("sum = sum_d bit_d (sign_d ? -q_d : q_d), popcounts exact, for any D", ({ q, keys }) => {
    const D = q.length;
    const sim = simulate(makeBgppIpu(D).module);
    const word = (f: (d: number) => boolean) => q.reduce((w, _, d) => (f(d) ? w | (1n << BigInt(d)) : w), 0n);
    for (let k = 0; k < 4; k++) sim.poke(`q_plane_${k}`, word((d) => ((q[d] & 15) >> k) & 1 ? true : false));
    for (const key of [...keys, { bits: q.map(() => true), sign: q.map(() => true) }]) {
      sim.poke("bits", word((d) => key.bits[d]));
      sim.poke("sign", word((d) => key.sign[d]));
      const want = q.reduce((acc, v, d) => acc + (key.bits[d] ? (key.sign[d] ? -v : v) : 0), 0);
      expect(sim.peekNumber("sum"), JSON.stringify({ q, key })).toBe(want);
    }
    sim.close();
  });
});

describe("cycle model", () => {
  it("bank load, round and query cycles", () => {
    expect(bgppBankLoad([0, 1, 2, 3, 4, 8, 16], 4)).toBe(4); // bank 0 holds 0, 4, 8, 16
    expect(bgppBankLoad([], 4)).toBe(0);
    expect(bgppRoundCycles(5, false)).toBe(18);
    expect(bgppRoundCycles(5, true)).toBe(10);
    const rounds = [{ aliveIn: [0, 1, 2, 3, 4, 5, 6, 7], survivors: [1, 5] }, { aliveIn: [1, 5], survivors: [1, 5] }];
    expect(bgppQueryCycles(rounds, 4)).toBe(1 + bgppRoundCycles(2, false) + bgppRoundCycles(2, true)); // keys 1 and 5 share bank 1
    expect(bgppQueryCycles([{ aliveIn: [0, 1], survivors: [0] }], 4)).toBe(1 + bgppRoundCycles(1, false));
  });
});

/** Run `qs` one after another on a fresh unit; keys by backdoor (or the write port); every cycle checked. */
function runUnit(p: BgppUnitParams, K: number[][], qs: number[][], opts: { viaPort?: boolean; seed?: number } = {}): Checker {
  const g = bgppGeometry(p);
  const sim = simulate(makeBgppUnit(p).module);
  const check = new Checker();
  try {
    loadKeys(sim, g, opts.viaPort ? [] : K, rng(opts.seed ?? 1));
    sim.reset();
    if (opts.viaPort) writeKeys(sim, g, K);
    qs.forEach((q, i) => {
      writeQuery(sim, g, q);
      const o = runQuery(sim, g, q, K, check, `query ${i}`);
      expect(o.cycles).toBe(bgppQueryCycles(o.want.rounds, p.units));
    });
  } finally {
    sim.close();
  }
  return check;
}

describe("BGPP unit vs golden, every cycle", () => {
  test.prop([caseArb, fc.boolean()], { numRuns: 100, seed: 4403 })("random shapes, rounds, alphas, radii, key and query kinds", (c, viaPort) => {
    const p: BgppUnitParams = { seqLen: c.K.length, headDim: c.qs[0].length, units: c.units, rounds: c.rounds, alphaTenths: c.alphaTenths, radius: c.radius };
    const check = runUnit(p, c.K, c.qs, { viaPort });
    expect(check.failures, JSON.stringify(p)).toEqual([]);
  });

  it("extremes: q = -8 everywhere against keys of -127 reach the largest score; all-equal keys all survive", () => {
    const D = 64, p: BgppUnitParams = { seqLen: 20, headDim: D, units: 16, rounds: 7, alphaTenths: [0], radius: 0 };
    const K = Array.from({ length: 20 }, (_, i) => new Array<number>(D).fill(i % 2 ? -127 : 127));
    const q = new Array<number>(D).fill(-8);
    expect(bgpp(q, K, { rounds: 7, alphaTenths: [0], radius: 0 }).rounds[6].max).toBe(8 * 127 * D);
    expect(runUnit(p, K, [q]).failures).toEqual([]);
    const same = Array.from({ length: 33 }, () => Array.from({ length: D }, (_, d) => ((d * 37) % 255) - 127));
    const res = runUnit({ ...p, seqLen: 33 }, same, [new Array<number>(D).fill(7)]);
    expect(res.failures).toEqual([]);
  });

  it("start and q writes while busy are ignored", () => {
    const p: BgppUnitParams = { seqLen: 30, headDim: 9, units: 4, rounds: 3, alphaTenths: [5], radius: 200 };
    const g = bgppGeometry(p), r = rng(5);
    const K = Array.from({ length: p.seqLen }, () => Array.from({ length: p.headDim }, () => Math.round((r() - 0.5) * 200)));
    const q = Array.from({ length: p.headDim }, () => Math.floor(r() * 16) - 8);
    const trace = (noise: boolean): string[] => {
      const sim = simulate(makeBgppUnit(p).module);
      loadKeys(sim, g, K, rng(1));
      sim.reset();
      writeQuery(sim, g, q);
      sim.poke("start", 1);
      sim.step();
      sim.poke("start", 0);
      const out: string[] = [];
      for (let c = 0; sim.peek("done") === 0n && c < 500; c++) {
        if (noise && c % 3 === 0) {
          sim.poke("start", 1);
          sim.poke("q_we", 1);
          sim.poke("q_addr", 0);
          sim.poke("q_data", 0x77777777);
        } else {
          sim.poke("start", 0);
          sim.poke("q_we", 0);
        }
        out.push(["ps_valid", "dec_valid", "dec_keep", "key_0", "score_1", "round_valid", "round_max", "round_count"].map((n) => sim.peek(n)).join(","));
        sim.step();
      }
      sim.close();
      return out;
    };
    expect(trace(true)).toEqual(trace(false));
  });

  it("bad parameters are errors naming the parameter", () => {
    const p: BgppUnitParams = { seqLen: 16, headDim: 8, units: 4, rounds: 4, alphaTenths: [5], radius: 3 };
    expect(() => makeBgppUnit({ ...p, rounds: 8 })).toThrow(/rounds = 8/);
    expect(() => makeBgppUnit({ ...p, units: 0 })).toThrow(/units = 0/);
    expect(() => makeBgppUnit({ ...p, alphaTenths: [5, 11] })).toThrow(/alphaTenths\[1\] = 11/);
    expect(() => makeBgppUnit({ ...p, alphaTenths: [] })).toThrow(/alphaTenths is empty/);
    expect(() => makeBgppUnit({ ...p, radius: -2 })).toThrow(/radius = -2/);
    expect(() => parseAlphaTenths("5,,6")).toThrow(/alphaTenths = "5,,6"/);
    expect(mcbpBgppTb.validate!({ ...defaults, alphaTenths: "x" })).toMatch(/alphaTenths/);
    expect(mcbpBgppTb.validate!({ ...defaults, units: 40 })).toMatch(/units = 40/);
    expect(mcbpBgppTb.validate!(defaults)).toBeUndefined();
  });
});

describe("testbench mcbp-bgpp", () => {
  const arb = fc.record(Object.fromEntries(mcbpBgppTb.params.map((s) => [
    s.name,
    s.type === "string" ? fc.constantFrom(...s.verify!.values!) : fc.integer({ min: s.verify!.min!, max: s.verify!.max! }),
  ])) as Record<string, fc.Arbitrary<number | string>>);

  test.prop([arb, fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 20, seed: 4404 })("passes for random parameters", async (params, seed) => {
    const r = await mcbpBgppTb.run({ params, seed });
    expect(r.failures, JSON.stringify(params)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.kBytesFetched as number).toBeLessThanOrEqual((r.metrics.denseBytes as number) * 2 / 8 * Number(params.rounds));
  });

  it("defaults: passes, prunes, metrics in range", async () => {
    const r = await mcbpBgppTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.bytesSaved as number).toBeGreaterThan(0.5);
    expect(r.metrics.survivors as number).toBeLessThan(256);
    expect(r.metrics.topKRecall as number).toBeGreaterThan(0);
    const wide = await mcbpBgppTb.run({ params: { ...defaults, radius: 2000 }, seed: 1 });
    expect(wide.failures).toEqual([]);
    expect(wide.metrics.topKRecall as number).toBeGreaterThan(0.6);
  });

  it("top-k recall counts ties with the k-th score as top-k", () => {
    expect(topKRecallOf([5, 9, 9, 1], [1, 2])).toBe(1);
    expect(topKRecallOf([5, 9, 9, 1], [0, 1])).toBe(0.5);
    expect(topKRecallOf([5, 5, 5], [2])).toBe(1);
  });

  it("catches a wrong alpha in the design and a corrupted key word", async () => {
    const params = { ...defaults, radius: 400, queries: 2 };
    const wrong: Testbench = { ...mcbpBgppTb, design: (q) => makeBgppUnit({ ...bgppUnitParams(q), alphaTenths: [9] }).module };
    const r1 = await wrong.run({ params, seed: 3 });
    expect(r1.passed).toBe(false);
    expect(r1.failures.join("\n")).toMatch(/dec_keep|survivors/);
    // Key 5's MSB magnitude plane word (bank 5, index 0) gets every bit flipped on its way in.
    const r2 = await mcbpBgppTb.run({
      params, seed: 3,
      attach: (sim) => {
        const eng = sim.engine, write = eng.writeMemory.bind(eng);
        const id = sim.net.memories.find((m) => m.name.endsWith(kMagMem(5)))!.id;
        let n = 0;
        eng.writeMemory = (i, a, v) => write(i, a, i === id && a === 0 && n++ === 1 ? v ^ ((1n << 64n) - 1n) : v);
      },
    });
    expect(r2.passed).toBe(false);
    expect(r2.failures[0]).toMatch(/query 0 cycle 4: partial score score_5 \(key 5\)/);
  });
});
