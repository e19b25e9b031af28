/**
 * Token-wise scheduling of prefill (P), decode (D) and speculative-verify (V) work into steps of a
 * fixed token budget (XY-Serve section 4, ../shared/reference/papers.md section 6), and the
 * baseline it is compared with.
 *
 * "xy": each step first gives the running requests' D/V tokens up to `reserve` slots (so decode
 * never starves behind long prompts: TBT stays flat), then fills the budget with prefill, oldest
 * request first, splitting a long prompt into chunks over steps, then gives any room left to the
 * D/V tokens beyond the reservation. A step is prefill-only only when no request is decoding.
 *
 * "baseline": static batching without chunking or reservation (vLLM before chunked prefill): while
 * prompts wait, a step prefills whole prompts, oldest first, as many as fit in the budget (one
 * longer than the budget runs alone), and nothing decodes; otherwise a step decodes every running
 * request.
 *
 * The step's Token-Table has one entry per stage {stageId, start, tokenNum, kvLen, tileSize}: a
 * prefill chunk's first position and length, its KV length (everything before and in it), and
 * the attention tile rows. Prefix caching (prefix-cache.ts) removes matched prompt tokens before a
 * request is scheduled: its prefill starts at the first token not cached.
 */
import { mulberry32 } from "../../golden/prng.js";
import type { ServeRequest } from "./trace.js";

export const SCHEDULERS = ["xy", "baseline"] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

export interface SchedulerOptions {
  readonly scheduler: SchedulerName;
  /** Tokens per step. */
  readonly budget: number;
  /** Slots kept for D/V tokens in every xy step (default budget / 8). */
  readonly reserve?: number;
  /** Attention tile rows (default 128). */
  readonly tileSize?: number;
}

export type StageKind = "P" | "D" | "V";

/** One stage of a step: XY-Serve's Token-Table entry, with what it is for. */
export interface TokenTableEntry {
  readonly stageId: number;
  readonly kind: StageKind;
  readonly request: number;
  /** First token position of the stage in its request's sequence. */
  readonly start: number;
  readonly tokenNum: number;
  /** Keys the stage's queries attend to: every position before it and in it. */
  readonly kvLen: number;
  readonly tileSize: number;
}

export interface Step {
  readonly table: TokenTableEntry[];
  readonly tokens: number;
  readonly prefillTokens: number;
  /** D/V tokens wanted by the running requests when the step was formed. */
  readonly dvDemand: number;
}

/** Where one request is: prompt tokens left to prefill, output tokens still to generate. */
export interface RequestState {
  readonly req: ServeRequest;
  /** Next prompt position to prefill (starts after the cached prefix). */
  prefilled: number;
  generated: number;
}

/** D/V tokens a running request puts in a step: one, or its drafts plus one to verify them. */
export const dvTokens = (q: ServeRequest) => (q.specLen > 0 ? q.specLen + 1 : 1);

export function checkSchedulerOptions(o: SchedulerOptions): void {
  if (!(SCHEDULERS as readonly string[]).includes(o.scheduler)) throw new Error(`scheduler = '${o.scheduler}': use ${SCHEDULERS.join(", ")}`);
  if (!(Number.isInteger(o.budget) && o.budget >= 1)) throw new Error(`budget = ${o.budget}: must be a whole number of tokens >= 1`);
  if (o.reserve !== undefined && !(Number.isInteger(o.reserve) && o.reserve >= 0 && o.reserve <= o.budget)) throw new Error(`reserve = ${o.reserve}: must be a whole number 0..budget (${o.budget})`);
  if (o.tileSize !== undefined && !(Number.isInteger(o.tileSize) && o.tileSize >= 1)) throw new Error(`tileSize = ${o.tileSize}: must be a whole number >= 1`);
}

/**
 * The next step for the waiting requests (prompt not fully prefilled, oldest first) and the
 * running ones (decoding). Pure: the caller advances the states by the step (`applyStep`).
 */
export function formStep(o: SchedulerOptions, waiting: readonly RequestState[], running: readonly RequestState[]): Step {
  const tileSize = o.tileSize ?? 128;
  const table: TokenTableEntry[] = [];
  const dvDemand = running.reduce((s, r) => s + dvTokens(r.req), 0);
  let used = 0, prefillTokens = 0;
  const addDv = (r: RequestState) => {
    const n = dvTokens(r.req), start = r.req.promptLen + r.generated;
    table.push({ stageId: table.length, kind: r.req.specLen > 0 ? "V" : "D", request: r.req.id, start, tokenNum: n, kvLen: start + n, tileSize: Math.min(tileSize, n) });
    used += n;
  };
  const addPrefill = (r: RequestState, n: number) => {
    table.push({ stageId: table.length, kind: "P", request: r.req.id, start: r.prefilled, tokenNum: n, kvLen: r.prefilled + n, tileSize: Math.min(tileSize, n) });
    used += n;
    prefillTokens += n;
  };
  if (o.scheduler === "baseline") {
    if (waiting.length) {
      for (const r of waiting) {
        const n = r.req.promptLen - r.prefilled;
        if (used > 0 && used + n > o.budget) break;
        addPrefill(r, n);
      }
    } else {
      for (const r of running) {
        if (used + dvTokens(r.req) > o.budget) break;
        addDv(r);
      }
    }
    return { table, tokens: used, prefillTokens, dvDemand };
  }
  const reserve = o.reserve ?? Math.floor(o.budget / 8);
  // 1. D/V up to the reservation (a request's tokens are never split; the first running request
  // goes in even when its drafts alone exceed the reservation, so decoding never waits on prefill).
  let k = 0;
  while (k < running.length) {
    const n = dvTokens(running[k].req);
    if (used + n > o.budget || (k > 0 && used + n > reserve)) break;
    addDv(running[k++]);
  }
  // 2. Prefill, oldest first, chunked to the room left.
  for (const r of waiting) {
    const room = o.budget - used;
    if (room <= 0) break;
    addPrefill(r, Math.min(room, r.req.promptLen - r.prefilled));
  }
  // 3. The rest of the D/V work, while it fits.
  while (k < running.length && used + dvTokens(running[k].req) <= o.budget) addDv(running[k++]);
  return { table, tokens: used, prefillTokens, dvDemand };
}

