/**
 * Serving (src/system/serve): traces, prefix caching and the token-budget scheduler against the
 * properties XY-Serve states (../shared/reference/papers.md section 6 (c)).
 */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import {
  PrefixCache, attentionTiles, dvTokens, formStep, generateTrace, kvSequence, linearTiles, promptTokens, readTraceCsv, reorder, runSchedule, selectPipeline, TRACE_SHAPES,
  type RequestState, type ServeRequest,
} from "../../src/system/serve/index.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("traces", () => {
  it("generated traces follow their length models, arrive in order, and share only earlier prompts", () => {
    for (const kind of ["coding", "conversation"] as const) {
      const t = generateTrace(kind, { requests: 4000, ratePerSec: 10, seed: 7 });
      expect(generateTrace(kind, { requests: 4000, ratePerSec: 10, seed: 7 })).toEqual(t);
      const shape = TRACE_SHAPES[kind];
      expect(Math.abs(median(t.map((q) => q.promptLen)) / shape.prompt.median - 1)).toBeLessThan(0.1);
      expect(Math.abs(median(t.map((q) => q.outputLen)) / shape.output.median - 1)).toBeLessThan(0.15);
      // Poisson arrivals at 10/s: mean gap 100 ms.
      expect(Math.abs(t[t.length - 1].arrival / t.length / 100 - 1)).toBeLessThan(0.06);
      const shared = t.filter((q) => q.prefixOf >= 0);
      expect(Math.abs(shared.length / t.length - shape.shareProb)).toBeLessThan(0.03);
      t.forEach((q, i) => {
        if (i > 0) expect(q.arrival).toBeGreaterThanOrEqual(t[i - 1].arrival);
        if (q.prefixOf >= 0) {
          expect(q.prefixOf).toBeLessThan(q.id);
          expect(q.prefixLen).toBeGreaterThan(0);
          expect(q.prefixLen).toBeLessThan(q.promptLen);
          expect(q.prefixLen).toBeLessThanOrEqual(t[q.prefixOf].promptLen);
        }
      });
    }
  });

  it("a prompt's shared prefix is the earlier prompt's tokens, the rest its own", () => {
    const t = generateTrace("coding", { requests: 300, ratePerSec: 5, seed: 3 });
    const toks = promptTokens(t);
    for (const q of t) {
      if (q.prefixOf < 0) continue;
      expect(toks[q.id].subarray(0, q.prefixLen)).toEqual(toks[q.prefixOf].subarray(0, q.prefixLen));
      expect(toks[q.id][q.prefixLen]).not.toBe(toks[q.prefixOf][q.prefixLen]);
    }
  });

  it("reads a CSV trace, and names the line and column of what is wrong", () => {
    const t = readTraceCsv("# two requests\narrival_ms,prompt,output,prefix_of,prefix_len,spec\n0,100,10,-1,0,0\n5.5,80,3,0,40,4\n", "t.csv");
    expect(t).toEqual([
      { id: 0, arrival: 0, promptLen: 100, outputLen: 10, prefixOf: -1, prefixLen: 0, specLen: 0 },
      { id: 1, arrival: 5.5, promptLen: 80, outputLen: 3, prefixOf: 0, prefixLen: 40, specLen: 4 },
    ]);
    expect(readTraceCsv("arrival_ms,prompt,output\n1,2,3\n")[0]).toMatchObject({ prefixOf: -1, prefixLen: 0, specLen: 0 });
    expect(() => readTraceCsv("arrival,prompt,output\n", "t.csv")).toThrow(/t\.csv:1: the header has no 'arrival_ms'/);
    expect(() => readTraceCsv("arrival_ms,prompt,output\n0,12.5,3\n", "t.csv")).toThrow(/t\.csv:2: prompt = '12\.5' must be a whole number/);
    expect(() => readTraceCsv("arrival_ms,prompt,output\n5,10,3\n4,10,3\n", "t.csv")).toThrow(/t\.csv:3: arrival_ms = 4 is before/);
    expect(() => readTraceCsv("arrival_ms,prompt,output,prefix_of,prefix_len\n0,10,3,-1,0\n1,10,3,0,11\n", "t.csv")).toThrow(/t\.csv:3: prefix_len = 11 is longer/);
    expect(() => readTraceCsv("arrival_ms,prompt,output,prefix_of\n0,10,3,1\n", "t.csv")).toThrow(/prefix_of = '1' must be -1 or the index of an earlier request/);
  });
});

