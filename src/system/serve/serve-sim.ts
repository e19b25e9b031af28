/**
 * A serving run in time (XY-Serve's end-to-end study): requests arrive at their arrival times, the
 * token-budget scheduler (xy, or the baseline) forms each step from the requests present, and the
 * step takes the time the platform needs for it (step-time.ts). Reported: TTFT and TBT
 * distributions, throughput, core utilization, load imbalance and the meta-attention pipelines
 * chosen.
 *
 * Time: a request joins the waiting queue at the first step formed at or after its arrival (a step
 * in progress is not interrupted); when no request is waiting or running, time jumps to the next
 * arrival. A step's output tokens all appear when the step ends.
 *
 * Prefix caching: when a request is admitted, the prompt tokens the cache holds (the longest
 * cached prefix, at most all but the last prompt token) are not prefilled; its prompt enters the
 * cache when its prefill ends, and its blocks are released (kept until evicted) when it finishes.
 * The cache holds as many KV blocks as the platform's DRAM has room for beside the weights. (The
 * matched blocks are not pinned between admission and the end of the prefill; at that capacity
 * an eviction in between is rare.)
 *
 * Measures:
 *   TTFT: the end of the step that gives a request its first output token, less its arrival.
 *   TBT: for each later step that gives the request tokens, the time since its previous output
 *     step, divided evenly over the tokens the step gave (a verify step accepting 3 drafts gives 4
 *     tokens, 4 samples of a quarter of the gap).
 *   Throughput: output tokens and finished requests per second, from the first arrival to the end
 *     of the last step.
 *   Core utilization: core-time busy on tiles over cores x that same span (idle gaps between
 *     requests and DRAM-bound layers count as idle).
 *   Load imbalance: mean over steps of max core load / mean core load - 1, attention and linear
 *     layers separately (step-time.ts).
 */
import { mulberry32 } from "../../golden/prng.js";
import { edgeDramPorts, tileCount } from "../platform/geometry.js";
import type { Platform } from "../platform/types.js";
import { ELEMENT_BYTES, type TransformerSpec } from "../workload/model.js";
import type { Pipeline } from "./decompose.js";
import { distribution, type Distribution } from "./distribution.js";
import { PrefixCache, type KvBlock } from "./prefix-cache.js";
import { applyStep, checkSchedulerOptions, dvTokens, formStep, type RequestState, type SchedulerOptions } from "./scheduler.js";
import { StepTimer } from "./step-time.js";
import { promptTokens, type ServeRequest } from "./trace.js";

export interface ServeSimOptions extends SchedulerOptions {
  /** Automatic prefix caching (default on). */
  readonly prefixCache?: boolean;
  /** Probability each draft token is accepted in a verify step (default 0.7). */
  readonly acceptance?: number;
  /** Seed of the acceptance draws (default 1). */
  readonly seed?: number;
  /** Eq. 1's alpha: bytes per score element x buffers in flight (default 4). */
  readonly alpha?: number;
  /** Tokens per KV block of the prefix cache (default 16, the meta-attention unit's KV block). */
  readonly blockSize?: number;
  /** Give up (an internal error) after this many steps (default 10,000,000). */
  readonly maxSteps?: number;
}

/** What happened to one request; times in ms from the start of the trace. */
export interface RequestOutcome {
  readonly arrival: number;
  readonly firstToken: number;
  readonly finish: number;
  readonly outputTokens: number;
  readonly cachedTokens: number;
}

/** One step: when it ran (ms) and what was in it. */
export interface StepRecord {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
  readonly prefillTokens: number;
  readonly stages: number;
  readonly pipeline: Pipeline;
}

