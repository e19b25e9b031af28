/**
 * MoBiLE (src/system/mobile, papers.md section 3): the golden properties as fast-check properties
 * over random small MoE models, token streams, caches and settings (important tokens bit-identical
 * to the baseline, little tokens on exactly ceil(k/2) experts of their big set, never more PCIe
 * bytes than the baseline on the same routed stream); the cache policies and MoBiLE's bounded
 * memory by hand, including the case that makes plain LRU fetch more for fewer experts; the timing
 * of hand-computed schedules on the event engine; the presets' sizes; the study; the command.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  BoundedExpertMemory, ExpertCache, MoeModel, baselineFetchesOn, cacheStarts, capacityForBytes, checkBigSteps, checkBigTokens,
  checkLittleSteps, defaultCapacity, defaultPinned, gpuPlatform, isImportant, littleCount, littleMass, mobileModel, modelBytes,
  rankExperts, reducedShape, renormalisedGates, runBaseline, runMobile, runMobileStudy, sameBits, stepCosts, timeRun, tokenStream,
  warmupCounts, type CachePolicy, type FallbackRule, type ImportanceRule, type MoeModelShape, type PrefetchSet, type ScheduleRun,
  type StepCosts,
} from "../../src/system/mobile/index.js";
import { runCli } from "../util/run-cli.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`mobile properties: FC_SEED=${SEED}`);

interface Case {
  shape: MoeModelShape;
  seed: number;
  tokens: number;
  policy: CachePolicy;
  capacity: number;
  pinned: number;
  tau: number;
  rule: ImportanceRule;
  fallback: FallbackRule;
  prefetch: boolean;
  prefetchSet: PrefetchSet;
  correlation: number;
  router: { routerScale: number; popularitySkew: number };
}

const caseArb = fc
  .record({
    experts: fc.integer({ min: 2, max: 12 }), topK: fc.integer({ min: 1, max: 6 }), shared: fc.integer({ min: 0, max: 2 }),
    dense: fc.integer({ min: 0, max: 1 }), moeLayers: fc.integer({ min: 1, max: 3 }), hidden: fc.integer({ min: 2, max: 10 }),
    ffn: fc.integer({ min: 1, max: 8 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), tokens: fc.integer({ min: 1, max: 12 }),
    capExtra: fc.nat(12), pinnedShare: fc.double({ min: 0, max: 1, noNaN: true }), policy: fc.constantFrom<CachePolicy>("lru", "pinned"),
    tau: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(2)), rule: fc.constantFrom<ImportanceRule>("mass", "share"),
    fallback: fc.constantFrom<FallbackRule>("resident", "none"), prefetch: fc.boolean(), prefetchSet: fc.constantFrom<PrefetchSet>("little", "predicted"),
    correlation: fc.constantFrom(0, 0.5, 0.9), routerScale: fc.constantFrom(0.5, 1.5, 4), popularitySkew: fc.constantFrom(0, 0.75, 2),
  })
  .map((r): Case => {
    const topK = Math.min(r.topK, r.experts);
    const capacity = topK + (r.capExtra % (r.experts - topK + 1));
    const pinned = r.policy === "pinned" ? Math.floor(r.pinnedShare * (capacity - topK)) : 0;
    return {
      shape: { layers: r.dense + r.moeLayers, denseLayers: r.dense, experts: r.experts, topK, sharedExperts: r.shared, hidden: r.hidden, expertFfn: r.ffn, denseFfn: r.ffn + 1 },
      seed: r.seed, tokens: r.tokens, policy: r.policy, capacity, pinned, tau: r.tau, rule: r.rule, fallback: r.fallback,
      prefetch: r.prefetch, prefetchSet: r.prefetchSet, correlation: r.correlation, router: { routerScale: r.routerScale, popularitySkew: r.popularitySkew },
    };
  });

function runCase(c: Case) {
  const model = new MoeModel(c.shape, c.seed, c.router);
  const starts = cacheStarts(warmupCounts(model, 6, c.seed, c.correlation), { policy: c.policy, capacity: c.capacity, pinned: c.pinned }, c.shape.denseLayers);
  const stream = tokenStream({ tokens: c.tokens, hidden: c.shape.hidden, seed: c.seed, correlation: c.correlation });
  const baseline = runBaseline(model, stream, starts, c.capacity);
  const mobile = runMobile(model, stream, starts, c.capacity, { tau: c.tau, rule: c.rule, fallback: c.fallback, prefetch: c.prefetch, prefetchSet: c.prefetchSet });
  return { model, starts, baseline, mobile };
}

const qwen = mobileModel("qwen-moe");
const COSTS = stepCosts(qwen, modelBytes(qwen), gpuPlatform("rtx4080-16g"));

describe("MoBiLE golden properties", () => {
  test.prop([caseArb], { numRuns: 150, seed: SEED })("important (and fallen-back) tokens: each layer bit-identical to the baseline layer; big in every layer, bit-identical to the baseline run", (c) => {
    const { model, baseline, mobile } = runCase(c);
    for (const s of mobile.steps) if (s.important) expect(s.mode).toBe("big");
    // Recomputed on each step's own input, not borrowed from the baseline run.
    expect(checkBigSteps(model, mobile)).toEqual([]);
    expect(checkBigTokens(baseline, mobile)).toEqual([]);
  });

  test.prop([caseArb], { numRuns: 150, seed: SEED })("little tokens use exactly ceil(k/2) experts, the top of their big set, gates renormalised over them", (c) => {
    const { model, mobile } = runCase(c);
    const kl = littleCount(c.shape.topK);
    for (const s of mobile.steps) {
      if (s.mode !== "little") continue;
      expect(s.important).toBe(false);
      expect(s.uses).toHaveLength(kl);
      for (const u of s.uses) expect(s.big).toContain(u.expert);
      expect(s.uses.reduce((a, u) => a + u.gate, 0)).toBeCloseTo(1, 12);
    }
    expect(checkLittleSteps(model, mobile)).toEqual([]);
  });

  test.prop([caseArb], { numRuns: 150, seed: SEED })("bytes: MoBiLE moves no more experts than the baseline's cache on the same routed stream (the baseline run itself with one MoE layer)", (c) => {
    const { starts, baseline, mobile } = runCase(c);
    const onStream = baselineFetchesOn(mobile, starts, c.capacity, c.shape.denseLayers);
    expect(mobile.transfers.length).toBeLessThanOrEqual(onStream);
    // The replay is the baseline: on the baseline's own stream it gives the baseline's fetches.
    expect(baselineFetchesOn(baseline, starts, c.capacity, c.shape.denseLayers)).toBe(baseline.transfers.length);
    if (c.shape.layers - c.shape.denseLayers === 1) {
      expect(onStream).toBe(baseline.transfers.length);
      expect(mobile.transfers.length).toBeLessThanOrEqual(baseline.transfers.length);
    }
  });

  test.prop([caseArb], { numRuns: 60, seed: SEED })("every token important and no prefetch: MoBiLE is the baseline (transfers, outputs, time)", (c) => {
    const { baseline, mobile } = runCase({ ...c, tau: 2, rule: "mass", prefetch: false });
    expect(mobile.transfers.map((t) => [t.layer, t.expert])).toEqual(baseline.transfers.map((t) => [t.layer, t.expert]));
    mobile.outputs.forEach((o, t) => expect(sameBits(o, baseline.outputs[t])).toBe(true));
    // MoBiLE's step orders its little pass first; with no prediction the layer's work is the same.
    expect(timeRun(mobile, COSTS).totalNs).toBeCloseTo(timeRun(baseline, COSTS).totalNs, 3);
  });

  test.prop([caseArb], { numRuns: 80, seed: SEED })("timing overlaps compute and PCIe: max(GPU busy, demand transfers) <= time <= GPU busy + link busy; tokens add up", (c) => {
    const { baseline, mobile } = runCase(c);
    for (const run of [baseline, mobile]) {
      const t = timeRun(run, COSTS);
      const demand = run.transfers.filter((x) => x.kind === "demand").length * COSTS.transfer;
      expect(t.totalNs).toBeGreaterThanOrEqual(Math.max(t.gpuBusyNs, demand) - 1e-6);
      expect(t.totalNs).toBeLessThanOrEqual(t.gpuBusyNs + t.linkBusyNs + 1e-6);
      expect(t.perTokenNs).toHaveLength(c.tokens);
      expect(t.perTokenNs.reduce((a, b) => a + b, 0)).toBeCloseTo(t.totalNs, 3);
    }
  });

  test.prop([caseArb], { numRuns: 30, seed: SEED })("the same seed gives the same runs", (c) => {
    const a = runCase(c), b = runCase(c);
    expect(b.mobile.transfers).toEqual(a.mobile.transfers);
    expect(b.mobile.steps.map((s) => s.mode)).toEqual(a.mobile.steps.map((s) => s.mode));
    b.mobile.outputs.forEach((o, t) => expect(sameBits(o, a.mobile.outputs[t])).toBe(true));
  });
});

describe("routing and importance", () => {
  it("ranks by probability with ties to the lower index; renormalises over the chosen set", () => {
    const p = new Float64Array([0.1, 0.3, 0.3, 0.05, 0.25]);
    expect(rankExperts(p)).toEqual([1, 2, 4, 0, 3]);
    const g = renormalisedGates(p, [1, 2]);
    expect(g).toEqual([0.3 / 0.6, 0.3 / 0.6]);
    expect(littleCount(1)).toBe(1);
    expect(littleCount(2)).toBe(1);
    expect(littleCount(5)).toBe(3);
    expect(littleCount(6)).toBe(3);
  });

  it("important(token) = (sum of the top ceil(k/2) probabilities) < tau; the share rule divides by the top-k mass", () => {
    const p = new Float64Array([0.5, 0.2, 0.2, 0.1]);
    const big = rankExperts(p).slice(0, 2); // [0, 1]: little = [0], mass 0.5
    expect(littleMass(p, big)).toBe(0.5);
    expect(isImportant("mass", 0.5, p, big)).toBe(false); // 0.5 < 0.5 is false: unimportant
    expect(isImportant("mass", 0.51, p, big)).toBe(true);
    // share: 0.5 / (0.5 + 0.2) = 0.714
    expect(isImportant("share", 0.72, p, big)).toBe(true);
    expect(isImportant("share", 0.71, p, big)).toBe(false);
  });
});

describe("expert cache policies", () => {
  it("lru: hits become most recent, a miss evicts the least recently used", () => {
    const c = new ExpertCache(3, [], [0, 1, 2]); // 0 least recent
    expect(c.access([1])).toEqual({ misses: [], evicted: [] }); // order 0, 2, 1
    expect(c.access([3, 1])).toEqual({ misses: [3], evicted: [0] }); // 1 is touched first, then 3 evicts 0
    expect(c.access([4, 2])).toEqual({ misses: [4], evicted: [1] }); // 2 is touched first, then 4 evicts 1
    expect(c.contents()).toEqual([3, 2, 4]);
  });

  it("pinned: pinned experts are never evicted; the rest is LRU", () => {
    const c = new ExpertCache(3, [5], [0, 1]);
    expect(c.access([5, 2])).toEqual({ misses: [2], evicted: [0] });
    expect(c.access([3, 4])).toEqual({ misses: [3, 4], evicted: [1, 2] });
    expect(c.has(5)).toBe(true);
    expect(c.contents()).toEqual([5, 3, 4]);
  });

  it("refuses what cannot work, saying why", () => {
    expect(() => new ExpertCache(2, [0, 1])).toThrow(/leave no LRU slot/);
    expect(() => new ExpertCache(2, [], [0, 1, 2])).toThrow(/exceed the 2 LRU slots/);
    expect(() => new ExpertCache(3, [0], []).access([1, 2, 3])).toThrow(/3 unpinned experts in one access exceed the 2 LRU slots/);
    expect(defaultPinned(4, 2)).toBe(2);
    expect(defaultPinned(28, 6)).toBe(14);
    expect(defaultPinned(7, 6)).toBe(1);
  });

  it("the warm-up starts every cache with the layer's most used experts, the least used first to go", () => {
    const counts = [[5, 1, 9, 9, 0, 3]];
    expect(cacheStarts(counts, { policy: "lru", capacity: 3, pinned: 0 }, 0)).toEqual([{ pinned: [], initial: [0, 3, 2] }]);
    expect(cacheStarts(counts, { policy: "pinned", capacity: 4, pinned: 2 }, 0)).toEqual([{ pinned: [2, 3], initial: [5, 0] }]);
  });
});

describe("MoBiLE's memory against the baseline's directory", () => {
  it("plain LRU fetches more for fewer experts; the bounded memory does not", () => {
    // Capacity 2, A = 0 and B = 1 cached (A least recent). Tokens' big sets: {A, B}, {C}, {B}.
    // The baseline: A, B hit (B most recent); C evicts A; B hits: 1 fetch.
    const baseline = new ExpertCache(2, [], [0, 1]);
    const fetches = [[0, 1], [2], [1]].reduce((n, big) => n + baseline.access(big).misses.length, 0);
    expect(fetches).toBe(1);
    // A plain LRU over what a little first token uses ({A} alone) keeps B least recent: C evicts B, B misses.
    const plain = new ExpertCache(2, [], [0, 1]);
    expect([[0], [2], [1]].reduce((n, used) => n + plain.access(used).misses.length, 0)).toBe(2);
    // The bounded memory updates the directory with the big set and loads only what is used.
    const m = new BoundedExpertMemory([{ pinned: [], initial: [0, 1] }], 2, 0);
    const steps: [number[], number[]][] = [[[0, 1], [0]], [[2], [2]], [[1], [1]]];
    for (const [big, used] of steps) {
      m.admit(0, big);
      for (const e of used) if (!m.has(0, e)) m.load(0, e);
    }
    expect(m.moved).toBeLessThanOrEqual(m.baselineFetches);
    expect([m.moved, m.baselineFetches]).toEqual([1, 1]);
  });

  it("keeps an expert the directory evicted in a hole's slot, and a later directory miss on it moves nothing", () => {
    const m = new BoundedExpertMemory([{ pinned: [], initial: [0, 1] }], 2, 0);
    m.admit(0, [2, 3]); // directory: 2, 3 (holes); 0 and 1 evicted but kept as extras
    expect([m.baselineFetches, m.holes, m.has(0, 0), m.has(0, 1)]).toEqual([2, 2, true, true]);
    m.load(0, 2); // needs a slot: the oldest extra (0) goes
    expect([m.has(0, 0), m.has(0, 1), m.has(0, 2)]).toEqual([false, true, true]);
    m.admit(0, [1]); // the directory misses on 1 (evicting 2, kept as an extra): MoBiLE still holds 1, moves nothing
    expect([m.moved, m.baselineFetches, m.holes, m.savedExperts]).toEqual([1, 3, 1, 1]);
    expect([m.has(0, 1), m.has(0, 2), m.isHole(0, 3)]).toEqual([true, true, true]);
  });

  it("a speculative prefetch is paid from saved bytes only; an unused one is dropped", () => {
    const m = new BoundedExpertMemory([{ pinned: [], initial: [0, 1] }], 2, 0);
    expect(m.stage(0, 5, 0)).toBe(false); // nothing saved yet
    m.admit(0, [2, 3]);
    m.admit(0, [0, 1]); // 0 and 1 are extras (no move); 2 and 3 were holes, evicted: four baseline fetches saved
    expect(m.savedExperts).toBe(4);
    expect(m.stage(0, 5, 7)).toBe(true);
    expect(m.admit(0, [5, 0])).toEqual({ placed: new Map([[5, 7]]), dropped: 0 });
    expect(m.stage(0, 6, 8)).toBe(true);
    expect(m.admit(0, [0]).dropped).toBe(1);
    expect(m.moved).toBeLessThanOrEqual(m.baselineFetches);
  });
});

/** A schedule by hand: one step per entry, uses as [expert, transfer, demand, prefetched]. */
function handRun(steps: { token: number; layer: number; uses: [number, number, boolean][]; littlePass: number; predicts: boolean; demand: number[]; prefetch: number[] }[], transfers: number): ScheduleRun {
  const v = new Float64Array(1);
  return {
    scheduler: "mobile",
    steps: steps.map((s) => ({
      ...s, mode: "big" as const, important: true, big: [], little: [], input: v, output: v,
      uses: s.uses.map(([expert, transfer, demand]) => ({ expert, gate: 1, transfer, demand, prefetched: false })),
    })),
    transfers: Array.from({ length: transfers }, (_, id) => ({ id, layer: 0, expert: id, kind: "demand" as const })),
    outputs: [],
  };
}

