/**
 * BRCR against the golden models: the golden's own properties (exact GEMV for every input, the
 * operation-count bounds, the worked example), the tiled counting function, the engine's parts
 * (index converter, reconstruction unit), the whole engine on random shapes (rows not a multiple of
 * m, column tiles, few or many converters, GEMM lanes, a source with gaps, activations through the
 * port, backpressure), the `mcbp-brcr` testbench on random parameters, and mutants the checks
 * must catch.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { brcrGemm, brcrGemv, brcrPlane, gemvInt, groupCount, groupPattern, halfPlane } from "../../../src/golden/bitslice.js";
import { brcrEngineCycles, brcrTiledCounts } from "../../../src/golden/bitslice-brcr-timing.js";
import { makeBrcrEngine } from "../../../src/hw/bitslice/brcr-engine.js";
import { makeIndexConverter } from "../../../src/hw/bitslice/brcr-convert.js";
import { BrcrEngineParams, brcrLayout } from "../../../src/hw/bitslice/brcr-params.js";
import { makeReconUnit, patternWithBit } from "../../../src/hw/bitslice/brcr-recon.js";
import { simulate } from "../../../src/sim/index.js";
import { Checker, rng } from "../../../src/tb/harness.js";
import { brcrPatternStream, loadActivations, runBrcrJob, writeActivations } from "../../../src/tb/bitslice/brcr-drive.js";
import { brcrParams, mcbpBrcrTb, randomWeights } from "../../../src/tb/bitslice/brcr.js";
import type { Params } from "../../../src/tb/types.js";
import { Expr, Module, constant, u } from "../../../src/hdl/index.js";
import type { Stmt } from "../../../src/hdl/stmt.js";

const defaults: Params = Object.fromEntries(mcbpBrcrTb.params.map((p) => [p.name, p.default]));

/** A weight: mostly sparse small values, with zeros and the extremes +-127 well represented. */
const weight = fc.oneof(fc.constant(0), fc.constantFrom(127, -127, 1, -1, 64, -64), fc.integer({ min: -127, max: 127 }));
const act = fc.oneof(fc.constantFrom(-128, 127, 0, -1), fc.integer({ min: -128, max: 127 }));
const matrix = (rows: number, cols: number, w: fc.Arbitrary<number> = weight) => fc.array(fc.array(w, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

/** W (rows x cols) and x, with all-zero and all-extreme matrices now and then. */
const gemvCase = fc.record({ rows: fc.integer({ min: 1, max: 13 }), cols: fc.integer({ min: 1, max: 40 }), m: fc.integer({ min: 1, max: 7 }), kind: fc.constantFrom("mixed", "mixed", "mixed", "zero", "extreme") })
  .chain(({ rows, cols, m, kind }) => fc.record({
    W: kind === "zero" ? fc.constant(Array.from({ length: rows }, () => new Array<number>(cols).fill(0))) : matrix(rows, cols, kind === "extreme" ? fc.constantFrom(127, -127) : weight),
    x: fc.array(kind === "extreme" ? fc.constantFrom(-128, 127) : act, { minLength: cols, maxLength: cols }),
    m: fc.constant(m),
  }));

describe("golden BRCR", () => {
  it("worked example (m = 3): y = [11, 17, 12], 3 merge adds, 6 recon adds, 10 naive adds", () => {
    const pats = [5, 2, 6, 2, 2, 5, 7, 1];
    const G = [0, 1, 2].map((i) => pats.map((p) => (p >> (2 - i)) & 1));
    const r = brcrPlane(G, [3, 5, -2, 7, 1, 4, 6, -1], 3);
    expect(r).toEqual({ y: [11, 17, 12], mergeAdds: 3, reconAdds: 6, naiveAdds: 10 });
  });

  test.prop([gemvCase], { numRuns: 400, seed: 4101 })("brcrGemv == gemvInt exactly (random shapes, all-zero, extremes)", ({ W, x, m }) => {
    const r = brcrGemv(W, x, m);
    expect(r.y).toEqual(gemvInt(W, x));
    if (W.every((row) => row.every((w) => w === 0))) expect([r.mergeAdds, r.reconAdds, r.naiveAdds]).toEqual([0, 0, 0]);
  });

  test.prop([gemvCase], { numRuns: 300, seed: 4102 })("per plane, half and group: merge adds = nonzero columns - distinct patterns <= nonzero columns; recon adds <= m 2^(m-1)", ({ W, x, m }) => {
    for (let p = 1; p <= 7; p++) {
      for (const neg of [false, true]) {
        const plane = halfPlane(W, p, neg);
        for (let g = 0; g < groupCount(W.length, m); g++) {
          const G = plane.slice(g * m, g * m + m);
          const r = brcrPlane(G, x, m);
          const pats = x.map((_, c) => groupPattern(G, m, 0, c)).filter((q) => q !== 0);
          expect(r.mergeAdds).toBe(pats.length - new Set(pats).size);
          expect(r.mergeAdds).toBeLessThanOrEqual(pats.length);
          expect(r.reconAdds).toBeLessThanOrEqual(m * 2 ** (m - 1));
        }
      }
    }
  });

  test.prop([gemvCase, fc.integer({ min: 1, max: 12 })], { numRuns: 200, seed: 4103 })("brcrTiledCounts: the sum of brcrGemv's counts over the column tiles; brcrGemv's own when tile >= cols", ({ W, x, m }, tile) => {
    const cols = x.length;
    let merge = 0, recon = 0;
    for (let c0 = 0; c0 < cols; c0 += Math.min(tile, cols)) {
      const r = brcrGemv(W.map((row) => row.slice(c0, c0 + tile)), x.slice(c0, c0 + tile), m);
      merge += r.mergeAdds;
      recon += r.reconAdds;
    }
    expect(brcrTiledCounts(W, m, tile)).toEqual({ mergeAdds: merge, reconAdds: recon });
    const whole = brcrGemv(W, x, m);
    expect(brcrTiledCounts(W, m, cols)).toEqual({ mergeAdds: whole.mergeAdds, reconAdds: whole.reconAdds });
  });
});

describe("engine parts", () => {
  it("index converter (S = 6): every bitmap gives its set positions lowest first, one a cycle, then nothing", () => {
    const c = makeIndexConverter(6);
    const sim = simulate(c.module);
    for (let bm = 0; bm < 64; bm++) {
      const want = [0, 1, 2, 3, 4, 5].filter((i) => (bm >> i) & 1);
      sim.poke("bitmap", bm);
      sim.poke("step", 1);
      const got: number[] = [];
      for (let k = 0; k <= want.length; k++) {
        sim.poke("load", k === 0 ? 1 : 0);
        if (sim.peekNumber("valid")) got.push(sim.peekNumber("index"));
        expect(sim.peekNumber("more"), `bitmap ${bm} cycle ${k}`).toBe(k + 1 < want.length ? 1 : 0);
        sim.step();
      }
      expect(got).toEqual(want);
    }
    sim.close();
  });

  test.prop([fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 20, seed: 4104 })("reconstruction unit: row i sums the present slots with bit m-1-i, and counts them", (mm, seed) => {
    const r = rng(seed);
    const u = makeReconUnit(mm, 14);
    const sim = simulate(u.module);
    const z = Array.from({ length: 2 ** mm }, () => Math.floor(r() * 16000) - 8000);
    const on = z.map((_, p) => p > 0 && r() < 0.6);
    for (let p = 1; p < 2 ** mm; p++) sim.poke(`z_${p}`, z[p]);
    sim.poke("present", on.reduce((acc, b, p) => (b ? acc | (1n << BigInt(p)) : acc), 0n));
    for (let i = 0; i < mm; i++) {
      sim.poke("row", i);
      let sum = 0, n = 0;
      for (let p = 1; p < 2 ** mm; p++) if (on[p] && (p >> (mm - 1 - i)) & 1) (sum += z[p]), n++;
      const wrapped = ((sum + 8192) & 16383) - 8192; // the unit is 14 bits wide; real sums fit (zBits)
      expect(sim.peekNumber("sum")).toBe(wrapped);
      expect(sim.peekNumber("count")).toBe(n);
    }
    expect(patternWithBit(0b101, 1)).toBe(0b1011);
    sim.close();
  });
});

/** Engine shapes: m 2..5, rows not a multiple of m, cols over one or more tiles, converters up to the tile. */
const shapeArb = fc.record({
  m: fc.integer({ min: 2, max: 5 }), rows: fc.integer({ min: 1, max: 11 }), cols: fc.integer({ min: 1, max: 40 }),
  tile: fc.integer({ min: 1, max: 24 }), convFrac: fc.double({ min: 0, max: 1, noNaN: true }), batch: fc.integer({ min: 1, max: 3 }),
}).map(({ convFrac, ...s }): BrcrEngineParams => ({ ...s, converters: 1 + Math.floor(convFrac * (s.tile - 1)) }));

function engineRun(p: BrcrEngineParams, seed: number, o: { gaps?: number; viaPort?: boolean; dist?: string; sparsity?: number } = {}) {
  const r = rng(seed);
  const W = randomWeights(r, p.rows, p.cols, o.dist ?? "planes", o.sparsity ?? 0.6);
  const X = Array.from({ length: p.batch }, () => Array.from({ length: p.cols }, () => Math.floor(r() * 256) - 128));
  const sim = simulate(makeBrcrEngine(p).module);
  const check = new Checker();
  try {
    if (!o.viaPort) loadActivations(sim, p, X, r);
    sim.reset();
    if (o.viaPort) writeActivations(sim, p, X);
    const out = runBrcrJob(sim, p, W, X, check, { gaps: o.gaps, r });
    return { out, check, W, X };
  } finally {
    sim.close();
  }
}

describe("BRCR engine vs gemvInt and the golden counts", () => {
  test.prop([shapeArb, fc.integer({ min: 1, max: 1 << 30 }), fc.constantFrom("planes", "laplace"), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 28, seed: 4105 })(
    "random shapes: every output write and its cycle, done, y == gemvInt, merge/recon adds == golden",
    (p, seed, dist, sparsity) => {
      const { out, check, W, X } = engineRun(p, seed, { dist, sparsity });
      expect(check.failures, JSON.stringify(p)).toEqual([]);
      expect(out.cycles).toBe(brcrEngineCycles(W, p));
      if (p.cols <= p.tile) {
        const g = brcrGemm(W, X, p.m);
        expect([out.mergeAdds, out.reconAdds]).toEqual([g.mergeAdds, g.reconAdds]);
      }
    },
  );

  test.prop([shapeArb, fc.integer({ min: 1, max: 1 << 30 }), fc.double({ min: 0.05, max: 0.6, noNaN: true })], { numRuns: 8, seed: 4106 })(
    "a source with gaps, activations through the x port: still exact, same counts",
    (p, seed, gaps) => {
      const { check } = engineRun(p, seed, { gaps, viaPort: true });
      expect(check.failures, JSON.stringify(p)).toEqual([]);
    },
  );

  it("GEMM: 4 lanes at m = 4 over two column tiles, each lane == gemvInt, counts 4x one vector's", () => {
    const p: BrcrEngineParams = { m: 4, rows: 10, cols: 48, tile: 32, converters: 8, batch: 4 };
    const { out, check, W, X } = engineRun(p, 77, { sparsity: 0.5 });
    expect(check.failures).toEqual([]);
    X.forEach((x, b) => expect(out.Y[b]).toEqual(gemvInt(W, x)));
    const one = brcrTiledCounts(W, 4, 32);
    expect([out.mergeAdds, out.reconAdds]).toEqual([4 * one.mergeAdds, 4 * one.reconAdds]);
    // Tiling trades adds: a pattern first seen again in the second tile is a fresh move (fewer merge
    // adds), and each tile reconstructs on its own (more reconstruct adds).
    const whole = brcrGemv(W, X[0], 4);
    expect(one.mergeAdds).toBeLessThanOrEqual(whole.mergeAdds);
    expect(one.reconAdds).toBeGreaterThanOrEqual(whole.reconAdds);
  });

  it("backpressure: a search longer than the next load holds pat_ready low; the cycle model covers it", () => {
    const p: BrcrEngineParams = { m: 5, rows: 10, cols: 6, tile: 6, converters: 2, batch: 1 };
    const { out, check, W } = engineRun(p, 3, { sparsity: 0.2 });
    expect(check.failures).toEqual([]);
    expect(out.stalls).toBeGreaterThan(0);
    expect(out.cycles).toBe(brcrEngineCycles(W, p));
  });

  it("a start while busy is ignored", () => {
    const p: BrcrEngineParams = { m: 3, rows: 5, cols: 7, tile: 7, converters: 3, batch: 1 };
    const r = rng(11);
    const W = randomWeights(r, p.rows, p.cols, "planes", 0.5), X = [Array.from({ length: 7 }, (_, c) => c * 9 - 30)];
    const sim = simulate(makeBrcrEngine(p).module);
    loadActivations(sim, p, X, r);
    sim.reset();
    const stream = brcrPatternStream(W, p);
    sim.poke("start", 1);
    sim.step();
    let at = 0, cycle = 1;
    sim.poke("start", 1); // held high all job long
    while (sim.peekNumber("done") === 0 && cycle < 5000) {
      sim.poke("pat_valid", at < stream.length ? 1 : 0);
      if (at < stream.length) sim.poke("pat_mag", stream[at].mag), sim.poke("pat_sign", stream[at].sign), sim.poke("pat_last", stream[at].last);
      const took = at < stream.length && sim.peekNumber("pat_ready") === 1;
      sim.step();
      if (took) at++;
      cycle++;
    }
    expect(cycle).toBe(brcrEngineCycles(W, p));
    const y = Array.from({ length: p.rows }, (_, i) => (sim.poke("y_rd_addr", i), sim.peekNumber("y_rd_data_0")));
    expect(y).toEqual(gemvInt(W, X[0]));
    sim.close();
  });

  it("bad parameters are errors naming the parameter", () => {
    const p = brcrParams(defaults);
    expect(() => makeBrcrEngine({ ...p, m: 1 })).toThrow(/m = 1 must be/);
    expect(() => makeBrcrEngine({ ...p, m: 7 })).toThrow(/m = 7 must be/);
    expect(() => makeBrcrEngine({ ...p, converters: 300 })).toThrow(/converters = 300 .*tile/);
    expect(() => makeBrcrEngine({ ...p, cols: 70000 })).toThrow(/cols = 70000/);
    expect(() => makeBrcrEngine({ ...p, batch: 0 })).toThrow(/batch = 0/);
    expect(mcbpBrcrTb.validate!({ ...defaults, tile: 8, converters: 9 })).toMatch(/converters = 9/);
    expect(mcbpBrcrTb.validate!(defaults)).toBeUndefined();
    expect(brcrLayout(p)).toMatchObject({ camCols: 256, slice: 16, convs: 16, tiles: 1, keys: 15, zBits: 16, banks: [{ lo: 2, width: 2 }, { lo: 0, width: 2 }] });
  });
});

describe("testbench mcbp-brcr", () => {
  const paramArb = fc.record(Object.fromEntries(mcbpBrcrTb.params.map((s) => [
    s.name,
    s.type === "enum" ? fc.constantFrom(...s.values!) : s.type === "number" ? fc.double({ min: s.verify!.min!, max: s.verify!.max!, noNaN: true }) : fc.integer({ min: s.verify!.min!, max: s.verify!.max! }),
  ])) as Record<string, fc.Arbitrary<number | string>>).filter((q) => mcbpBrcrTb.validate!(q) === undefined);

  test.prop([paramArb, fc.integer({ min: 1, max: 1 << 30 })], { numRuns: 10, seed: 4107 })("passes for random parameters", async (params, seed) => {
    const r = await mcbpBrcrTb.run({ params, seed });
    expect(r.failures, JSON.stringify(params)).toEqual([]);
    expect(r.passed).toBe(true);
    if (Number(params.gaps) === 0) expect(r.metrics.cycles).toBe(r.metrics.modelCycles);
  });

  it("defaults: passes, the cycle model holds, BRCR needs fewer adds than the bit-serial baseline", async () => {
    const r = await mcbpBrcrTb.run({ params: defaults, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.metrics.cycles).toBe(r.metrics.modelCycles);
    expect(r.metrics.stalls).toBe(0);
    expect(r.metrics.brcrAdds).toBe(r.metrics.wholeRowAdds);
    expect(r.metrics.vsNaive as number).toBeGreaterThan(1);
  });

  /** Replace the value of the first assignment to `target` in `mod` (an RTL mutant; the width stays). */
  function mutate(mod: Module, target: string, f: (v: Expr) => Expr): void {
    const walk = (sts: readonly Stmt[]): boolean => sts.some((st) => {
      if (st.kind === "assign" && st.target.name === target) {
        (st as { value: Expr }).value = f(st.value);
        return true;
      }
      if (st.kind === "if") return st.branches.some((b) => walk(b.body));
      if (st.kind === "switch") return st.cases.some((c) => walk(c.body));
      return false;
    });
    if (!walk(mod.statements)) throw new Error(`no assignment to '${target}' in '${mod.name}'`);
  }

  it("catches RTL mutants: the first merge not a move, a reconstruction count off by one, a CAM column lost", () => {
    const p: BrcrEngineParams = { m: 4, rows: 9, cols: 40, tile: 32, converters: 4, batch: 2 };
    const mutants: [string, (e: Module) => void, RegExp][] = [
      ["first merge adds", (e) => mutate(e, "m1_first", () => constant(0, u(1))), /acc_data_\d/],
      ["recon count + 1", (e) => mutate(e.children.find((c) => c.name === "recon_0")!.module, "count", (v) => v.add(1).trunc(v.width)), /recon_adds/],
      ["CAM column 0 lost", (e) => mutate(e.children.find((c) => c.name === "cam")!.module, "hit_w0", (v) => v.and(0xfffffffe).trunc(v.width)), /acc_data_\d|y == gemvInt/],
    ];
    for (const [what, apply, msg] of mutants) {
      const r = rng(21);
      const W = randomWeights(r, p.rows, p.cols, "planes", 0.4), X = [0, 1].map(() => Array.from({ length: p.cols }, () => Math.floor(r() * 256) - 128));
      const eng = makeBrcrEngine(p);
      apply(eng.module);
      const sim = simulate(eng.module);
      const check = new Checker();
      loadActivations(sim, p, X, r);
      sim.reset();
      runBrcrJob(sim, p, W, X, check);
      sim.close();
      expect(check.passed, what).toBe(false);
      expect(check.failures.join("\n"), what).toMatch(msg);
    }
  });

  it("catches mutants: a wrong activation word, a flipped pattern bit, dropped signs, a missing pat_last", async () => {
    const small: Params = { ...defaults, rows: 9, cols: 40, tile: 32, converters: 4, batch: 2 };
    // One activation (lane 1, column 5: bank 0, addr 5 at S = 8) with its LSB flipped on its way into memory.
    const r1 = await mcbpBrcrTb.run({
      params: small, seed: 2,
      attach: (sim) => {
        const eng = sim.engine, write = eng.writeMemory.bind(eng);
        const id = sim.net.memories.find((mm) => mm.name.endsWith("x_mem_b1_k0"))!.id;
        eng.writeMemory = (i, a, v) => write(i, a, i === id && a === 5 ? v ^ 1n : v);
      },
    });
    expect(r1.passed).toBe(false);
    expect(r1.failures.join("\n")).toMatch(/acc_data_1/);
    // The stream with one pattern bit flipped, with every sign dropped, with a pass's end unmarked.
    const p = brcrParams(small);
    for (const fault of ["flip", "unsigned", "last"] as const) {
      const r = rng(8);
      const W = randomWeights(r, p.rows, p.cols, "planes", 0.5), X = [0, 1].map(() => Array.from({ length: p.cols }, () => Math.floor(r() * 256) - 128));
      const good = brcrPatternStream(W, p);
      const firstEnd = good.findIndex((c) => c.last === 1);
      const bad = good.map((c, i) => {
        if (fault === "flip") return i === 100 ? { ...c, mag: c.mag ^ 2 } : c;
        if (fault === "last") return i === firstEnd ? { ...c, last: 0 as const } : c;
        return { ...c, sign: 0 };
      });
      const sim = simulate(makeBrcrEngine(p).module);
      const check = new Checker();
      loadActivations(sim, p, X, r);
      sim.reset();
      runBrcrJob(sim, p, W, X, check, { stream: bad });
      sim.close();
      expect(check.passed, fault).toBe(false);
      if (fault === "last") expect(check.failures.join("\n")).toMatch(/pat_err/);
    }
  });
});
