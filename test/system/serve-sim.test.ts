/**
 * The serving run in time (src/system/serve/serve-sim.ts) and `tessera serve-sim`: every request
 * served in full, latencies that respect arrivals, steps within budget and in time order, the
 * nearest-rank percentiles, the baseline's greedy dealing, xy's TBT (worst, mean, p99) against the
 * baseline's on mixed traces, and the command's JSON and usage errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  StepTimer, distribution, formStep, generateTrace, greedyAssign, percentile, serveSim, serveSimAsync, type ServeRequest,
} from "../../src/system/serve/index.js";
import { platformPreset } from "../../src/system/platform/index.js";
import { modelPreset, type TransformerSpec } from "../../src/system/workload/model.js";
import { runCli } from "../util/run-cli.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`serve-sim properties: FC_SEED=${SEED}`);

/** A model small enough that a property run of dozens of requests takes milliseconds. */
const SMALL: TransformerSpec = { name: "small", hidden: 64, heads: 4, kvHeads: 2, headDim: 16, ffn: 128, layers: 2, precision: "fp16" };
const tiny = platformPreset("tiny-2x2");
const palm = platformPreset("palm-wafer"), llama = modelPreset("llama2-7b");

const smallTrace = fc
  .record({
    n: fc.integer({ min: 1, max: 30 }),
    seed: fc.integer(),
    rate: fc.constantFrom(1, 20, 500),
    spec: fc.constantFrom(0, 0, 3, 7),
    kind: fc.constantFrom("coding" as const, "conversation" as const),
  })
  .map(({ n, seed, rate, spec, kind }) => generateTrace(kind, { requests: n, ratePerSec: rate, seed, shareProb: 0.6, maxPrompt: 400, maxOutput: 40, specLen: spec }));