describe("timing on the event engine", () => {
  const costs: StepCosts = { attention: 1000, router: 100, expert: 500, shared: 0, denseFfn: 0, lmHead: 200, transfer: 3000 };

  it("two tokens, one layer, by hand: compute overlaps the fetch; a layer is max(compute, fetch) plus what cannot overlap", () => {
    const run = handRun([
      // Token 0: expert 0 resident, expert 1 fetched on demand (transfer 0).
      { token: 0, layer: 0, uses: [[0, -1, false], [1, 0, true]], littlePass: 0, predicts: false, demand: [0], prefetch: [] },
      // Token 1: expert 1 now resident (transfer 0, long arrived), expert 2 fetched (transfer 1).
      { token: 1, layer: 0, uses: [[1, 0, false], [2, 1, true]], littlePass: 0, predicts: false, demand: [1], prefetch: [] },
    ], 2);
    // Token 0: attention + router 0..1100; transfer 0 on the link 1100..4100; expert 0 computes
    // 1100..1600 meanwhile; expert 1 4100..4600; LM head 4600..4800. Token 1 the same, shifted.
    const t = timeRun(run, costs);
    expect(t.perTokenNs).toEqual([4800, 4800]);
    expect(t.totalNs).toBe(9600);
    expect(t.linkBusyNs).toBe(6000);
    expect(t.gpuBusyNs).toBe(2 * (1100 + 500 + 500 + 200));
  });

  it("a prefetch after the little pass overlaps the next layer's attention and router", () => {
    const step0 = { token: 0, layer: 0, uses: [[0, 0, true]] as [number, number, boolean][], littlePass: 1, demand: [0] };
    const withPrefetch = handRun([
      { ...step0, predicts: true, prefetch: [1] },
      { token: 0, layer: 1, uses: [[3, 1, false]], littlePass: 1, predicts: false, demand: [], prefetch: [] },
    ], 2);
    // Layer 0: 0..1100 attention + router; transfer 0 1100..4100; expert 0 4100..4600; the next
    // layer's router 4600..4700, then transfer 1 queued: 4700..7700. Layer 1: attention + router
    // 4700..5800; expert 3 waits for it, 7700..8200; LM head 8200..8400.
    expect(timeRun(withPrefetch, costs).totalNs).toBe(8400);
    const onDemand = handRun([
      { ...step0, predicts: false, prefetch: [] },
      { token: 0, layer: 1, uses: [[3, 1, true]], littlePass: 1, predicts: false, demand: [1], prefetch: [] },
    ], 2);
    // Without: layer 0 ends at 4600; layer 1's router 5700, transfer 5700..8700, expert ..9200, LM head ..9400.
    expect(timeRun(onDemand, costs).totalNs).toBe(9400);
  });

  it("costs come from the full shapes: a roofline of each GEMV plus a launch, and PCIe latency plus bytes over bandwidth", () => {
    const mix = mobileModel("mixtral-8x7b");
    const b = modelBytes(mix);
    expect(b.expert).toBe(3 * 4096 * 14336 * 4.5 / 8); // 99,090,432 bytes in int4 with group-64 scales and zeros
    const c = stepCosts(mix, b, gpuPlatform("rtx4080-16g"));
    expect(c.transfer).toBeCloseTo(10_000 + b.expert / 25, 6);
    expect(c.expert).toBeCloseTo(b.expert / 716.8 + 5000, 6); // memory-bound at batch 1
    expect(c.shared).toBe(0);
  });
});

