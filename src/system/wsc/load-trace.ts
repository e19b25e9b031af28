/**
 * A seeded, skewed expert-load trace with temporal locality, for the balancer study
 * (balance-study.ts): what NI-Balancer predicts from (a history window) and is judged on.
 *
 * Model: expert e has a log-popularity s_e. At the start s_e = -skew * ln(rank_e + 1) over a seeded
 * permutation of the experts (Zipf-like with exponent `skew`, as moeRouting in the golden); after
 * every iteration each s_e takes a random-walk step of N(0, drift^2), so hot experts stay hot for a
 * while and popularity drifts slowly (temporal locality). Per iteration, every one of `tokens`
 * tokens picks `topk` distinct experts with probability proportional to e^{s_e} (sampling without
 * replacement: the top-k of s_e + Gumbel noise), and the trace holds the tokens per expert.
 */
import { mulberry32 } from "../../golden/prng.js";

export interface LoadTraceSpec {
  readonly experts: number;
  readonly iterations: number;
  /** Tokens per iteration over the whole wafer (every TP group's batch). */
  readonly tokens: number;
  readonly topk: number;
  /** Zipf exponent of the initial popularity (0: uniform). */
  readonly skew: number;
  /** Standard deviation of the per-iteration random-walk step of each log-popularity. */
  readonly drift: number;
  readonly seed: number;
}

/** Defaults of the trace shape: skewed (max/mean device load about 2.5 with 16 experts, top-2, 32 tokens an iteration, unbalanced), slow drift. */
export const TRACE_DEFAULTS = { skew: 0.5, drift: 0.05 } as const;

function checkTrace(s: LoadTraceSpec): void {
  const whole: [string, number, number][] = [["experts", s.experts, 1], ["iterations", s.iterations, 0], ["tokens", s.tokens, 0], ["topk", s.topk, 1]];
  for (const [k, v, lo] of whole) if (!Number.isInteger(v) || v < lo) throw new Error(`expertLoadTrace: ${k} = ${v} must be a whole number >= ${lo}`);
  if (s.topk > s.experts) throw new Error(`expertLoadTrace: topk = ${s.topk} must be at most experts = ${s.experts}`);
  for (const [k, v] of [["skew", s.skew], ["drift", s.drift]] as const) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`expertLoadTrace: ${k} = ${v} must be a number >= 0`);
}

/** Tokens routed to each expert, per iteration: trace[t][e]; every row sums to tokens * topk. */
export function expertLoadTrace(s: LoadTraceSpec): number[][] {
  checkTrace(s);
  const r = mulberry32(s.seed);
  // u in (0, 1): never 0, so the logarithms below stay finite.
  const u = () => (Math.floor(r() * 4294967296) + 0.5) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const rank = Array.from({ length: s.experts }, (_, e) => e);
  for (let i = s.experts - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [rank[i], rank[j]] = [rank[j], rank[i]];
  }
  const logPop = rank.map((k) => -s.skew * Math.log(k + 1));
  const trace: number[][] = [];
  const top = new Array<number>(s.topk), topScore = new Array<number>(s.topk);
  for (let t = 0; t < s.iterations; t++) {
    const loads = new Array<number>(s.experts).fill(0);
    for (let i = 0; i < s.tokens; i++) {
      // Top-k of log-popularity + Gumbel noise, kept sorted by score (ties to the lower id).
      let n = 0;
      for (let e = 0; e < s.experts; e++) {
        const score = logPop[e] - Math.log(-Math.log(u()));
        if (n === s.topk && score <= topScore[n - 1]) continue;
        let j = n < s.topk ? n++ : n - 1;
        while (j > 0 && topScore[j - 1] < score) {
          top[j] = top[j - 1];
          topScore[j] = topScore[j - 1];
          j--;
        }
        top[j] = e;
        topScore[j] = score;
      }
      for (let k = 0; k < s.topk; k++) loads[top[k]]++;
    }
    trace.push(loads);
    if (s.drift > 0) for (let e = 0; e < s.experts; e++) logPop[e] += s.drift * gauss();
  }
  return trace;
}