/** Small traces with plenty of sharing, for the cache and the scheduler. */
const smallTrace = fc
  .record({
    n: fc.integer({ min: 1, max: 24 }),
    seed: fc.integer(),
    spec: fc.constantFrom(0, 0, 3, 7),
  })
  .map(({ n, seed, spec }) =>
    generateTrace("conversation", { requests: n, ratePerSec: 50, seed, shareProb: 0.6, maxPrompt: 300, maxOutput: 40, specLen: spec }),
  );

describe("prefix cache", () => {
  test.prop([smallTrace, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 64 }), fc.integer()], { numRuns: 150 })(
    "caching never changes a request's KV; with room for everything it finds every declared shared prefix",
    (trace, blockSize, capacity, seed) => {
      const toks = promptTokens(trace);
      const small = new PrefixCache(blockSize, capacity);
      const big = new PrefixCache(blockSize, 1 << 20);
      let x = seed >>> 0;
      const held: ReturnType<PrefixCache["acquire"]>["held"][] = [];
      for (const q of trace) {
        for (const cache of [small, big]) {
          const got = cache.acquire(toks[q.id]);
          expect(got.kv).toEqual(kvSequence(toks[q.id]));
          expect(got.match.matched).toBeLessThanOrEqual(q.promptLen);
          if (cache === big) expect(got.match.matched).toBeGreaterThanOrEqual(q.prefixLen);
          if (cache === small) {
            held.push(got.held);
            // Blocks held by live requests are never evicted; beyond them the cache keeps to its capacity.
            expect(small.size).toBeLessThanOrEqual(Math.max(capacity, new Set(held.flat()).size));
          }
        }
        // Some requests finish, in no particular order, and free their blocks for eviction.
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        if (held.length && x % 3 === 0) small.release(held.splice(x % held.length, 1)[0]);
      }
    },
  );

  it("copies a block on write where a prompt parts from the cached one inside it", () => {
    const c = new PrefixCache(4, 100);
    const a = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = Int32Array.from([1, 2, 3, 4, 5, 6, 70, 80]);
    c.acquire(a);
    const m = c.acquire(b).match;
    expect(m.matched).toBe(6);
    expect(m.blocks.length).toBe(1);
    expect(m.partial?.tokens).toBe(2);
    expect(c.copies).toBe(1);
    // a's blocks [1..4] [5..8] [9]; b's own [5,6,70,80] under the shared [1..4].
    expect(c.size).toBe(4);
    expect(c.match(Int32Array.from([1, 2, 3, 4, 5, 6, 70, 80, 90])).matched).toBe(8);
  });
});

const outOf = (st: ReturnType<typeof runSchedule>, t: readonly ServeRequest[]) => t.map((q) => st.outputSteps[q.id].length);