export interface ServeSimResult {
  /** ms. */
  readonly ttft: Distribution;
  readonly tbt: Distribution;
  readonly throughput: { readonly tokensPerSec: number; readonly requestsPerSec: number };
  readonly coreUtilization: number;
  readonly loadImbalance: { readonly attention: number; readonly linear: number };
  /** Steps that ran each meta-attention pipeline. */
  readonly pipelines: Readonly<Record<Pipeline, number>>;
  readonly steps: number;
  readonly requests: number;
  readonly outputTokens: number;
  /** Prompt tokens taken from the prefix cache instead of prefilled. */
  readonly cachedTokens: number;
  /** From the first arrival to the end of the last step, ms. */
  readonly elapsedMs: number;
  /** Steps whose DRAM traffic took longer than their compute. */
  readonly dramBoundSteps: number;
  readonly cores: number;
  readonly attentionUnitsPerCore: number;
  readonly weightsOnChip: boolean;
  readonly perRequest: RequestOutcome[];
  readonly stepLog: StepRecord[];
}

/** Everything one request is waiting for or holds during the run. */
interface Live {
  readonly state: RequestState;
  cached: number;
  held: KvBlock[];
  firstToken: number;
  lastOutput: number;
  finish: number;
  outputs: number;
}

function checkTrace(trace: readonly ServeRequest[], o: ServeSimOptions): void {
  if (trace.length === 0) throw new RangeError("the trace has no requests");
  trace.forEach((q, i) => {
    if (q.id !== i) throw new RangeError(`request ${i} has id ${q.id}; a trace's ids are its indices (0, 1, ...)`);
    if (i > 0 && q.arrival < trace[i - 1].arrival) throw new RangeError(`request ${i} arrives before request ${i - 1}; sort the trace by arrival`);
    if (dvTokens(q) > o.budget) throw new RangeError(`budget = ${o.budget} is smaller than request ${i}'s verify step of ${dvTokens(q)} tokens (${q.specLen} drafts + 1); raise the budget or lower the speculation length`);
  });
  const acceptance = o.acceptance ?? 0.7;
  if (!(acceptance >= 0 && acceptance <= 1)) throw new RangeError(`acceptance = ${acceptance}: must be a probability 0..1`);
  const blockSize = o.blockSize ?? 16;
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new RangeError(`blockSize = ${blockSize}: must be a whole number of tokens >= 1`);
}