describe("serveSim", () => {
  test.prop(
    [smallTrace, fc.constantFrom("xy" as const, "baseline" as const), fc.integer({ min: 8, max: 600 }), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), fc.integer()],
    { numRuns: 120, seed: SEED },
  )(
    "every request gets all its output tokens, its first after it arrives; steps within budget, one after another in time",
    (trace, scheduler, budget, reserve0, tileSize, prefixCache, seed) => {
      const o = { scheduler, budget, reserve: Math.min(reserve0, budget), tileSize, prefixCache, seed };
      const r = serveSim(trace, tiny, SMALL, o);
      trace.forEach((q, i) => {
        const p = r.perRequest[i];
        expect(p.outputTokens).toBe(q.outputLen);
        expect(p.firstToken).toBeGreaterThan(q.arrival);
        expect(p.finish).toBeGreaterThanOrEqual(p.firstToken);
        expect(p.cachedTokens).toBeLessThan(q.promptLen);
        if (!prefixCache) expect(p.cachedTokens).toBe(0);
      });
      expect(r.ttft.p50).toBeGreaterThanOrEqual(0);
      expect(r.outputTokens).toBe(trace.reduce((s, q) => s + q.outputLen, 0));
      // Every token after a request's first is one TBT sample.
      expect(r.tbt.count).toBe(trace.reduce((s, q) => s + q.outputLen - 1, 0));
      let last = 0;
      for (const s of r.stepLog) {
        // The baseline runs a prompt longer than the budget alone, whole.
        if (scheduler === "xy" || s.stages > 1) expect(s.tokens).toBeLessThanOrEqual(budget);
        expect(s.start).toBeGreaterThanOrEqual(last);
        expect(s.end).toBeGreaterThan(s.start);
        last = s.end;
      }
      expect(r.pipelines[2] + r.pipelines[3] + r.pipelines[4]).toBe(r.steps);
      expect(r.coreUtilization).toBeGreaterThan(0);
      expect(r.coreUtilization).toBeLessThanOrEqual(1 + 1e-9);
      expect(r.loadImbalance.attention).toBeGreaterThanOrEqual(-1e-9);
      expect(r.loadImbalance.linear).toBeGreaterThanOrEqual(-1e-9);
    },
  );

  it("is deterministic for a seed, and the async run gives the same result", async () => {
    const trace = generateTrace("coding", { requests: 40, ratePerSec: 30, seed: 3, specLen: 3 });
    const o = { scheduler: "xy" as const, budget: 4096, seed: 9 };
    const a = serveSim(trace, palm, llama, o);
    expect(serveSim(trace, palm, llama, o)).toEqual(a);
    expect(await serveSimAsync(trace, palm, llama, o)).toEqual(a);
    expect(serveSim(trace, palm, llama, { ...o, seed: 10 }).tbt).not.toEqual(a.tbt);
  });

  it("one request alone: it is served from its arrival, and its TTFT is its prefill step's time", () => {
    const q: ServeRequest = { id: 0, arrival: 250, promptLen: 700, outputLen: 3, prefixOf: -1, prefixLen: 0, specLen: 0 };
    const r = serveSim([q], palm, llama, { scheduler: "xy", budget: 4096 });
    const step = formStep({ scheduler: "xy", budget: 4096 }, [{ req: q, prefilled: 0, generated: 0 }], []);
    const ns = new StepTimer(palm, llama, "xy").time(step, 0).ns;
    expect(r.stepLog[0].start).toBe(250);
    expect(r.ttft.p50).toBeCloseTo(ns / 1e6, 9);
    expect(r.steps).toBe(3);
    expect(r.pipelines).toEqual({ 2: 2, 3: 1, 4: 0 });
  });

  it("prefix caching removes the shared prompt tokens of a request arriving after the first's prefill", () => {
    const a: ServeRequest = { id: 0, arrival: 0, promptLen: 1000, outputLen: 2, prefixOf: -1, prefixLen: 0, specLen: 0 };
    const b: ServeRequest = { id: 1, arrival: 5000, promptLen: 1200, outputLen: 2, prefixOf: 0, prefixLen: 800, specLen: 0 };
    const on = serveSim([a, b], palm, llama, { scheduler: "xy", budget: 4096 });
    const off = serveSim([a, b], palm, llama, { scheduler: "xy", budget: 4096, prefixCache: false });
    expect(on.cachedTokens).toBe(800);
    expect(off.cachedTokens).toBe(0);
    expect(on.perRequest[1].firstToken - b.arrival).toBeLessThan(off.perRequest[1].firstToken - b.arrival);
  });

  // Checked, not built in: xy reserves decode slots and chunks prompts, the baseline runs whole
  // prompts while decodes wait, and the timed run must show it in TBT. With 80 requests of one
  // D/V token each, the reservation (budget / 8 = 512) holds every running request, so under xy
  // no request ever sits a step out: its worst TBT is one step, never a stall behind prefill.
  test.prop([fc.constantFrom("coding" as const, "conversation" as const), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 4, seed: SEED })(
    "xy decodes in every step: its worst TBT is one step long and no worse than the baseline's, and its mean TBT is no worse",
    (kind, seed) => {
      const trace = generateTrace(kind, { requests: 80, ratePerSec: kind === "coding" ? 30 : 10, seed });
      const [xy, base] = (["xy", "baseline"] as const).map((scheduler) => serveSim(trace, palm, llama, { scheduler, budget: 4096 }));
      const longestStep = Math.max(...xy.stepLog.map((s) => s.end - s.start));
      expect(xy.tbt.max).toBeLessThanOrEqual(longestStep + 1e-9);
      expect(xy.tbt.max).toBeLessThanOrEqual(base.tbt.max);
      expect(xy.tbt.mean).toBeLessThanOrEqual(base.tbt.mean);
    },
  );

  // The tail at p99 holds when no prompt outlasts the budget. A prompt several budgets long is
  // different: xy chunks it over several steps, each a full budget with every running request's
  // decode in it, so one long stall in the baseline becomes several shorter ones under xy, and
  // those can fill the top 1% of samples (the next test).
  test.prop([fc.constantFrom("coding" as const, "conversation" as const), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 4, seed: SEED })(
    "xy's TBT p99 is no worse than the baseline's on mixed traces whose prompts fit the budget",
    (kind, seed) => {
      const trace = generateTrace(kind, { requests: 80, ratePerSec: kind === "coding" ? 30 : 10, seed, maxPrompt: 4096 });
      const [xy, base] = (["xy", "baseline"] as const).map((scheduler) => serveSim(trace, palm, llama, { scheduler, budget: 4096 }));
      expect(xy.tbt.p99).toBeLessThanOrEqual(base.tbt.p99);
    },
  );

  it("prompts of four budgets: xy trades one long stall for four steps of one budget each, which can raise its p99 while its worst TBT falls by three quarters", () => {
    // Conversation seed 104381514 (found by the property above, before it bounded the prompts)
    // has prompts of 13,383 and 16,384 tokens. The baseline prefills each in one step while its
    // decodes wait (154 ms and 124 ms of TBT); xy runs each as four steps of 4,096 tokens
    // (36-39 ms each) with every running request decoding in them.
    const trace = generateTrace("conversation", { requests: 80, ratePerSec: 10, seed: 104381514 });
    expect(Math.max(...trace.map((q) => q.promptLen))).toBe(16384);
    const [xy, base] = (["xy", "baseline"] as const).map((scheduler) => serveSim(trace, palm, llama, { scheduler, budget: 4096 }));
    expect(xy.stepLog.filter((s) => s.tokens === 4096 && s.prefillTokens > 4000).length).toBeGreaterThanOrEqual(7);
    expect(base.stepLog.some((s) => s.prefillTokens === 16384 && s.stages === 1)).toBe(true);
    expect(xy.tbt.max).toBeLessThan(base.tbt.max / 3);
    expect(xy.tbt.p99).toBeGreaterThan(base.tbt.p99);
    expect(xy.tbt.mean).toBeLessThan(base.tbt.mean);
  });

  it("refuses a budget below a verify step", () => {
    const trace = generateTrace("coding", { requests: 3, ratePerSec: 10, seed: 1, specLen: 15 });
    expect(() => serveSim(trace, tiny, SMALL, { scheduler: "xy", budget: 8 })).toThrow(/budget = 8 is smaller than request 0's verify step of 16 tokens/);
  });
});