describe("token-budget scheduler", () => {
  test.prop([smallTrace, fc.integer({ min: 48, max: 400 }), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 64 })], { numRuns: 200 })(
    "xy: steps within budget, D/V reservation honoured, prefill-only only with no D/V, every prompt token once, every output token",
    (trace, budget, reserve0, tileSize) => {
      const reserve = Math.min(reserve0, budget);
      const o = { scheduler: "xy" as const, budget, reserve, tileSize };
      const toks = promptTokens(trace);
      const cache = new PrefixCache(16, 1 << 20);
      const run = runSchedule(trace, o, { cached: (q) => cache.acquire(toks[q.id]).match.matched, seed: 5 });
      const next = new Int32Array(trace.length);
      trace.forEach((q) => (next[q.id] = run.cachedTokens[q.id]));
      for (const step of run.steps) {
        expect(step.tokens).toBeLessThanOrEqual(budget);
        expect(step.tokens).toBe(step.table.reduce((s, e) => s + e.tokenNum, 0));
        const dv = step.tokens - step.prefillTokens;
        if (step.dvDemand > 0) expect(dv).toBeGreaterThan(0);
        // Every D/V token wanted, or at least the reservation's worth less one request's.
        const maxDv = Math.max(1, ...trace.map(dvTokens));
        expect(dv).toBeGreaterThanOrEqual(Math.min(step.dvDemand, Math.max(0, reserve - maxDv + 1)));
        if (step.prefillTokens === step.tokens) expect(step.dvDemand).toBe(0);
        for (const e of step.table) {
          expect(e.kvLen).toBe(e.start + e.tokenNum);
          expect(e.tileSize).toBeLessThanOrEqual(e.tokenNum);
          if (e.kind === "P") {
            expect(e.start).toBe(next[e.request]); // chunks in order, none repeated or skipped
            next[e.request] += e.tokenNum;
          }
        }
      }
      trace.forEach((q) => expect(next[q.id]).toBe(q.promptLen));
      // Plain decode: one token per step after the first; verify steps may emit several.
      outOf(run, trace).forEach((k, i) => (trace[i].specLen === 0 ? expect(k).toBe(trace[i].outputLen) : expect(k).toBeLessThanOrEqual(trace[i].outputLen)));
    },
  );

  test.prop([smallTrace, fc.integer({ min: 48, max: 400 })], { numRuns: 100 })(
    "baseline: whole prompts, prefill steps decode nothing, each prompt token once",
    (trace, budget) => {
      const run = runSchedule(trace, { scheduler: "baseline", budget }, { seed: 5 });
      const done = new Int32Array(trace.length);
      for (const step of run.steps) {
        if (step.prefillTokens > 0) expect(step.prefillTokens).toBe(step.tokens);
        if (step.table.length > 1) expect(step.tokens).toBeLessThanOrEqual(budget);
        for (const e of step.table) if (e.kind === "P") {
          expect(e.start).toBe(0);
          done[e.request] += e.tokenNum;
        }
      }
      trace.forEach((q) => expect(done[q.id]).toBe(q.promptLen));
    },
  );

  it("a long prompt is chunked over steps while decoding keeps its reserved slots", () => {
    const mk = (id: number, promptLen: number, outputLen: number): ServeRequest => ({ id, arrival: 0, promptLen, outputLen, prefixOf: -1, prefixLen: 0, specLen: 0 });
    const running: RequestState[] = [1, 2, 3].map((id) => ({ req: mk(id, 10, 50), prefilled: 10, generated: 5 }));
    const waiting: RequestState[] = [{ req: mk(0, 10000, 5), prefilled: 0, generated: 0 }];
    const s = formStep({ scheduler: "xy", budget: 4096, reserve: 2 }, waiting, running);
    // Two D slots reserved, then the rest of the budget to the prompt (the third decode waits a step).
    expect(s.table.map((e) => [e.kind, e.request, e.start, e.tokenNum])).toEqual([["D", 1, 15, 1], ["D", 2, 15, 1], ["P", 0, 0, 4094]]);
    const b = formStep({ scheduler: "baseline", budget: 4096 }, waiting, running);
    expect(b.table.map((e) => [e.kind, e.tokenNum])).toEqual([["P", 10000]]);
  });
});