describe("presets and sizes", () => {
  it("what fits on the default 16 GB card: 4 of Mixtral's 8 experts per layer (int4), 28 of DeepSeek-V2-Lite's 64 and of Qwen-MoE's 60 (fp16)", () => {
    const gpu = gpuPlatform("rtx4080-16g");
    expect(defaultCapacity(mobileModel("mixtral-8x7b"), gpu)).toBe(4);
    expect(defaultCapacity(mobileModel("deepseek-v2-lite"), gpu)).toBe(28);
    expect(defaultCapacity(mobileModel("qwen-moe"), gpu)).toBe(28);
    // fp16 Mixtral leaves room for one expert per layer: less than its top-2.
    expect(defaultCapacity(mobileModel("mixtral-8x7b"), gpu, "fp16")).toBe(1);
    expect(capacityForBytes(mobileModel("qwen-moe"), 12 * 2 ** 30)).toBe(31);
  });

  it("the reduced model keeps each FFN's ratio to the hidden size and the layer structure", () => {
    const s = reducedShape(mobileModel("mixtral-8x7b"));
    expect(s).toMatchObject({ hidden: 32, expertFfn: 112, layers: 32, experts: 8, topK: 2, sharedExperts: 0, denseLayers: 0 });
    expect(reducedShape(mobileModel("deepseek-v2-lite"), 64, 3)).toMatchObject({ expertFfn: 44, denseFfn: 342, layers: 3, denseLayers: 1, sharedExperts: 2 });
    expect(() => reducedShape(mobileModel("deepseek-v2-lite"), 64, 1)).toThrow(/layers = 1 must be a whole number 2\.\.27/);
  });
});