describe("step time", () => {
  it("a decode-only step runs the 2-stage pipeline; on palm-wafer, with long contexts, it is bound by streaming weights and KV", () => {
    const t = new StepTimer(palm, llama, "xy");
    expect(t.units).toBe(128); // 128 x 128 MACs / headDim 128
    expect(t.weightsOnChip).toBe(false);
    const req = (id: number): ServeRequest => ({ id, arrival: 0, promptLen: 1500, outputLen: 50, prefixOf: -1, prefixLen: 0, specLen: 0 });
    const running = Array.from({ length: 64 }, (_, id) => ({ req: req(id), prefilled: 1500, generated: 1 }));
    const s = t.time(formStep({ scheduler: "xy", budget: 4096 }, [], running), 64 * 1501);
    expect(s.pipeline).toBe(2);
    expect(s.dramNs).toBeGreaterThan(s.computeNs);
    expect(s.ns).toBeCloseTo(s.dramNs, 6);
    // Weights and each request's 1,502 positions of K and V (fp16, 32 heads of 128, 32 layers) over 14 channels of 256 GB/s.
    expect(s.ns).toBeCloseTo((t.weightBytes + 64 * 1502 * 2 * 32 * 128 * 2 * 32) / (14 * 256), 3);
    // A 1,500-token prefill is compute-bound.
    const p = t.time(formStep({ scheduler: "xy", budget: 4096 }, [{ req: req(0), prefilled: 0, generated: 0 }], []), 0);
    expect(p.computeNs).toBeGreaterThan(p.dramNs);
    expect(p.pipeline).toBe(3);
  });
});

describe("nearest-rank percentiles", () => {
  it("pick a sample at rank ceil(p n / 100)", () => {
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 99), percentile(hundred, 100)]).toEqual([50, 99, 100]);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(distribution([3, 1, 2])).toEqual({ p50: 2, p99: 3, mean: 2, max: 3, count: 3 });
    expect(Number.isNaN(distribution([]).max)).toBe(true);
    expect(Number.isNaN(distribution([]).p99)).toBe(true);
  });
});

describe("greedy assignment (baseline)", () => {
  test.prop([fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 200 }), fc.integer({ min: 1, max: 16 })], { numRuns: 200, seed: SEED })(
    "every tile on exactly one core, in the order given, each to a least-loaded core",
    (loads, cores) => {
      const a = greedyAssign(loads, cores);
      expect(a.perCore.flat().sort((x, y) => x - y)).toEqual(loads.map((_, i) => i));
      for (const tiles of a.perCore) for (let k = 1; k < tiles.length; k++) expect(tiles[k]).toBeGreaterThan(tiles[k - 1]);
      // Replay: each tile went to a core whose load was the least when it came.
      const load = new Array<number>(cores).fill(0);
      const who = new Map(a.perCore.flatMap((ts, c) => ts.map((t) => [t, c] as const)));
      loads.forEach((l, t) => {
        expect(load[who.get(t)!]).toBe(Math.min(...load));
        load[who.get(t)!] += l;
      });
      expect(a.load).toEqual(load);
      // Graham's bound for list scheduling.
      if (loads.length) expect(Math.max(...a.load)).toBeLessThanOrEqual(loads.reduce((s, l) => s + l, 0) / cores + Math.max(...loads));
    },
  );
});