describe("task decomposition and reordering", () => {
  const stepArb = fc.record({ trace: smallTrace, budget: fc.integer({ min: 16, max: 300 }), tileSize: fc.integer({ min: 1, max: 64 }), heads: fc.integer({ min: 1, max: 4 }), cores: fc.integer({ min: 1, max: 9 }) });

  test.prop([stepArb], { numRuns: 150 })(
    "every attention tile on exactly one core, symmetric round-robin imbalance within the heaviest tile, tiles cover every stage row per head",
    ({ trace, budget, tileSize, heads, cores }) => {
      const run = runSchedule(trace, { scheduler: "xy", budget, tileSize }, { seed: 2 });
      for (const step of run.steps.slice(0, 12)) {
        const tiles = attentionTiles(step, heads);
        const rows = new Map<number, number>();
        for (const t of tiles) {
          expect(t.rows).toBeLessThanOrEqual(tileSize);
          expect(t.load).toBe(t.rows * t.kvLen);
          rows.set(t.stageId, (rows.get(t.stageId) ?? 0) + t.rows);
        }
        for (const e of step.table) {
          expect(rows.get(e.stageId)).toBe(e.tokenNum * heads);
          // The stage's last tile reads the stage's whole KV.
          expect(Math.max(...tiles.filter((t) => t.stageId === e.stageId).map((t) => t.kvLen))).toBe(e.kvLen);
        }
        const a = reorder(tiles.map((t) => t.load), cores);
        const seen = a.perCore.flat().sort((x, y) => x - y);
        expect(seen).toEqual(tiles.map((_, i) => i));
        const heaviest = Math.max(0, ...tiles.map((t) => t.load));
        expect(Math.max(...a.load) - Math.min(...a.load)).toBeLessThanOrEqual(heaviest);
        a.perCore.forEach((ts, c) => expect(ts.reduce((s, i) => s + tiles[i].load, 0)).toBe(a.load[c]));
      }
    },
  );

  test.prop([fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 128 })], { numRuns: 100 })(
    "linear tiles cover the step's M x N output once, edge tiles only their real rows",
    (M, N, tm, tn) => {
      const tiles = linearTiles(M, N, tm, tn);
      expect(tiles.reduce((s, t) => s + t.load, 0)).toBe(M * N);
      expect(tiles.length).toBe(Math.ceil(M / tm) * Math.ceil(N / tn));
      for (const t of tiles) {
        expect(t.row * tm + t.rows).toBeLessThanOrEqual(M);
        expect(t.col * tn + t.cols).toBeLessThanOrEqual(N);
      }
    },
  );

  it("pipeline: decode-only steps 2-stage; 3-stage iff the cache holds alpha x the cores' largest score blocks, else 4", () => {
    const mk = (id: number, promptLen: number, outputLen: number, specLen = 0): ServeRequest => ({ id, arrival: 0, promptLen, outputLen, prefixOf: -1, prefixLen: 0, specLen });
    const decode = formStep({ scheduler: "xy", budget: 64 }, [], [1, 2, 3].map((id) => ({ req: mk(id, 100, 9), prefilled: 100, generated: 2 })));
    const dt = attentionTiles(decode, 2);
    expect(selectPipeline(dt, reorder(dt.map((t) => t.load), 4), 0).pipeline).toBe(2);
    const mixed = formStep({ scheduler: "xy", budget: 300, tileSize: 64 }, [{ req: mk(0, 1000, 3), prefilled: 0, generated: 0 }], [{ req: mk(1, 100, 9, 3), prefilled: 100, generated: 2 }]);
    const mt = attentionTiles(mixed, 2);
    const a = reorder(mt.map((t) => t.load), 4);
    // Largest tile per core: the chunk's tiles read up to 64, 128, ... keys; verify reads 106.
    const need = selectPipeline(mt, a, 0).need;
    const byHand = a.perCore.reduce((s, core) => s + Math.max(0, ...core.map((i) => mt[i].rows * mt[i].kvLen)), 0) * 4;
    expect(need).toBe(byHand);
    expect(selectPipeline(mt, a, need + 1).pipeline).toBe(3);
    expect(selectPipeline(mt, a, need).pipeline).toBe(4);
  });
});