describe("the study", () => {
  it("runs both schedulers on one stream, passes the golden checks, and reports what the issue asks", () => {
    const r = runMobileStudy({ model: "qwen-moe", tokens: 10, layers: 3, hidden: 16, seed: 3 });
    expect(r.checks).toMatchObject({ ok: true, problems: [] });
    expect(r.mobile.bytes).toBeLessThanOrEqual(r.checks.baselineFetchesOnStream * r.expertBytes);
    expect(r.error.maxAbsBigTokens).toBe(0);
    expect(r.speedup).toBeCloseTo(r.baseline.totalMs / r.mobile.totalMs, 12);
    expect(r.mobile.littleShare + r.mobile.fallbackShare + r.mobile.importantShare).toBeCloseTo(1, 12);
    expect(runMobileStudy({ model: "qwen-moe", tokens: 10, layers: 3, hidden: 16, seed: 3 })).toEqual(r);
  });

  it("tau = 0 makes every token little (no fallback): MoBiLE moves fewer bytes and is faster", () => {
    const r = runMobileStudy({ model: "deepseek-v2-lite", tokens: 12, layers: 4, hidden: 16, tau: 0, fallback: "none" });
    expect(r.mobile.littleShare).toBe(1);
    expect(r.mobile.bytes).toBeLessThan(r.baseline.bytes);
    expect(r.speedup).toBeGreaterThan(1);
  });
});

