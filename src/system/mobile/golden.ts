/**
 * The golden model of MoBiLE (papers.md 3(b), 3(c)) and the checks of its properties on a run:
 *  - an important token's layer output is bit-identical to the baseline top-k MoE layer's on the
 *    same input (so is a token that fell back to big; and a token that took the big set in every
 *    layer ends bit-identical to the baseline run's);
 *  - a little token uses exactly ceil(k/2) experts, the top ones of its big set;
 *  - MoBiLE moves no more expert bytes than the baseline with the same cache policy on the same
 *    routed stream.
 * `baselineLayer` computes the reference layer on its own: it ranks and renormalises itself rather
 * than through routing.ts, so a slip there shows up here. The byte check replays the baseline's
 * cache over the big sets the run routed to (in a one-layer model, or for the first MoE layer, that
 * is the baseline run's own stream; deeper, a little token changes the hidden state and so what the
 * next layers route to, and the bound is against the baseline on the stream MoBiLE saw).
 */
import type { MoeModel } from "./model.js";
import type { ScheduleRun } from "./plan.js";
import { makeCaches, type CacheStart } from "./warmup.js";

/** The baseline top-k MoE layer on input x: probabilities, the top k (ties to the lower index), gates over them, and x + the layer's output. */
export function baselineLayer(model: MoeModel, layer: number, x: Float64Array): { probs: Float64Array; big: number[]; gates: number[]; output: Float64Array } {
  const { y, probs, big } = baselineRouting(model, layer, x);
  let sum = 0;
  for (const e of big) sum += probs[e];
  const gates = big.map((e) => probs[e] / sum);
  const out = model.moeOutput(layer, y, big, gates);
  const output = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) output[i] = x[i] + out[i];
  return { probs, big, gates, output };
}

/** The baseline's routing of input x: probabilities and the top k by selection (ties to the lower index). */
export function baselineRouting(model: MoeModel, layer: number, x: Float64Array): { y: Float64Array; probs: Float64Array; big: number[] } {
  const { y, probs } = model.route(layer, x);
  const big: number[] = [];
  for (let r = 0; r < model.shape.topK; r++) {
    let best = -1;
    for (let e = 0; e < probs.length; e++) if (!big.includes(e) && (best < 0 || probs[e] > probs[best])) best = e;
    big.push(best);
  }
  return { y, probs, big };
}

/** Whether two vectors are equal bit for bit (Object.is per element: -0 and NaN payloads aside, the same doubles). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Problems with big steps (important, or fallen back): each must equal the baseline layer on its
 * own input, bit for bit. Where the baseline run is given and its step for the same token and
 * layer had the same input, that step is the reference (the baseline itself); otherwise (an
 * earlier little layer changed the input) baselineLayer recomputes it.
 */
export function checkBigSteps(model: MoeModel, run: ScheduleRun, baseline?: ScheduleRun): string[] {
  const problems: string[] = [];
  const same = new Map<string, { big: readonly number[]; output: Float64Array; input: Float64Array }>();
  for (const s of baseline?.steps ?? []) if (s.mode !== "dense") same.set(`${s.token}.${s.layer}`, { big: s.uses.map((u) => u.expert), output: s.output, input: s.input });
  for (const s of run.steps) {
    if (s.mode !== "big" && s.mode !== "fallback") continue;
    const b = same.get(`${s.token}.${s.layer}`);
    const ref = b && sameBits(b.input, s.input) ? b : baselineLayer(model, s.layer, s.input);
    const experts = s.uses.map((u) => u.expert);
    if (experts.join() !== ref.big.join()) problems.push(`token ${s.token} layer ${s.layer} (${s.mode}): experts [${experts}] but the baseline's top-${ref.big.length} is [${ref.big}]`);
    else if (!sameBits(s.output, ref.output)) problems.push(`token ${s.token} layer ${s.layer} (${s.mode}): output differs from the baseline layer's`);
  }
  return problems;
}

/** Problems with little steps: exactly ceil(k/2) experts, the top ones of the big set, gates renormalised over them. */
export function checkLittleSteps(model: MoeModel, run: ScheduleRun): string[] {
  const problems: string[] = [];
  const kl = Math.ceil(model.shape.topK / 2);
  for (const s of run.steps) {
    if (s.mode !== "little") continue;
    const ref = baselineRouting(model, s.layer, s.input);
    const experts = s.uses.map((u) => u.expert);
    const where = `token ${s.token} layer ${s.layer}`;
    if (experts.length !== kl) problems.push(`${where}: a little token uses ${experts.length} experts, not ceil(k/2) = ${kl}`);
    else if (!experts.every((e) => ref.big.includes(e))) problems.push(`${where}: little set [${experts}] is not inside the big set [${ref.big}]`);
    else if (experts.join() !== ref.big.slice(0, kl).join()) problems.push(`${where}: little set [${experts}] is not the top ${kl} of [${ref.big}]`);
    else {
      const sum = experts.reduce((a, e) => a + ref.probs[e], 0);
      if (s.uses.some((u) => u.gate !== ref.probs[u.expert] / sum)) problems.push(`${where}: little gates are not renormalised over the little set`);
    }
  }
  return problems;
}

/** Experts the baseline's cache (same starts and capacity) fetches on the big sets `run` routed to, in order. */
export function baselineFetchesOn(run: ScheduleRun, starts: readonly CacheStart[], capacity: number, denseLayers: number): number {
  const caches = makeCaches(starts, capacity, denseLayers);
  let fetched = 0;
  for (const s of run.steps) if (s.mode !== "dense") fetched += caches[s.layer]!.access(s.big).misses.length;
  return fetched;
}

/** Tokens that took the big set in every MoE layer of `mobile`, whose final output differs from `baseline`'s. */
export function checkBigTokens(baseline: ScheduleRun, mobile: ScheduleRun): string[] {
  const bigEverywhere = bigTokens(mobile);
  return [...bigEverywhere].filter((t) => !sameBits(mobile.outputs[t], baseline.outputs[t])).map((t) => `token ${t} took the big set in every layer but its output differs from the baseline's`);
}

/** Tokens that took the big set (important or fallback) in every MoE layer. */
export function bigTokens(run: ScheduleRun): Set<number> {
  const out = new Set(run.outputs.map((_, t) => t));
  for (const s of run.steps) if (s.mode === "little") out.delete(s.token);
  return out;
}

export interface GoldenReport {
  readonly ok: boolean;
  /** Experts MoBiLE moved over PCIe, demand and prefetch. */
  readonly mobileFetches: number;
  /** Experts the baseline's cache fetches on the stream MoBiLE routed. */
  readonly baselineFetchesOnStream: number;
  /** The first problems found (empty when ok). */
  readonly problems: readonly string[];
}

/** Every property on a MoBiLE run (and the baseline run on the same token stream). */
export function checkMobileRun(model: MoeModel, mobile: ScheduleRun, baseline: ScheduleRun, starts: readonly CacheStart[], capacity: number): GoldenReport {
  const baselineFetchesOnStream = baselineFetchesOn(mobile, starts, capacity, model.shape.denseLayers);
  const problems = [...checkBigSteps(model, mobile, baseline), ...checkLittleSteps(model, mobile), ...checkBigTokens(baseline, mobile)];
  if (mobile.transfers.length > baselineFetchesOnStream) problems.push(`MoBiLE moved ${mobile.transfers.length} experts, the baseline's cache ${baselineFetchesOnStream} on the same stream`);
  return { ok: problems.length === 0, mobileFetches: mobile.transfers.length, baselineFetchesOnStream, problems: problems.slice(0, 10) };
}