describe("tessera serve-sim", () => {
  it("--json has the fields the issue names; the human table has the same numbers", async () => {
    const argv = ["serve-sim", "--trace", "conversation", "--platform", "palm-wafer", "--model", "llama2-7b", "--budget", "4096", "--scheduler", "baseline", "--requests", "30", "--rate", "10"];
    const r = await runCli([...argv, "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ["ttft", "tbt"]) expect(Object.keys(j[k]).sort()).toEqual(["max", "mean", "p50", "p99"]);
    expect(Object.keys(j.throughput).sort()).toEqual(["requestsPerSec", "tokensPerSec"]);
    expect(Object.keys(j.loadImbalance).sort()).toEqual(["attention", "linear"]);
    expect(Object.keys(j.pipelines).sort()).toEqual(["2", "3", "4"]);
    expect(j).toMatchObject({ scheduler: "baseline", budget: 4096, platform: "palm-wafer", model: "llama2-7b", trace: "conversation", requests: 30 });
    for (const k of ["coreUtilization", "steps", "cachedTokens"]) expect(typeof j[k]).toBe("number");
    expect(j.ttft.p99).toBeGreaterThanOrEqual(j.ttft.p50);
    const again = await runCli([...argv, "--json"]);
    expect({ ...JSON.parse(again.out), timing: 0 }).toEqual({ ...j, timing: 0 });
    const text = await runCli(argv);
    expect(text.code).toBe(0);
    expect(text.out).toContain("llama2-7b on palm-wafer (320 cores, 128 meta-attention units each), baseline scheduler, budget 4096: 30 conversation requests at 10/s");
    expect(text.out).toMatch(/TBT p50 \/ p99 \/ mean \/ max +[\d.]+ ms/);
    expect(j.tbt.max).toBeGreaterThanOrEqual(j.tbt.p99);
    expect(text.out).toContain(`${j.steps.toLocaleString("en-US")} (`);
  });

  it("reads a CSV trace, and names the file and line of a bad one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-serve-"));
    const good = join(dir, "t.csv"), bad = join(dir, "bad.csv");
    writeFileSync(good, "arrival_ms,prompt,output,prefix_of,prefix_len,spec\n0,300,5,-1,0,0\n2,400,4,0,200,3\n");
    writeFileSync(bad, "arrival_ms,prompt,output\n0,300,5\n1,-4,5\n");
    const ok = await runCli(["serve-sim", "--trace", good, "--json"]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ trace: good, requests: 2, cachedTokens: 200 });
    const r = await runCli(["serve-sim", "--trace", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tessera serve-sim: --trace: .*bad\.csv:3: prompt = '-4' must be a whole number/);
  });

  it("usage errors name the option and how to mend it (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-serve-"));
    const csv = join(dir, "t.csv");
    writeFileSync(csv, "arrival_ms,prompt,output\n0,30,5\n");
    const cases: [string[], RegExp][] = [
      [["serve-sim", "--scheduler", "fifo"], /--scheduler.*xy, baseline/],
      [["serve-sim", "--budget", "0"], /--budget must be a whole number/],
      [["serve-sim", "--rate", "0"], /--rate must be a number > 0/],
      [["serve-sim", "--acceptance", "1.5"], /--acceptance must be a number 0\.\.1/],
      [["serve-sim", "--scheduler", "baseline", "--reserve", "64"], /--reserve sets the D\/V slots of --scheduler xy/],
      [["serve-sim", "--reserve", "5000"], /--reserve 5000 is more than --budget 4096/],
      [["serve-sim", "--spec-len", "15", "--budget", "8"], /--budget 8 is smaller than a verify step's 16 tokens.*raise --budget or lower --spec-len/],
      [["serve-sim", "--trace", csv, "--rate", "5"], /--rate shapes a generated trace/],
      [["serve-sim", "--trace", join(dir, "nosuch.csv")], /--trace: .*nosuch\.csv: no such file, and not a generated trace; give a CSV trace file or one of coding, conversation/],
      [["serve-sim", "--platform", "nosuch"], /nosuch: no such file, and no platform preset/],
      [["serve-sim", "--model", "nosuch"], /nosuch: no such file, and no model preset/],
    ];
    for (const [argv, msg] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(msg);
      expect(r.err.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
  });
});