describe("tessera mobile", () => {
  const small = ["mobile", "--model", "qwen-moe", "--tokens", "8", "--layers", "3", "--hidden", "16"];

  it("--json: speedup, bytes and hit rate of both, the output difference, little share, time per token, the checks", async () => {
    const r = await runCli([...small, "--tau", "0.4", "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ model: "qwen-moe", tokens: 8, tau: 0.4, layers: 3, gpu: "rtx4080-16g", policy: "lru", capacity: 28, checks: { ok: true } });
    for (const s of [j.baseline, j.mobile]) for (const k of ["bytes", "hitRate", "msPerToken", "fetchedExperts"]) expect(typeof s[k]).toBe("number");
    for (const k of ["speedup", "bytesRatio"]) expect(typeof j[k]).toBe("number");
    expect(j.error.maxAbsBigTokens).toBe(0);
    expect(typeof j.error.maxAbs).toBe("number");
    expect(typeof j.mobile.littleShare).toBe("number");
    const again = await runCli([...small, "--tau", "0.4", "--json"]);
    expect({ ...JSON.parse(again.out), timing: 0 }).toEqual({ ...j, timing: 0 });
    const text = await runCli([...small, "--tau", "0.4"]);
    expect(text.code).toBe(0);
    expect(text.out).toContain("qwen-moe (3 layers, fp16, expert 16.5 MB) on rtx4080-16g");
    expect(text.out).toContain(`${j.speedup.toFixed(2)}x`);
  });

  it("--cache in experts or GB, --policy pinned, --list", async () => {
    const pinned = await runCli([...small, "--cache", "12GB", "--policy", "pinned", "--pinned", "5", "--json"]);
    expect(pinned.code, pinned.err).toBe(0);
    expect(JSON.parse(pinned.out)).toMatchObject({ capacity: 31, policy: "pinned", pinned: 5 });
    const list = await runCli(["mobile", "--list"]);
    expect(list.code).toBe(0);
    for (const name of ["mixtral-8x7b", "deepseek-v2-lite", "qwen-moe", "rtx4080-16g"]) expect(list.out).toContain(name);
  });

  it("usage errors name the option and how to mend it (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["mobile", "--model", "llama"], /--model: no MoE model preset 'llama'; presets: mixtral-8x7b, deepseek-v2-lite, qwen-moe/],
      [["mobile", "--gpu", "h100"], /--gpu: no GPU preset 'h100'; presets: rtx4080-16g, rtx4090-24g/],
      [["mobile", "--tokens", "0"], /--tokens must be a whole number/],
      [["mobile", "--tau", "-1"], /--tau must be a number >= 0/],
      [["mobile", "--cache", "1"], /--cache 1 is a cache of 1 expert per layer; mixtral-8x7b needs 2\.\.8 \(at least a token's top-2/],
      [["mobile", "--cache", "9"], /--cache 9 is a cache of 9 experts per layer; mixtral-8x7b needs 2\.\.8/],
      [["mobile", "--cache", "0.1GB"], /--cache 0\.1GB is a cache of 0 experts per layer/],
      [["mobile", "--cache", "lots"], /--cache 'lots': give experts per MoE layer/],
      [["mobile", "--precision", "fp16"], /leaves room for 1 expert per layer on rtx4080-16g .*give --cache, a larger --gpu or a smaller --precision/],
      [["mobile", "--pinned", "1"], /--pinned sets the pinned experts of --policy pinned/],
      [["mobile", "--policy", "pinned", "--pinned", "3"], /--pinned 3 leaves fewer than 2 LRU slots of the 4-expert cache; pin at most 2/],
      [["mobile", "--model", "deepseek-v2-lite", "--layers", "1"], /--layers 1: deepseek-v2-lite has 27 layers, the first 1 dense; give 2\.\.27/],
      [["mobile", "--no-prefetch", "--prefetch-set", "little"], /--prefetch-set chooses what to prefetch; it has no effect with --no-prefetch/],
      [["mobile", "--pcie-gbps", "0"], /--pcie-gbps must be a number > 0/],
      [["mobile", "--policy", "mru"], /--policy.*lru, pinned/],
    ];
    for (const [argv, msg] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(msg);
      expect(r.err.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
  });
});