/** The whole run at once. */
export function serveSim(trace: readonly ServeRequest[], platform: Platform, spec: TransformerSpec, o: ServeSimOptions): ServeSimResult {
  const run = serveSteps(trace, platform, spec, o);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/**
 * The same run giving the event loop a turn every few hundred steps and calling
 * `onProgress(requests finished, requests)`: for progress bars. Same result as serveSim.
 */
export async function serveSimAsync(
  trace: readonly ServeRequest[], platform: Platform, spec: TransformerSpec, o: ServeSimOptions,
  onProgress: (finished: number, total: number) => void = () => {},
): Promise<ServeSimResult> {
  const run = serveSteps(trace, platform, spec, o);
  for (let n = 1; ; n++) {
    const r = run.next();
    if (r.done) return r.value;
    if (n % SLICE_STEPS === 0) {
      onProgress(r.value, trace.length);
      await new Promise((done) => setImmediate(done));
    }
  }
}

const SLICE_STEPS = 200;

/** The run, one step per iteration: yields the requests finished so far, returns the result. */
function* serveSteps(trace: readonly ServeRequest[], platform: Platform, spec: TransformerSpec, o: ServeSimOptions): Generator<number, ServeSimResult> {
  checkSchedulerOptions(o);
  checkTrace(trace, o);
  const timer = new StepTimer(platform, spec, o.scheduler, o.alpha ?? 4);
  const acceptance = o.acceptance ?? 0.7;
  const r = mulberry32(o.seed ?? 1);
  const caching = o.prefixCache ?? true;
  const blockSize = o.blockSize ?? 16;
  const kvBlockBytes = 2 * spec.kvHeads * spec.headDim * ELEMENT_BYTES[spec.precision] * spec.layers * blockSize;
  const dramBytes = edgeDramPorts(platform).length * platform.dram.capacityBytes;
  const cache = new PrefixCache(blockSize, Math.max(1, Math.floor(Math.max(0, dramBytes - (timer.weightsOnChip ? 0 : timer.weightBytes)) / kvBlockBytes)));
  const tokens = caching ? promptTokens(trace) : [];

  const live: Live[] = trace.map((q) => ({ state: { req: q, prefilled: 0, generated: 0 }, cached: 0, held: [], firstToken: NaN, lastOutput: NaN, finish: NaN, outputs: 0 }));
  const states = live.map((l) => l.state);
  const waiting: RequestState[] = [], running: RequestState[] = [];
  const tbt: number[] = [];
  const stepLog: StepRecord[] = [];
  const pipelines: Record<Pipeline, number> = { 2: 0, 3: 0, 4: 0 };
  let next = 0, now = 0, finished = 0, busyCoreNs = 0, attnImbalance = 0, linImbalance = 0, dramBound = 0;
  const maxSteps = o.maxSteps ?? 10_000_000;

  while (next < trace.length || waiting.length || running.length) {
    if (!waiting.length && !running.length) now = Math.max(now, trace[next].arrival);
    for (; next < trace.length && trace[next].arrival <= now; next++) {
      const l = live[next];
      // At least the last prompt token is computed: its logits give the first output token.
      if (caching) l.cached = Math.min(cache.match(tokens[next]).matched, l.state.req.promptLen - 1);
      l.state.prefilled = l.cached;
      waiting.push(l.state);
    }
    if (stepLog.length >= maxSteps) throw new Error(`serve-sim: more than ${maxSteps} steps`);
    const step = formStep(o, waiting, running);
    if (step.tokens === 0) throw new Error(`serve-sim: an empty step with ${waiting.length} waiting and ${running.length} running`);
    let kvHeld = 0;
    for (const s of waiting) kvHeld += s.prefilled;
    for (const s of running) kvHeld += s.req.promptLen + s.generated;
    const t = timer.time(step, kvHeld);
    const end = now + t.ns / 1e6;
    stepLog.push({ start: now, end, tokens: step.tokens, prefillTokens: step.prefillTokens, stages: step.table.length, pipeline: t.pipeline });
    pipelines[t.pipeline]++;
    busyCoreNs += t.busyCoreNs;
    attnImbalance += t.attentionImbalance;
    linImbalance += t.linearImbalance;
    if (t.dramNs > t.computeNs) dramBound++;

    for (const [id, n] of applyStep(step, states, waiting, running, acceptance, r)) {
      const l = live[id];
      if (l.outputs === 0) {
        l.firstToken = end;
        if (caching) l.held = cache.acquire(tokens[id]).held;
      } else {
        for (let k = 0; k < n; k++) tbt.push((end - l.lastOutput) / n);
      }
      l.lastOutput = end;
      l.outputs += n;
      if (l.outputs === l.state.req.outputLen) {
        l.finish = end;
        cache.release(l.held);
        l.held = [];
        finished++;
      }
    }
    now = end;
    yield finished;
  }

  const elapsedMs = now - trace[0].arrival;
  const outputTokens = live.reduce((s, l) => s + l.outputs, 0);
  const cores = tileCount(platform);
  return {
    ttft: distribution(live.map((l) => l.firstToken - l.state.req.arrival)),
    tbt: distribution(tbt),
    throughput: { tokensPerSec: outputTokens / (elapsedMs / 1000), requestsPerSec: trace.length / (elapsedMs / 1000) },
    coreUtilization: busyCoreNs / (cores * elapsedMs * 1e6),
    loadImbalance: { attention: attnImbalance / stepLog.length, linear: linImbalance / stepLog.length },
    pipelines,
    steps: stepLog.length,
    requests: trace.length,
    outputTokens,
    cachedTokens: live.reduce((s, l) => s + l.cached, 0),
    elapsedMs,
    dramBoundSteps: dramBound,
    cores,
    attentionUnitsPerCore: timer.units,
    weightsOnChip: timer.weightsOnChip,
    perRequest: live.map((l) => ({ arrival: l.state.req.arrival, firstToken: l.firstToken, finish: l.finish, outputTokens: l.outputs, cachedTokens: l.cached })),
    stepLog,
  };
}