/** Draft tokens accepted in one verify step: leading drafts each accepted with probability `acceptance`. */
export function acceptedDrafts(specLen: number, acceptance: number, r: () => number): number {
  let a = 0;
  while (a < specLen && r() < acceptance) a++;
  return a;
}

/**
 * Advance the requests by one step: prefill chunks move their prompts on (the step that prefills
 * a prompt's last token gives its first output token), a decode stage gives one token and a verify
 * stage its accepted drafts plus one (`acceptance`, drawn from `r` in table order), never past the
 * request's output length. Then prompts done move from `waiting` to `running` (or leave, when one
 * token was all they wanted), requests with every output token leave `running`, and `running`
 * stays in id order. `states` is indexed by request id. Returns the output tokens each request got
 * in the step, in table order (a request is in a step at most once).
 */
export function applyStep(step: Step, states: readonly RequestState[], waiting: RequestState[], running: RequestState[], acceptance: number, r: () => number): [id: number, tokens: number][] {
  const emitted: [number, number][] = [];
  for (const e of step.table) {
    const st = states[e.request];
    if (e.kind === "P") {
      st.prefilled += e.tokenNum;
      if (st.prefilled === st.req.promptLen) {
        st.generated = 1;
        emitted.push([st.req.id, 1]);
      }
    } else {
      const more = e.kind === "V" ? acceptedDrafts(st.req.specLen, acceptance, r) + 1 : 1;
      const before = st.generated;
      st.generated = Math.min(st.req.outputLen, st.generated + more);
      emitted.push([st.req.id, st.generated - before]);
    }
  }
  for (let i = waiting.length - 1; i >= 0; i--) {
    const st = waiting[i];
    if (st.prefilled === st.req.promptLen) {
      waiting.splice(i, 1);
      if (st.generated < st.req.outputLen) running.push(st);
    }
  }
  for (let i = running.length - 1; i >= 0; i--) if (running[i].generated >= running[i].req.outputLen) running.splice(i, 1);
  running.sort((a, b) => a.req.id - b.req.id);
  return emitted;
}

export interface ScheduleRun {
  readonly steps: Step[];
  /** Per request: the step that produced its first output token, and every step that produced output. */
  readonly firstTokenStep: Int32Array;
  readonly outputSteps: number[][];
  /** Prompt tokens each request took from the prefix cache. */
  readonly cachedTokens: Int32Array;
}

/**
 * Run a whole trace through the scheduler, one step after another, every request present from
 * the start (arrival order is queue order): the schedule's shape, without time (serve-sim adds
 * time). `cached(q)` says how many prompt tokens the prefix cache holds when q is admitted.
 * A verify step emits its accepted drafts plus one token (`acceptance`, seeded).
 */
export function runSchedule(
  trace: readonly ServeRequest[], o: SchedulerOptions, opts: { cached?: (q: ServeRequest) => number; acceptance?: number; seed?: number; maxSteps?: number } = {},
): ScheduleRun {
  checkSchedulerOptions(o);
  const r = mulberry32(opts.seed ?? 1);
  const acceptance = opts.acceptance ?? 0.7;
  trace.forEach((q, i) => {
    if (q.id !== i) throw new Error(`schedule: request ${i} has id ${q.id}; a trace's ids are its indices (0, 1, ...)`);
  });
  const cachedTokens = new Int32Array(trace.length);
  const outputSteps: number[][] = trace.map(() => []);
  // One state per request, by id; the queues hold the same objects.
  const states: RequestState[] = trace.map((q) => {
    // At least the last prompt token is computed (its logits give the first output token).
    const c = Math.min(opts.cached?.(q) ?? 0, q.promptLen - 1);
    cachedTokens[q.id] = c;
    return { req: q, prefilled: c, generated: 0 };
  });
  const waiting: RequestState[] = [...states], running: RequestState[] = [];
  const steps: Step[] = [];
  const maxSteps = opts.maxSteps ?? 10_000_000;
  while (waiting.length || running.length) {
    if (steps.length >= maxSteps) throw new Error(`schedule: more than ${maxSteps} steps`);
    const step = formStep(o, waiting, running);
    if (step.tokens === 0) throw new Error(`schedule: an empty step with ${waiting.length} waiting and ${running.length} running (budget ${o.budget} too small for a request's verify tokens?)`);
    const s = steps.length;
    steps.push(step);
    for (const [id] of applyStep(step, states, waiting, running, acceptance, r)) outputSteps[id].push(s);
  }
  return { steps, firstTokenStep: Int32Array.from(outputSteps, (o) => o[0] ?? -1), outputSteps, cachedTokens };
}
